//! Composer's `composer.json` read on its own, where no `composer.lock` beside it covers it.
//!
//! Each package of `require` (runtime) and `require-dev` (dev) is a component from Packagist
//! with its constraint as the requirement, located at its entry; a constraint that is one
//! version (`1.2.3`, `v1.2.3`) gives the version. Platform packages (`php`, `ext-*`, `lib-*`,
//! `composer-plugin-api`, …) are not packages and are skipped, as in `composer.lock`. The
//! `repositories` a manifest adds (VCS, path, private Composer repositories) are not followed:
//! components are from Packagist, and the manifest is noted when it lists any.

use serde::Deserialize;

use super::composer_lock::is_platform;
use super::json::UniqueKeys;
use super::manifest::{self, Declared};
use crate::inventory::text::JsonLines;
use crate::inventory::{Coverage, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind};

pub struct ComposerJson;

#[derive(Deserialize)]
struct Manifest {
    name: Option<String>,
    #[serde(default)]
    require: UniqueKeys<String>,
    #[serde(default, rename = "require-dev")]
    require_dev: UniqueKeys<String>,
    #[serde(default)]
    repositories: Option<serde_json::Value>,
}

impl Format for ComposerJson {
    fn name(&self) -> &'static str {
        "composer-json"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Composer)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "composer.json"
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["composer.lock"],
            from_above: false,
        })
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let composer: Manifest = serde_json::from_str(text)?;
        let lines = JsonLines::new(text);
        let mut declared = Vec::new();
        for (section, packages, kind) in [
            ("require", &composer.require, Kind::Runtime),
            ("require-dev", &composer.require_dev, Kind::Dev),
        ] {
            let start = lines.key(section).unwrap_or(1);
            for (name, constraint) in packages {
                if is_platform(&name.to_ascii_lowercase()) {
                    continue;
                }
                let line = lines.key_after(name, start).unwrap_or(start);
                declared.push(
                    Declared::new(Ecosystem::Composer, name, constraint, line)
                        .kind(kind)
                        .resolves_to(manifest::exact_version(constraint)),
                );
            }
        }
        let mut notes = Vec::new();
        if composer.repositories.is_some() {
            notes.push(Note::new(
                NoteCode::Ignored,
                lines.key("repositories"),
                "the repositories this manifest adds are not followed: its packages are taken to come from Packagist",
            ));
        }
        let root = composer.name.as_deref().unwrap_or(super::UNNAMED_ROOT);
        Ok(Parsed {
            components: manifest::components(Ecosystem::Composer, input.file.path, root, declared),
            notes,
        })
    }
}
