//! Licenses Python packages declare by trove classifier (`License :: OSI Approved :: MIT
//! License`), mapped to SPDX. Only classifiers that name one license map; the family ones
//! (`BSD License`, `GNU General Public License (GPL)`) do not say which version or variant and
//! are kept as written, so the policy sees text it can list but no guess.

/// The SPDX id of each classifier that names exactly one license, by its last segment.
const CLASSIFIERS: &[(&str, &str)] = &[
    ("Academic Free License (AFL)", "AFL-3.0"),
    ("Apache Software License", "Apache-2.0"),
    ("Apple Public Source License", "APSL-2.0"),
    ("Artistic License", "Artistic-2.0"),
    ("Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"),
    (
        "CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)",
        "CECILL-2.1",
    ),
    (
        "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
        "CC0-1.0",
    ),
    (
        "Common Development and Distribution License 1.0 (CDDL-1.0)",
        "CDDL-1.0",
    ),
    ("Common Public License", "CPL-1.0"),
    ("Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0"),
    ("Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"),
    ("European Union Public Licence 1.1 (EUPL 1.1)", "EUPL-1.1"),
    ("European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"),
    ("GNU Affero General Public License v3", "AGPL-3.0-only"),
    (
        "GNU Affero General Public License v3 or later (AGPLv3+)",
        "AGPL-3.0-or-later",
    ),
    ("GNU Free Documentation License (FDL)", "GFDL-1.3-only"),
    ("GNU General Public License v2 (GPLv2)", "GPL-2.0-only"),
    (
        "GNU General Public License v2 or later (GPLv2+)",
        "GPL-2.0-or-later",
    ),
    ("GNU General Public License v3 (GPLv3)", "GPL-3.0-only"),
    (
        "GNU General Public License v3 or later (GPLv3+)",
        "GPL-3.0-or-later",
    ),
    (
        "GNU Lesser General Public License v2 (LGPLv2)",
        "LGPL-2.0-only",
    ),
    (
        "GNU Lesser General Public License v2 or later (LGPLv2+)",
        "LGPL-2.0-or-later",
    ),
    (
        "GNU Lesser General Public License v3 (LGPLv3)",
        "LGPL-3.0-only",
    ),
    (
        "GNU Lesser General Public License v3 or later (LGPLv3+)",
        "LGPL-3.0-or-later",
    ),
    ("Historical Permission Notice and Disclaimer (HPND)", "HPND"),
    ("ISC License (ISCL)", "ISC"),
    ("MIT License", "MIT"),
    ("MIT No Attribution License (MIT-0)", "MIT-0"),
    ("Mozilla Public License 1.0 (MPL)", "MPL-1.0"),
    ("Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"),
    ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
    (
        "Mulan Permissive Software License v2 (MulanPSL-2.0)",
        "MulanPSL-2.0",
    ),
    ("Python Software Foundation License", "PSF-2.0"),
    ("SIL Open Font License 1.1 (OFL-1.1)", "OFL-1.1"),
    ("The Unlicense (Unlicense)", "Unlicense"),
    ("Universal Permissive License (UPL)", "UPL-1.0"),
    ("W3C License", "W3C"),
    ("Zope Public License", "ZPL-2.1"),
    ("zlib/libpng License", "Zlib"),
    ("Public Domain", "LicenseRef-Public-Domain"),
];

/// The license the `License ::` classifiers declare: one SPDX id per classifier, joined with
/// `OR` (a package that lists several offers each); a classifier naming only a family is kept
/// as written. `None` without license classifiers.
pub fn from_classifiers<'a>(classifiers: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut licenses: Vec<String> = Vec::new();
    for classifier in classifiers {
        let Some(rest) = classifier.strip_prefix("License ::") else {
            continue;
        };
        let last = rest.rsplit("::").next().unwrap_or(rest).trim();
        if matches!(
            last,
            "OSI Approved" | "Other/Proprietary License" | "Freely Distributable"
        ) {
            continue;
        }
        let license = CLASSIFIERS
            .iter()
            .find(|(name, _)| *name == last)
            .map_or_else(|| last.to_owned(), |(_, spdx)| (*spdx).to_owned());
        if !licenses.contains(&license) {
            licenses.push(license);
        }
    }
    let spdx = licenses.iter().all(|l| !l.contains(' '));
    match licenses.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many if spdx => Some(many.join(" OR ")),
        many => Some(many.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifiers_that_name_one_license_map_to_spdx() {
        assert_eq!(
            from_classifiers(["License :: OSI Approved :: MIT License"]).as_deref(),
            Some("MIT")
        );
        assert_eq!(
            from_classifiers([
                "Programming Language :: Python",
                "License :: OSI Approved :: Apache Software License",
                "License :: OSI Approved :: MIT License",
            ])
            .as_deref(),
            Some("Apache-2.0 OR MIT")
        );
        assert_eq!(
            from_classifiers(["License :: OSI Approved :: BSD License"]).as_deref(),
            Some("BSD License")
        );
        assert_eq!(from_classifiers(["License :: OSI Approved"]), None);
        assert_eq!(from_classifiers(["Topic :: Utilities"]), None);
    }
}
