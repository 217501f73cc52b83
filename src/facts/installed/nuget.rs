//! NuGet's global packages folder: `$NUGET_PACKAGES`, else `~/.nuget/packages` (on Windows
//! `%USERPROFILE%\.nuget\packages`). Probed for each package version asked about, never
//! walked: `{id}/{version}/` in lower case (the version also as NuGet normalizes it: three
//! parts at least, a fourth only when not zero, no build metadata), and the `.nuspec` there
//! (`{id}.nuspec`, else any `*.nuspec`).
//!
//! From the nuspec's `<metadata>`: `<license type="expression">` is the license;
//! `<license type="file">` names a file in the package, whose text is recognised
//! ([`super::license_text`]); the deprecated `<licenseUrl>` alone names no license (the
//! package's license files, if any, are read instead); `<repository url="…"/>` is the
//! repository, else a `<projectUrl>` on a known forge. Files are shown as
//! `$NUGET_PACKAGES/…` on every machine.
//!
//! The nuspec is XML, and no XML reader is among depgov's dependencies: the few elements
//! wanted are read by [`elements`], a small tokenizer that understands tags, attributes,
//! comments, CDATA, processing instructions and the predefined and numeric character
//! references, and nothing else (a DTD is skipped, never expanded). It refuses nothing: what
//! it cannot read is simply not found, and a damaged nuspec is no answer.

use std::path::{Path, PathBuf};

use super::license_text::{self, LicenseFile};
use super::{EntryKind, entries, env_path, home, inside, is_real_dir, read_bounded, shown};
use crate::facts::known::{Answer, Known, local};
use crate::facts::remote::{browsable, is_forge};
use crate::model::facts::FactSource;

/// Nuspec files larger than this are not read (bytes).
const MAX_NUSPEC: u64 = 1024 * 1024;
const SHOWN: &str = "$NUGET_PACKAGES";

/// The global packages folder, if this machine has one.
#[derive(Debug, Default)]
pub struct GlobalPackages {
    root: Option<PathBuf>,
}

impl GlobalPackages {
    /// The folder the environment names: `NUGET_PACKAGES`, else `~/.nuget/packages`.
    pub fn from_env() -> GlobalPackages {
        GlobalPackages::at(
            env_path("NUGET_PACKAGES")
                .or_else(|| home().map(|home| home.join(".nuget").join("packages"))),
        )
    }

    pub fn at(root: Option<PathBuf>) -> GlobalPackages {
        GlobalPackages {
            root: root.filter(|r| r.is_dir()),
        }
    }

    /// What the package's nuspec says of `id` `version`, then the text of its license file.
    pub fn answers(&self, id: &str, version: &str) -> Vec<Answer> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let (Some(id), Some(version)) = (segment(id), segment(version)) else {
            return Vec::new();
        };
        let package_dir = root.join(&id);
        let Some(dir) = folder_versions(&version)
            .into_iter()
            .map(|v| package_dir.join(v))
            .find(|dir| is_real_dir(dir))
        else {
            return Vec::new();
        };
        let Some(file) = nuspec(&dir, &id) else {
            return Vec::new();
        };
        let Some(spec) = read_bounded(&file, MAX_NUSPEC)
            .and_then(|bytes| Nuspec::parse(&String::from_utf8_lossy(&bytes)))
        else {
            return Vec::new();
        };
        let shown_dir = shown(root, SHOWN, &dir);
        let mut known = Known {
            found: true,
            repository: spec.repository(),
            ..Known::default()
        };
        let license_files: Vec<LicenseFile> = match &spec.license {
            Some(License::Expression(expression)) => {
                known.license = Some(expression.clone());
                Vec::new()
            }
            Some(License::File(name)) => inside(&dir, name)
                .map(|path| {
                    vec![LicenseFile {
                        shown: shown(root, SHOWN, &path),
                        path,
                    }]
                })
                .unwrap_or_default(),
            None => {
                if spec.license_url.is_none() {
                    // Neither a license nor a license URL: it declares none.
                    known.license = Some(String::new());
                }
                license_text::files_in(&dir, &shown_dir)
            }
        };
        let text = license_text::answer(&license_files);
        if let (None, Some(License::File(name))) = (&text, &spec.license) {
            // The file's text is not recognised: the pointer is what the package says.
            known.license = Some(format!("SEE LICENSE IN {name}"));
        }
        let mut found = vec![Answer {
            known,
            origin: local(FactSource::NugetPackages, Some(shown(root, SHOWN, &file))),
        }];
        found.extend(text);
        found
    }
}

