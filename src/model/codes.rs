//! Stable codes of the diagnostics that are not findings: notes on what an input held but
//! inventory did not turn into components, and lints on a policy that loads but likely says
//! something its authors did not mean. Reports carry them as data (JSON, SARIF
//! notifications); docs/rules.md documents each beside the rule ids.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a code enum with its kebab-case ids and one-line summaries.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $id:literal, $summary:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }

            /// One line saying what the code means; the long form lives in docs/rules.md.
            pub fn summary(self) -> &'static str {
                match self {
                    $($name::$variant => $summary,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|code| code.as_str() == text)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown code `{text}`")))
            }
        }
    };
}

codes! {
    /// Why part of an input was not inventoried, or what a reader should know about it.
    NoteCode {
        /// An entry without one locked version (a range, a source tree, git without a tag).
        Unpinned => "unpinned",
            "An entry is not pinned to one version, so it is not inventoried";
        /// An entry from a kind of source depgov does not know.
        UnknownSource => "unknown-source",
            "An entry comes from a kind of source depgov does not know, so it is not inventoried";
        /// An entry whose package cannot be identified (no package URL, no name).
        Unidentified => "unidentified",
            "An entry names no package depgov can identify, so it is not inventoried";
        /// A dependency naming an entry the file does not hold.
        DanglingReference => "dangling-reference",
            "A dependency names an entry the file does not hold; the rest of the file is read";
        /// The manifest or checksum file the format reads beside the lockfile is missing.
        MissingCompanion => "missing-companion",
            "The file read beside this one (manifest, go.sum) is missing, so some facts are unknown";
        /// The input may not list every component in the build.
        Incomplete => "incomplete",
            "The input may not list every component, or does not pin their content";
        /// A directive or section depgov does not follow.
        Ignored => "ignored",
            "A directive, option or section of the input is not followed";
        /// A format version newer than the one depgov knows, read as that one.
        NewerFormat => "newer-format",
            "The file's format version is newer than the one depgov knows; it is read as that one";
        /// A repository with nothing to read (`scan-org`).
        EmptyRepository => "empty-repository",
            "The repository has no commits";
        /// Files of a remote tree whose paths are not plain relative paths (`scan-org`).
        UnsafePath => "unsafe-path",
            "Tree entries whose paths are not plain relative paths are not read";
        /// A source of facts that could not be reached or kept failing.
        FactsUnreachable => "facts-unreachable",
            "A source of facts could not be reached; what only it knows is unknown";
        /// A Cargo workspace Cargo refused to resolve with its lockfile, read as text instead.
        LockfileOnly => "lockfile-only",
            "Cargo refused a workspace's stale or missing Cargo.lock; it was read as text, as --lockfile-only does";
        /// A manifest read without a lockfile: direct dependencies and their requirements only.
        ManifestOnly => "manifest-only",
            "A manifest was read without a lockfile: its transitive dependencies are unknown";
        /// A Maven manifest read without a lockfile whose transitive dependencies are deps.dev's
        /// resolution of each direct dependency.
        ManifestResolved => "manifest-resolved",
            "A Maven manifest was read without a lockfile: its transitive dependencies are deps.dev's resolution of each direct dependency";
        /// Direct dependencies of a manifest whose transitive dependencies could not be resolved.
        TransitiveUnknown => "transitive-unknown",
            "deps.dev gave no dependency graph for some direct dependencies of a manifest: their transitive dependencies are unknown";
        /// The repository holds no input depgov reads.
        NothingToCheck => "nothing-to-check",
            "The repository holds no lockfile, manifest or SBOM depgov reads: nothing to check";
    }
}

impl NoteCode {
    /// Whether the note means an input was read less fully than asked, which every report
    /// shows as a warning (not only the JSON and SARIF ones, which show every note).
    pub fn is_warning(self) -> bool {
        matches!(self, NoteCode::LockfileOnly)
    }
}

codes! {
    /// A likely mistake in a policy that loads.
    LintCode {
        DeprecatedSpdxId => "policy-deprecated-spdx-id",
            "A license is written with a deprecated SPDX id";
        DuplicateEntry => "policy-duplicate-entry",
            "A file lists the same component twice; the later entry replaces the earlier";
        Repeated => "policy-repeated",
            "An entry or license repeats, unchanged, what an extended layer already decides";
        UseInsteadHeld => "policy-use-instead-held",
            "`use-instead` recommends a component the policy holds or removes";
        ExceptionExpired => "policy-exception-expired",
            "An exception has expired";
        ExceptionTooLong => "policy-exception-too-long",
            "An exception runs longer than `expiry.max-days` allows";
    }
}
