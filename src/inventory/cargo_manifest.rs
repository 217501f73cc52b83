//! Where a workspace member's `Cargo.toml` declares each of its dependencies, so that
//! findings can point at the line that brought a component in.

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::line_of;

/// The dependency table a declaration sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Normal,
    Build,
    Dev,
}

impl Section {
    const ALL: [Section; 3] = [Section::Normal, Section::Build, Section::Dev];

    fn from_table_name(name: &str) -> Option<Self> {
        match name {
            "dependencies" => Some(Section::Normal),
            "build-dependencies" | "build_dependencies" => Some(Section::Build),
            "dev-dependencies" | "dev_dependencies" => Some(Section::Dev),
            _ => None,
        }
    }
}

/// Declaration lines of one manifest, keyed by section and dependency name (as written, with
/// `-` and `_` treated alike, as Cargo does).
#[derive(Debug, Default)]
pub struct DeclarationLines {
    lines: HashMap<(Section, String), u32>,
}

impl DeclarationLines {
    /// Reads a manifest Cargo has already accepted. Text that is not TOML yields no lines
    /// rather than an error: locations are a courtesy, the graph came from Cargo.
    pub fn read(text: &str) -> Self {
        Self::parse(text).unwrap_or_default()
    }

    /// Reads a manifest no Cargo has checked (beside a lockfile read as text).
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        let mut found = DeclarationLines::default();
        let root = DeTable::parse(text)?;
        let root = root.get_ref();
        found.collect(text, root);
        if let Some(DeValue::Table(targets)) = root.get("target").map(|t| t.get_ref()) {
            for (_, target) in targets {
                if let DeValue::Table(target) = target.get_ref() {
                    found.collect(text, target);
                }
            }
        }
        Ok(found)
    }

    fn collect(&mut self, text: &str, table: &DeTable<'_>) {
        for (section_name, deps) in table {
            let Some(section) = Section::from_table_name(section_name.get_ref()) else {
                continue;
            };
            let DeValue::Table(deps) = deps.get_ref() else {
                continue;
            };
            for (name, _) in deps {
                let line = line_of(text, name.span().start);
                self.lines
                    .entry((section, normalize(name.get_ref())))
                    .or_insert(line);
            }
        }
    }

    /// The line declaring `dep_name` in `section`, else in any section.
    pub fn line(&self, section: Section, dep_name: &str) -> Option<u32> {
        let name = normalize(dep_name);
        self.lines
            .get(&(section, name.clone()))
            .copied()
            .or_else(|| {
                Section::ALL
                    .iter()
                    .find_map(|s| self.lines.get(&(*s, name.clone())).copied())
            })
    }
}

fn normalize(name: &str) -> String {
    name.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_dotted_target_and_table_declarations() {
        let text = r#"[package]
name = "app"

[dependencies]
serde = "1"
my_dep = { path = "../x" }

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[dev-dependencies.insta]
version = "1"

[build-dependencies]
cc = "1"
"#;
        let lines = DeclarationLines::read(text);
        assert_eq!(lines.line(Section::Normal, "serde"), Some(5));
        assert_eq!(lines.line(Section::Normal, "my-dep"), Some(6));
        assert_eq!(lines.line(Section::Normal, "libc"), Some(9));
        assert_eq!(lines.line(Section::Dev, "insta"), Some(11));
        assert_eq!(lines.line(Section::Build, "cc"), Some(15));
        assert_eq!(lines.line(Section::Normal, "cc"), Some(15));
        assert_eq!(lines.line(Section::Normal, "nope"), None);
    }
}