/// An id or version as one lower-case path segment; `None` for what could leave the folder.
fn segment(text: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._+".contains(c);
    let ok = !text.is_empty() && text.chars().all(allowed) && !matches!(text, "." | "..");
    ok.then(|| text.to_ascii_lowercase())
}

/// The folder names a version may have: as written, and as NuGet normalizes it (`1.0` →
/// `1.0.0`, `1.0.0.0` → `1.0.0`, build metadata dropped).
fn folder_versions(version: &str) -> Vec<String> {
    let mut all = vec![version.to_owned()];
    let without_metadata = version.split('+').next().unwrap_or(version);
    let (release, prerelease) = match without_metadata.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (without_metadata, None),
    };
    let mut parts: Vec<String> = release
        .split('.')
        .map(|p| {
            p.parse::<u64>()
                .map_or_else(|_| p.to_owned(), |n| n.to_string())
        })
        .collect();
    while parts.len() < 3 {
        parts.push("0".to_owned());
    }
    if parts.len() == 4 && parts[3] == "0" {
        parts.pop();
    }
    let mut normalized = parts.join(".");
    if let Some(pre) = prerelease {
        normalized.push('-');
        normalized.push_str(pre);
    }
    if normalized != version {
        all.push(normalized);
    }
    all
}

/// The nuspec in a package version's folder: `{id}.nuspec`, else the first `*.nuspec`.
fn nuspec(dir: &Path, id: &str) -> Option<PathBuf> {
    let named = dir.join(format!("{id}.nuspec"));
    if std::fs::symlink_metadata(&named).is_ok_and(|m| m.file_type().is_file()) {
        return Some(named);
    }
    entries(dir)
        .into_iter()
        .find(|(name, _, kind)| {
            *kind == EntryKind::File && name.to_ascii_lowercase().ends_with(".nuspec")
        })
        .map(|(_, path, _)| path)
}

#[derive(Debug, PartialEq)]
enum License {
    Expression(String),
    File(String),
}

/// What a nuspec's `<metadata>` says.
#[derive(Debug, Default, PartialEq)]
struct Nuspec {
    license: Option<License>,
    license_url: Option<String>,
    repository_url: Option<String>,
    project_url: Option<String>,
}

impl Nuspec {
    /// Reads the elements wanted; `None` when there is no `<package><metadata>`.
    fn parse(xml: &str) -> Option<Nuspec> {
        let mut spec = Nuspec::default();
        let mut in_metadata = false;
        for element in elements(xml) {
            let parents: Vec<&str> = element.path.iter().map(|s| local_name(s)).collect();
            match parents.as_slice() {
                ["package", "metadata"] => in_metadata = true,
                ["package", "metadata", name] => match *name {
                    "license" => {
                        let text = element.text.trim().to_owned();
                        let kind = element.attribute("type").unwrap_or("");
                        spec.license = match kind {
                            "expression" if !text.is_empty() => Some(License::Expression(text)),
                            "file" if !text.is_empty() => Some(License::File(text)),
                            _ => spec.license,
                        };
                    }
                    "licenseUrl" => {
                        spec.license_url = Some(element.text.trim().to_owned());
                    }
                    "repository" => {
                        spec.repository_url = element.attribute("url").map(str::to_owned);
                    }
                    "projectUrl" => spec.project_url = Some(element.text.trim().to_owned()),
                    _ => {}
                },
                _ => {}
            }
        }
        in_metadata.then_some(spec)
    }

