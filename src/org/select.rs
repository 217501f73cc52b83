//! Which listed repositories are scanned: archived repositories and forks only when asked
//! (`--include-archived`, `--include-forks`), names matching `--include` globs (all when none)
//! and no `--exclude` glob, and with one of the `--topic`s when any is given. A glob with a `/`
//! is matched against `owner/name`, one without against the name alone; GitHub's names ignore
//! case and so do the globs.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::Error;
use crate::github::repos::RepoInfo;
use crate::report::org::Selection;

/// The filters of a [`Selection`], compiled.
#[derive(Debug)]
pub struct Filters {
    include_archived: bool,
    include_forks: bool,
    include: Option<(GlobSet, GlobSet)>,
    exclude: (GlobSet, GlobSet),
    topics: Vec<String>,
}

impl Filters {
    /// Compiles the selection's globs; the error names a bad one.
    pub fn new(selection: &Selection) -> Result<Filters, Error> {
        Ok(Filters {
            include_archived: selection.include_archived,
            include_forks: selection.include_forks,
            include: if selection.include.is_empty() {
                None
            } else {
                Some(globs("--include", &selection.include)?)
            },
            exclude: globs("--exclude", &selection.exclude)?,
            topics: selection
                .topics
                .iter()
                .map(|t| t.to_ascii_lowercase())
                .collect(),
        })
    }

    /// Why a repository is not scanned, judging by its `owner/name` alone.
    pub fn by_name(&self, full_name: &str) -> Option<&'static str> {
        let name = full_name.rsplit('/').next().unwrap_or(full_name);
        let matches =
            |(full, short): &(GlobSet, GlobSet)| full.is_match(full_name) || short.is_match(name);
        let included = self.include.as_ref().is_none_or(matches);
        (!included || matches(&self.exclude)).then_some("excluded")
    }

    /// Why a repository is not scanned, judging by what GitHub says of it.
    pub fn by_info(&self, info: &RepoInfo) -> Option<&'static str> {
        if info.archived && !self.include_archived {
            Some("archived")
        } else if info.fork && !self.include_forks {
            Some("fork")
        } else if !self.topics.is_empty()
            && !info
                .topics
                .iter()
                .any(|t| self.topics.contains(&t.to_ascii_lowercase()))
        {
            Some("topic")
        } else {
            None
        }
    }
}

/// The globs with a `/` (matched against `owner/name`) and those without (against the name).
fn globs(flag: &str, globs: &[String]) -> Result<(GlobSet, GlobSet), Error> {
    let mut full = GlobSetBuilder::new();
    let mut short = GlobSetBuilder::new();
    for text in globs {
        let glob = GlobBuilder::new(text)
            .case_insensitive(true)
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Usage(format!("{flag} {text}: not a valid glob: {e}")))?;
        if text.contains('/') {
            full.add(glob);
        } else {
            short.add(glob);
        }
    }
    let build = |set: GlobSetBuilder| {
        set.build()
            .map_err(|e| Error::Usage(format!("{flag}: {e}")))
    };
    Ok((build(full)?, build(short)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str, archived: bool, fork: bool, topics: &[&str]) -> RepoInfo {
        RepoInfo {
            full_name: name.to_owned(),
            default_branch: Some("main".to_owned()),
            archived,
            fork,
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    #[test]
    fn names_topics_archives_and_forks() {
        let selection = Selection {
            include: vec!["svc-*".into(), "acme/Web".into()],
            exclude: vec!["*-legacy".into()],
            topics: vec!["Prod".into()],
            ..Selection::default()
        };
        let filters = Filters::new(&selection).expect("valid globs");
        assert_eq!(filters.by_name("acme/svc-api"), None);
        assert_eq!(filters.by_name("acme/web"), None);
        assert_eq!(filters.by_name("acme/svc-legacy"), Some("excluded"));
        assert_eq!(filters.by_name("acme/tools"), Some("excluded"));
        assert_eq!(filters.by_info(&info("a/b", false, false, &["prod"])), None);
        assert_eq!(
            filters.by_info(&info("a/b", false, false, &["dev"])),
            Some("topic")
        );
        assert_eq!(
            filters.by_info(&info("a/b", true, false, &["prod"])),
            Some("archived")
        );
        assert_eq!(
            filters.by_info(&info("a/b", false, true, &["prod"])),
            Some("fork")
        );
        let bad = Selection {
            exclude: vec!["[".into()],
            ..Selection::default()
        };
        assert!(Filters::new(&bad).is_err());
    }
}
