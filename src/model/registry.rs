//! The well-known public package registries, by the names policies use for them.
//!
//! Inventory records a component's registry by URL; a policy may name a registry by one of
//! these names instead of spelling out its URLs.

use crate::model::Ecosystem;

/// A public registry: the name a policy uses and the URL prefixes its packages come from.
pub struct PublicRegistry {
    pub name: &'static str,
    pub urls: &'static [&'static str],
}

pub const CRATES_IO: &str = "https://github.com/rust-lang/crates.io-index";
/// npm's registry, the default of npm and pnpm.
pub const NPMJS: &str = "https://registry.npmjs.org";
/// Yarn's mirror of npm's registry, the default of Yarn.
pub const YARNPKG: &str = "https://registry.yarnpkg.com";

pub const PUBLIC: &[PublicRegistry] = &[
    PublicRegistry {
        name: "crates-io",
        urls: &[CRATES_IO, "https://index.crates.io"],
    },
    PublicRegistry {
        name: "npmjs",
        urls: &[NPMJS, YARNPKG],
    },
    PublicRegistry {
        name: "pypi",
        urls: &["https://pypi.org", "https://files.pythonhosted.org"],
    },
    PublicRegistry {
        name: "go-proxy",
        urls: &["https://proxy.golang.org"],
    },
    PublicRegistry {
        name: "rubygems",
        urls: &["https://rubygems.org"],
    },
    PublicRegistry {
        name: "packagist",
        urls: &["https://repo.packagist.org", "https://packagist.org"],
    },
    PublicRegistry {
        name: "maven-central",
        urls: &[
            "https://repo.maven.apache.org/maven2",
            "https://repo1.maven.org/maven2",
        ],
    },
    PublicRegistry {
        name: "nuget",
        urls: &["https://api.nuget.org"],
    },
];

pub fn by_name(name: &str) -> Option<&'static PublicRegistry> {
    PUBLIC.iter().find(|r| r.name == name)
}

/// The URL of the public registry an ecosystem's packages come from unless an input says
/// otherwise.
pub fn default_url(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Cargo => CRATES_IO,
        Ecosystem::Npm => "https://registry.npmjs.org",
        Ecosystem::Pypi => "https://pypi.org",
        Ecosystem::Golang => "https://proxy.golang.org",
        Ecosystem::Gem => "https://rubygems.org",
        Ecosystem::Composer => "https://repo.packagist.org",
        Ecosystem::Maven => "https://repo.maven.apache.org/maven2",
        Ecosystem::Nuget => "https://api.nuget.org",
    }
}

/// Whether a package's registry URL is one of the public registries.
pub fn is_public(package_url: &str) -> bool {
    let urls = || PUBLIC.iter().flat_map(|registry| registry.urls);
    // Most components carry a registry URL exactly as written here (what a manifest reader
    // or lockfile gives by default); comparing whole strings first spares them the prefix
    // matching against every registry, a seventh of reading a 2,000-project .NET solution.
    urls().any(|url| *url == package_url) || urls().any(|url| url_matches(package_url, url))
}

/// Whether a package's registry URL lies under a registry URL prefix. Case, a trailing `/` and
/// Cargo's `registry+`/`sparse+` markers do not matter.
pub fn url_matches(package_url: &str, registry_url: &str) -> bool {
    let package = trimmed(package_url).as_bytes();
    let registry = trimmed(registry_url).as_bytes();
    // Compared in place: every component's source is matched against every public registry.
    package.len() >= registry.len()
        && package[..registry.len()].eq_ignore_ascii_case(registry)
        && matches!(package.get(registry.len()), None | Some(b'/'))
}

/// A registry URL without Cargo's markers and trailing slashes.
fn trimmed(url: &str) -> &str {
    url.strip_prefix("registry+")
        .or_else(|| url.strip_prefix("sparse+"))
        .unwrap_or(url)
        .trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ecosystem_defaults_to_a_public_registry() {
        for ecosystem in Ecosystem::ALL {
            let url = default_url(ecosystem);
            assert!(
                PUBLIC.iter().any(|r| r.urls.contains(&url)),
                "{ecosystem}: {url}"
            );
        }
    }

    #[test]
    fn registry_urls_match_by_prefix_on_path_boundaries() {
        assert!(url_matches(
            "sparse+https://index.crates.io/",
            "https://index.crates.io"
        ));
        assert!(url_matches(
            "https://files.pythonhosted.org/packages/ab/cd/x.whl",
            "https://files.pythonhosted.org"
        ));
        assert!(!url_matches(
            "https://pypi.org.evil.example",
            "https://pypi.org"
        ));
        assert!(url_matches("HTTPS://PyPI.org/simple", "https://pypi.org/"));
        assert!(!url_matches("https://pypi.or", "https://pypi.org"));
    }
}
