//! The curated map of categories `depgov radar propose` consolidates on: libraries of one
//! ecosystem that do the same job (date handling, HTTP clients, test runners…), each category
//! with the source that groups them so. The map shipped is `policies/radar/categories.toml`;
//! `--categories FILE` replaces it with the OSPO's own.

use serde::Deserialize;

use crate::diagnostic::line_of;
use crate::error::Error;
use crate::model::Ecosystem;
use crate::model::purl::{for_component, parse_policy_purl};

const SHIPPED: &str = include_str!("../../policies/radar/categories.toml");

/// Libraries that do one job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub ecosystem: Ecosystem,
    /// Versionless package URLs, as the organisation report writes them.
    pub packages: Vec<String>,
    /// Where the grouping comes from.
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    categories: Vec<toml::Spanned<RawCategory>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    name: String,
    ecosystem: String,
    packages: Vec<String>,
    source: String,
}

/// The categories shipped with depgov.
pub fn shipped() -> Vec<Category> {
    read("policies/radar/categories.toml", SHIPPED)
        .expect("the shipped categories are valid (a unit test reads them)")
}

/// Reads a categories file; `file` names it in errors.
pub fn read(file: &str, text: &str) -> Result<Vec<Category>, Error> {
    let error = |line: u32, message: String| Error::Parse {
        file: file.to_owned(),
        line: Some(line),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        error(line, e.message().trim().to_owned())
    })?;
    let mut categories = Vec::new();
    for spanned in raw.categories {
        let line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let ecosystem = Ecosystem::from_name(&raw.ecosystem).ok_or_else(|| {
            error(
                line,
                format!("`{}` is not an ecosystem depgov reads", raw.ecosystem),
            )
        })?;
        if raw.packages.len() < 2 {
            return Err(error(
                line,
                format!("category `{}` needs two packages or more", raw.name),
            ));
        }
        if !raw.source.starts_with("https://") {
            return Err(error(
                line,
                format!(
                    "category `{}` needs a source: the https:// page that groups its packages",
                    raw.name
                ),
            ));
        }
        let mut packages = Vec::new();
        for purl in &raw.packages {
            let parsed = parse_policy_purl(purl)
                .map_err(|message| error(line, format!("`{purl}`: {message}")))?;
            if parsed.ecosystem != ecosystem {
                return Err(error(
                    line,
                    format!("`{purl}` is not a package of {ecosystem}"),
                ));
            }
            packages.push(for_component(ecosystem, &parsed.name, ""));
        }
        categories.push(Category {
            name: raw.name,
            ecosystem,
            packages,
            source: raw.source,
        });
    }
    Ok(categories)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_categories_are_valid() {
        let categories = read("categories.toml", SHIPPED).unwrap();
        assert!(categories.len() >= 6);
        assert!(categories.iter().all(|c| c.packages.len() >= 2));
    }

    #[test]
    fn mistakes_are_reported_at_their_line() {
        let text = "[[categories]]\nname = \"x\"\necosystem = \"npm\"\npackages = [\"pkg:npm/a\", \"pkg:pypi/b\"]\nsource = \"https://example.com\"\n";
        let error = read("c.toml", text).unwrap_err().to_string();
        assert!(
            error.contains("c.toml:1") && error.contains("pkg:pypi/b"),
            "{error}"
        );
    }
}