    fn repository(&self) -> Option<String> {
        self.repository_url
            .as_deref()
            .and_then(browsable)
            .or_else(|| {
                self.project_url
                    .as_deref()
                    .and_then(browsable)
                    .filter(|url| is_forge(url))
            })
    }
}

/// An element's name without its namespace prefix.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// One element of an XML document: the names from the root down to it, its attributes
/// (values decoded), and its text (the character data directly inside it, decoded).
#[derive(Debug, Default)]
struct Element {
    path: Vec<String>,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| local_name(key) == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Every element of `xml`, in document order of their end. Mismatched end tags close up to
/// the matching open element; what cannot be read ends the document.
fn elements(xml: &str) -> Vec<Element> {
    let mut done: Vec<Element> = Vec::new();
    let mut open: Vec<Element> = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if let Some(current) = open.last_mut() {
                current.text.push_str(&decode(rest));
            }
            break;
        };
        if let Some(current) = open.last_mut() {
            current.text.push_str(&decode(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else { break };
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = after.find("]]>") else { break };
            if let Some(current) = open.last_mut() {
                current.text.push_str(&after[..end]);
            }
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            let Some(end) = after.find("?>") else { break };
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("<!") {
            // A DOCTYPE: skipped, its internal subset included, never expanded.
            let Some(end) = doctype_end(after) else { break };
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let Some(end) = after.find('>') else { break };
            let name = after[..end].trim();
            if let Some(at) = open
                .iter()
                .rposition(|e| e.path.last().is_some_and(|n| n == name))
            {
                while open.len() > at {
                    if let Some(element) = open.pop() {
                        done.push(element);
                    }
                }
            }
            rest = &after[end + 1..];
        } else {
            let Some((tag, after)) = start_tag(&rest[1..]) else {
                break;
            };
            let mut path = open
                .last()
                .map(|parent| parent.path.clone())
                .unwrap_or_default();
            path.push(tag.name);
            let element = Element {
                path,
                attributes: tag.attributes,
                text: String::new(),
            };
            if tag.empty {
                done.push(element);
            } else {
                open.push(element);
            }
            rest = after;
        }
    }
    done.extend(open.into_iter().rev());
    done
}

/// Where a `<!…>` declaration ends (after its `>`), skipping a `[…]` internal subset.
fn doctype_end(after: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in after.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '>' if depth == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

struct StartTag {
    name: String,
    attributes: Vec<(String, String)>,
    empty: bool,
}

/// A start tag after its `<`: name, attributes, whether it is empty (`/>`), and the text
/// after it.
fn start_tag(text: &str) -> Option<(StartTag, &str)> {
    let name_end = text.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    let name = &text[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &text[name_end..];
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            let tag = StartTag {
                name: name.to_owned(),
                attributes,
                empty: true,
            };
            return Some((tag, after));
        }
        if let Some(after) = rest.strip_prefix('>') {
            let tag = StartTag {
                name: name.to_owned(),
                attributes,
                empty: false,
            };
            return Some((tag, after));
        }
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        if key.is_empty() || key.contains(['<', '>', '/']) {
            return None;
        }
        let value = rest[eq + 1..].trim_start();
        let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value = &value[1..];
        let close = value.find(quote)?;
        attributes.push((key.to_owned(), decode(&value[..close])));
        rest = &value[close + 1..];
    }
}

/// Character data with XML's predefined and numeric character references decoded; another
/// reference is kept as written.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|end| *end <= 12).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => name.strip_prefix('#')?.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::installed::license_text::MIT;

    const NUSPEC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- generated -->
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata minClientVersion="2.12">
    <id>Newtonsoft.Json</id>
    <version>13.0.3</version>
    <license type="expression">MIT</license>
    <licenseUrl>https://licenses.nuget.org/MIT</licenseUrl>
    <projectUrl>https://www.newtonsoft.com/json</projectUrl>
    <description>Json.NET &amp; more <![CDATA[<fast>]]></description>
    <repository type="git" url="https://github.com/JamesNK/Newtonsoft.Json.git" commit="0a2e" />
    <dependencies><group targetFramework=".NETFramework2.0" /></dependencies>
  </metadata>
</package>"#;

    #[test]
    fn the_elements_wanted_are_read() {
        let spec = Nuspec::parse(NUSPEC).expect("parsed");
        assert_eq!(spec.license, Some(License::Expression("MIT".to_owned())));
        assert_eq!(
            spec.repository().as_deref(),
            Some("https://github.com/JamesNK/Newtonsoft.Json")
        );
        let description = elements(NUSPEC)
            .into_iter()
            .find(|e| e.path.last().is_some_and(|n| n == "description"))
            .expect("description");
        assert_eq!(description.text, "Json.NET & more <fast>");
    }

    #[test]
    fn file_licenses_urls_and_damage() {
        let spec = Nuspec::parse(
            "<package><metadata><license type='file'>docs\\LICENSE.txt</license><projectUrl>https://gitlab.com/o/p</projectUrl></metadata></package>",
        )
        .expect("parsed");
        assert_eq!(
            spec.license,
            Some(License::File("docs\\LICENSE.txt".to_owned()))
        );
        assert_eq!(spec.repository().as_deref(), Some("https://gitlab.com/o/p"));
        let spec = Nuspec::parse(
            "<package><metadata><licenseUrl>https://x.example/l</licenseUrl></metadata></package>",
        )
        .expect("parsed");
        assert_eq!(spec.license, None);
        assert!(spec.license_url.is_some());
        assert_eq!(Nuspec::parse("not xml at all"), None);
        assert_eq!(Nuspec::parse("<package><metadata"), None);
        assert_eq!(
            Nuspec::parse(
                "<!DOCTYPE p [<!ENTITY x \"y\">]><package><metadata><license type=\"expression\">&x;</license>"
            )
            .and_then(|s| s.license),
            Some(License::Expression("&x;".to_owned()))
        );
        assert_eq!(decode("&#65;&#x42;&bogus;&"), "AB&bogus;&");
    }

    #[test]
    fn versions_as_the_folder_names_them() {
        assert_eq!(folder_versions("13.0.3"), ["13.0.3"]);
        assert_eq!(folder_versions("1.0"), ["1.0", "1.0.0"]);
        assert_eq!(folder_versions("1.0.0.0"), ["1.0.0.0", "1.0.0"]);
        assert_eq!(
            folder_versions("1.2.3-beta.1+abc"),
            ["1.2.3-beta.1+abc", "1.2.3-beta.1"]
        );
        assert_eq!(segment("../x"), None);
        assert_eq!(
            segment("Newtonsoft.Json").as_deref(),
            Some("newtonsoft.json")
        );
    }

    #[test]
    fn the_folder_is_probed_in_lower_case() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("acme.thing/1.0.0");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("acme.thing.nuspec"),
            "<package><metadata><license type=\"file\">LICENSE.txt</license></metadata></package>",
        )
        .expect("write");
        std::fs::write(dir.join("LICENSE.txt"), MIT).expect("write");
        let packages = GlobalPackages::at(Some(root.path().to_path_buf()));
        let answers = packages.answers("Acme.Thing", "1.0");
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].known.license, None);
        assert_eq!(
            answers[0].origin.file.as_deref(),
            Some("$NUGET_PACKAGES/acme.thing/1.0.0/acme.thing.nuspec")
        );
        assert_eq!(answers[1].known.license.as_deref(), Some("MIT"));
        assert_eq!(
            answers[1].origin.file.as_deref(),
            Some("$NUGET_PACKAGES/acme.thing/1.0.0/LICENSE.txt")
        );
    }
}
