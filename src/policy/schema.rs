//! `depgov policy schema`: the JSON Schema of a policy file, for editors (Taplo / Even Better
//! TOML) to complete and check policies as they are typed.
//!
//! It is derived with schemars from the serde types the loader reads ([`super::raw`]), so it
//! cannot describe keys the loader does not know. The strings whose meaning the loader checks
//! (licenses, purls, ranges, links) are described by the marker types below. The schema is
//! draft-07, which Taplo supports, and says only what the loader would also refuse: the
//! loader stays the authority (`depgov policy check`).

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::load::URL_PREFIXES;
use super::raw::{RawComponent, RawException, RawPolicy};
use crate::model::Ecosystem;
use crate::model::facts::SourceKind;
use crate::model::registry;

/// The schema as `depgov policy schema` prints it (and `schema/depgov.schema.json` holds).
pub fn json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

fn schema() -> Schema {
    SchemaSettings::draft07()
        // Before draft-07's own transforms, which move what sits beside a `$ref` into allOf.
        .with(|settings| settings.transforms.insert(0, Box::new(NoNull)))
        .into_generator()
        .into_root_schema_for::<PolicyFile>()
}

/// A whole policy file: what [`RawPolicy`] reads plus the two arrays of tables the loader
/// reads entry by entry.
#[derive(JsonSchema)]
#[schemars(
    title = "depgov policy",
    description = "A depgov policy file (depgov.toml); every key is documented in docs/policy.md.",
    deny_unknown_fields
)]
pub struct PolicyFile {
    #[serde(flatten)]
    pub policy: RawPolicy,
    /// One entry per decision about a component.
    #[serde(default)]
    pub components: Vec<RawComponent>,
    /// Time-limited, approved waivers for the findings of some components.
    #[serde(default)]
    pub exceptions: Vec<RawException>,
}

/// TOML has no null: an optional key is one left out, so `Option`'s null alternative goes.
#[derive(Clone)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(types) = schema.get_mut("type").and_then(|t| t.as_array_mut()) {
            types.retain(|t| t != "null");
            if types.len() == 1 {
                let only = types.remove(0);
                schema.insert("type".to_owned(), only);
            }
        }
        let null = serde_json::json!({ "type": "null" });
        if let Some(any_of) = schema.get_mut("anyOf").and_then(|a| a.as_array_mut()) {
            any_of.retain(|alternative| *alternative != null);
            if let [only] = any_of.as_slice() {
                let only = only.clone();
                schema.remove("anyOf");
                if let Some(fields) = only.as_object() {
                    for (key, value) in fields {
                        schema.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Implements [`JsonSchema`] for a marker type as an inline schema.
macro_rules! marker {
    ($(#[$doc:meta])* $name:ident, $generator:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema($generator: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

marker!(
    /// `version`: the policy format version.
    Version, _g => json_schema!({ "type": "integer", "const": 1 })
);

marker!(
    /// A number of days.
    Days, _g => json_schema!({ "type": "integer", "minimum": 1, "maximum": u32::MAX })
);

marker!(
    /// An `extends` entry.
    Extends, _g => json_schema!({
        "type": "string",
        "examples": [super::EMBEDDED_NAME, "github:acme/.github/policies/ospo.toml@v3", "../team-policy.toml"],
    })
);

marker!(
    /// One license as a policy lists it.
    License, _g => json_schema!({
        "type": "string",
        "description": "One SPDX license id (or LicenseRef-…), optionally WITH an SPDX exception.",
        "examples": ["MIT", "Apache-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", "LicenseRef-Commons-Clause"],
    })
);

marker!(
    /// A versionless package URL of an ecosystem depgov reads.
    Purl, _g => json_schema!({
        "type": "string",
        "pattern": format!("^pkg:({})/[^@?#]+$", Ecosystem::ALL.map(Ecosystem::as_str).join("|")),
        "examples": ["pkg:cargo/openssl", "pkg:npm/%40babel/core", "pkg:cargo/windows-*"],
    })
);

marker!(
    /// A version range in the ecosystem's own syntax.
    VersionRange, _g => json_schema!({
        "type": "string",
        "description": "Cargo: semver requirements (\">=0.9, <0.10.55\"); npm and Go: node-semver ranges (\">=10.1.1 <10.1.3 || 11.0.0\", \"<v1.5.0\"); PyPI: PEP 440 specifiers (\">=1.4,<2\"); Maven and NuGet: interval notation (\"[1.0,2.0)\") or comparators; RubyGems: requirements (\"~> 2.3\", \">= 1.0, < 2\"); Composer: constraints (\"^1.2 || ~2.0\"). See docs/policy.md, Version ranges.",
    })
);

marker!(
    /// A URL.
    Link, _g => json_schema!({ "type": "string", "pattern": url_pattern() })
);

marker!(
    /// An OpenSSF Scorecard score.
    Score, _g => json_schema!({ "type": "number", "minimum": 0, "maximum": 10 })
);

marker!(
    /// A criterion of `[criteria]`.
    Criterion, _g => json_schema!({
        "type": "string",
        "enum": crate::model::Criterion::ALL.map(crate::model::Criterion::as_str),
    })
);

marker!(
    /// A kind of source of facts.
    FactsSource, _g => json_schema!({
        "type": "string",
        "enum": SourceKind::ALL.map(SourceKind::as_str),
    })
);

marker!(
    /// A glob over paths or `OWNER/NAME`.
    Glob, _g => json_schema!({ "type": "string" })
);

marker!(
    /// A registry: a public registry's name or an index URL.
    Registry, _g => json_schema!({
            "anyOf": [
                {
                    "type": "string",
                    "enum": registry::PUBLIC.iter().map(|r| r.name).collect::<Vec<_>>(),
                },
                { "type": "string", "pattern": url_pattern() },
            ]
        })
);

/// A regular expression for the URLs the loader accepts.
fn url_pattern() -> String {
    let prefixes: Vec<String> = URL_PREFIXES.iter().map(|p| p.replace('+', "\\+")).collect();
    format!("^({})", prefixes.join("|"))
}
