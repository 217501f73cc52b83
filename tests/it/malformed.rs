//! Malformed input, for every lockfile and SBOM format and for the policy: the real binary
//! exits 2 with an error naming the file (and the line, where there is one), prints nothing on
//! standard output (no report that looks complete), and never panics, overflows its stack or
//! hangs. The inputs are made here, most from the format fixtures: an empty file, a file cut
//! off mid-line, binary garbage, invalid UTF-8, the wrong type at the top level and inside an
//! entry, duplicate keys, 100 MB, 100,000 levels of nesting; and symlink loops in discovery.
//!
//! Each test runs one case over every format and reports every format that fails it at once.
//! Where a case is valid input for a format (an empty requirements file), or cannot be told
//! from valid input (a requirements file cut at a line end), the format says so here and the
//! test checks what depgov does instead.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::{Depgov, fixtures, git, rejection_problem};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Json,
    Yaml,
    Toml,
    /// A line-oriented format of its own (no nesting, no types).
    Lines,
    Xml,
}

/// Where an error must point.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// `FILE:LINE:`.
    Line(u32),
    /// `FILE:` and some line.
    SomeLine,
    /// The file, with or without a line (there is none for an empty file, say).
    File,
}

/// What one format does with a case.
#[derive(Clone, Copy)]
enum Expect {
    /// Exit 2 naming the file at this place, mentioning this text.
    Rejected(Place, &'static str),
    /// The input is valid for the format (or cannot be told from valid input): exit 0, and
    /// these package URLs are inventoried (so nothing is dropped silently). The text says why.
    Accepted(&'static [&'static str], &'static str),
}

use Expect::{Accepted, Rejected};
use Place::{File, Line, SomeLine};

struct Format {
    /// The format's name in depgov's reports.
    name: &'static str,
    /// The file name inputs are written to.
    file: &'static str,
    /// A valid file of the format, under tests/fixtures/formats.
    fixture: &'static str,
    syntax: Syntax,
    /// An empty file.
    empty: Expect,
    /// The fixture cut off in the middle of a line.
    truncated: Expect,
    /// The wrong type at the top level; `None` for formats without types.
    wrong_top: Option<(&'static str, Expect)>,
    /// The wrong type (or, without types, the wrong shape) inside an entry.
    wrong_inner: (&'static str, Expect),
    /// The same key (or entry) twice.
    duplicate: (&'static str, Expect),
    /// 100 MB: this head, then filler lines of this text up to 100 MB, then this tail. The
    /// error is expected on the tail's first line, or on the head's last line when the tail is
    /// empty (for parsers that stop at the first error, the error comes before the filler).
    huge: (&'static str, &'static str, &'static str),
}

const COMMENT: &str = "# a comment line of valid-looking padding, as long as a real lockfile line";
const XML_COMMENT: &str =
    "<!-- a comment line of valid-looking padding, as long as a real manifest line -->";
const GRADLE_COMMENT: &str =
    "// a comment line of valid-looking padding, as long as a real build script line";
const BLANK: &str = "                                                                          ";

const FORMATS: &[Format] = &[
    Format {
        name: "cargo-lock",
        file: "Cargo.lock",
        fixture: "cargo-lock/v4/Cargo.lock",
        syntax: Syntax::Toml,
        empty: Rejected(File, "empty or truncated"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "version = 4\npackage = \"serde\"\n",
            Rejected(Line(2), "invalid type"),
        )),
        wrong_inner: (
            "version = 4\n\n[[package]]\nname = \"a\"\nversion = 1\n",
            Rejected(Line(5), "invalid type"),
        ),
        duplicate: (
            "version = 4\n\n[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n",
            Rejected(Line(5), "duplicate key"),
        ),
        huge: ("version = 4\n", COMMENT, "name =\n"),
    },
    Format {
        name: "npm-package-lock",
        file: "package-lock.json",
        fixture: "npm/v3/package-lock.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\n      \"version\": 1\n    }\n  }\n}\n",
            Rejected(Line(5), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\"},\n    \"node_modules/a\": {\"version\": \"2.0.0\"}\n  }\n}\n",
            Rejected(Line(5), "duplicate key `node_modules/a`"),
        ),
        huge: ("{\n", BLANK, "  \"lockfileVersion\": "),
    },
    Format {
        name: "pnpm-lock",
        file: "pnpm-lock.yaml",
        fixture: "pnpm/v9/pnpm-lock.yaml",
        syntax: Syntax::Yaml,
        empty: Rejected(File, "no `lockfileVersion`"),
        truncated: Accepted(
            &["pkg:npm/fsevents@2.3.3"],
            "a line cut in the middle of a checksum still parses: the entries it cuts off are dangling references, noted",
        ),
        wrong_top: Some(("- a\n- b\n", Rejected(File, "not a pnpm lockfile"))),
        wrong_inner: (
            "lockfileVersion: '9.0'\n\npackages:\n  a@1.0.0:\n    resolution: 5\n",
            Rejected(Line(5), ""),
        ),
        duplicate: (
            "lockfileVersion: '9.0'\n\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n  a@1.0.0:\n    resolution: {integrity: sha512-y}\n",
            Rejected(Line(6), "duplicate mapping key"),
        ),
        huge: ("lockfileVersion: '9.0'\npackages: ]\n", COMMENT, ""),
    },
    Format {
        name: "yarn-classic-lock",
        file: "yarn.lock",
        fixture: "yarn-classic/v1/yarn.lock",
        syntax: Syntax::Lines,
        empty: Rejected(File, "not a Yarn lockfile"),
        truncated: Accepted(
            &["pkg:npm/%40babel/code-frame@7.22.13"],
            "a line cut in the middle of a checksum still parses: the entries it cuts off are dangling references, noted",
        ),
        wrong_top: None,
        wrong_inner: (
            "# yarn lockfile v1\n\n\na@^1:\n  version \"1.0.0\"\n  dependencies \"b\"\n",
            Rejected(Line(6), "must open a block"),
        ),
        duplicate: (
            "# yarn lockfile v1\n\n\na@^1:\n  version \"1.0.0\"\n  version \"2.0.0\"\n",
            Rejected(Line(6), "`version` is given twice"),
        ),
        huge: ("# yarn lockfile v1\n", COMMENT, "a@^1: x\n"),
    },
    Format {
        name: "yarn-berry-lock",
        file: "yarn.lock",
        fixture: "yarn-berry/v8/yarn.lock",
        syntax: Syntax::Yaml,
        empty: Rejected(File, "not a Yarn lockfile"),
        truncated: Accepted(
            &["pkg:npm/chokidar@3.5.3"],
            "a line cut in the middle of a checksum still parses: the entries it cuts off are dangling references, noted",
        ),
        wrong_top: Some((
            "__metadata:\n  version: 8\n\"a@npm:^1\": [1, 2]\n",
            Rejected(Line(3), ""),
        )),
        wrong_inner: (
            "__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: [1]\n  resolution: \"a@npm:1.0.0\"\n",
            Rejected(Line(5), ""),
        ),
        duplicate: (
            "__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n\n\"a@npm:^1\":\n  version: 2.0.0\n  resolution: \"a@npm:2.0.0\"\n",
            Rejected(Line(8), "duplicate mapping key"),
        ),
        huge: ("__metadata:\n  version: 8\n\"a@npm:^1\": ]\n", COMMENT, ""),
    },
    Format {
        name: "uv-lock",
        file: "uv.lock",
        fixture: "uv/project/uv.lock",
        syntax: Syntax::Toml,
        empty: Rejected(File, "it has no `version`"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "version = 1\npackage = \"a\"\n",
            Rejected(Line(2), "invalid type"),
        )),
        wrong_inner: (
            "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nsource = \"pypi\"\n",
            Rejected(Line(6), "invalid type"),
        ),
        duplicate: (
            "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1.0\"\nversion = \"2.0\"\n",
            Rejected(Line(6), "duplicate key"),
        ),
        huge: ("version = 1\n", COMMENT, "name =\n"),
    },
    Format {
        name: "poetry-lock",
        file: "poetry.lock",
        fixture: "poetry/lock-2.1/poetry.lock",
        syntax: Syntax::Toml,
        empty: Rejected(File, "no [metadata] table"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "package = \"a\"\n\n[metadata]\nlock-version = \"2.1\"\n",
            Rejected(Line(1), "invalid type"),
        )),
        wrong_inner: (
            "[[package]]\nname = \"a\"\nversion = 1\n\n[metadata]\nlock-version = \"2.1\"\n",
            Rejected(Line(3), "invalid type"),
        ),
        duplicate: (
            "[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1.0\"\n\n[metadata]\nlock-version = \"2.1\"\n",
            Rejected(Line(3), "duplicate key"),
        ),
        huge: ("", COMMENT, "name =\n"),
    },
    Format {
        name: "pipfile-lock",
        file: "Pipfile.lock",
        fixture: "pipfile/spec-6/Pipfile.lock",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "invalid type: sequence"))),
        wrong_inner: (
            "{\n  \"_meta\": {\"pipfile-spec\": 6, \"sources\": []},\n  \"default\": {\n    \"a\": {\"version\": 1}\n  }\n}\n",
            Rejected(Line(4), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"_meta\": {\"pipfile-spec\": 6, \"sources\": []},\n  \"default\": {\n    \"a\": {\"version\": \"==1.0\"},\n    \"a\": {\"version\": \"==2.0\"}\n  }\n}\n",
            Rejected(Line(5), "duplicate key `a`"),
        ),
        huge: ("{\n", BLANK, "  \"_meta\": "),
    },
    Format {
        name: "pylock",
        file: "pylock.toml",
        fixture: "pylock/multi-use/pylock.toml",
        syntax: Syntax::Toml,
        empty: Rejected(File, "no `lock-version`"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "lock-version = \"1.0\"\ncreated-by = \"x\"\npackages = \"a\"\n",
            Rejected(Line(3), "invalid type"),
        )),
        wrong_inner: (
            "lock-version = \"1.0\"\ncreated-by = \"x\"\n\n[[packages]]\nname = \"a\"\nversion = 1\n",
            Rejected(Line(6), "invalid type"),
        ),
        duplicate: (
            "lock-version = \"1.0\"\ncreated-by = \"x\"\n\n[[packages]]\nname = \"a\"\nname = \"b\"\n",
            Rejected(Line(6), "duplicate key"),
        ),
        huge: ("lock-version = \"1.0\"\n", COMMENT, "name =\n"),
    },
    Format {
        name: "pip-requirements",
        file: "requirements.txt",
        fixture: "requirements/app/requirements.txt",
        syntax: Syntax::Lines,
        empty: Accepted(
            &[],
            "pip reads an empty requirements file as requiring nothing",
        ),
        truncated: Accepted(
            &["pkg:pypi/django@3.2.25"],
            "a requirements file has no structure a cut could break: the cut line is a \
             shorter requirement, noted when it pins no version",
        ),
        wrong_top: None,
        wrong_inner: ("a===\n", Rejected(Line(1), "not a version specifier")),
        duplicate: (
            "a==1.0\na==2.0\n",
            Accepted(
                &["pkg:pypi/a@1.0", "pkg:pypi/a@2.0"],
                "two pins of one package: pip refuses to install them; both are judged",
            ),
        ),
        huge: ("", COMMENT, "a===\n"),
    },
    Format {
        name: "go-mod",
        file: "go.mod",
        fixture: "go-mod/modules/go.mod",
        syntax: Syntax::Lines,
        empty: Rejected(File, "no `module` directive"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: None,
        wrong_inner: (
            "module x\n\ngo 1.21\n\nrequire github.com/a/b\n",
            Rejected(Line(5), "usage: require"),
        ),
        duplicate: (
            "module x\n\ngo 1.21\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/a/b v1.2.0\n)\n",
            Accepted(
                &[
                    "pkg:golang/github.com/a/b@v1.0.0",
                    "pkg:golang/github.com/a/b@v1.2.0",
                ],
                "two requirements of one module (Go selects the higher): both are judged",
            ),
        ),
        huge: (
            "module x\n",
            "// a comment line of valid-looking padding, as long as a real go.mod line",
            "require\n",
        ),
    },
    Format {
        name: "gemfile-lock",
        file: "Gemfile.lock",
        fixture: "gem/app/Gemfile.lock",
        syntax: Syntax::Lines,
        empty: Rejected(File, "no DEPENDENCIES section"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: None,
        wrong_inner: (
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack 3.0.0\n\nDEPENDENCIES\n  rack\n",
            Rejected(Line(4), "is not a gem name"),
        ),
        duplicate: (
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.0)\n    rack (3.1.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack\n",
            Accepted(
                &["pkg:gem/rack@3.0.0", "pkg:gem/rack@3.1.0"],
                "one gem at two versions (Bundler writes one per platform): both are judged",
            ),
        ),
        huge: (
            "GEM\n  remote: https://rubygems.org/\n  specs:\n",
            BLANK,
            "    rack 3.0.0\n",
        ),
    },
    Format {
        name: "composer-lock",
        file: "composer.lock",
        fixture: "composer/app/composer.lock",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"packages\": [\n    {\"name\": \"a/b\", \"version\": 1}\n  ]\n}\n",
            Rejected(Line(3), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"packages\": [\n    {\"name\": \"a/b\", \"version\": \"1.0.0\",\n     \"require\": {\"c/d\": \"^1\", \"c/d\": \"^2\"}}\n  ]\n}\n",
            Rejected(Line(4), "duplicate key `c/d`"),
        ),
        huge: ("{\n", BLANK, "  \"packages\": "),
    },
    Format {
        name: "gradle-lockfile",
        file: "gradle.lockfile",
        fixture: "gradle/app/gradle.lockfile",
        syntax: Syntax::Lines,
        empty: Rejected(File, "no `empty=` line"),
        truncated: Rejected(File, "truncated"),
        wrong_top: None,
        wrong_inner: (
            "com.a:b=runtimeClasspath\nempty=\n",
            Rejected(Line(1), "expected `group:artifact:version=configurations`"),
        ),
        duplicate: (
            "com.a:b:1.0=runtimeClasspath\ncom.a:b:2.0=runtimeClasspath\nempty=\n",
            Accepted(
                &["pkg:maven/com.a/b@1.0", "pkg:maven/com.a/b@2.0"],
                "one module at two versions: both are judged",
            ),
        ),
        huge: ("", COMMENT, "com.a:b=runtimeClasspath\n"),
    },
    Format {
        name: "nuget-packages-lock",
        file: "packages.lock.json",
        fixture: "nuget/v2/packages.lock.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": {\"type\": \"Direct\", \"resolved\": 1}\n    }\n  }\n}\n",
            Rejected(Line(5), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": {\"type\": \"Direct\", \"resolved\": \"1.0.0\"},\n      \"A\": {\"type\": \"Direct\", \"resolved\": \"2.0.0\"}\n    }\n  }\n}\n",
            Rejected(Line(6), "duplicate key `A`"),
        ),
        huge: ("{\n", BLANK, "  \"version\": "),
    },
    Format {
        name: "cyclonedx-json",
        file: "app.cdx.json",
        fixture: "cyclonedx/v1.6/api-image.cdx.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"type\": \"library\", \"name\": 1, \"version\": \"1.0\"}\n  ]\n}\n",
            Rejected(Line(5), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"type\": \"library\", \"name\": \"a\", \"name\": \"b\", \"version\": \"1.0\"}\n  ]\n}\n",
            Rejected(Line(5), "duplicate field `name`"),
        ),
        huge: ("{\n", BLANK, "  \"bomFormat\": "),
    },
    Format {
        name: "spdx-json",
        file: "app.spdx.json",
        fixture: "spdx/v2.3/sbom.spdx.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"SPDXID\": \"SPDXRef-DOCUMENT\",\n  \"packages\": [\n    {\"name\": \"a\", \"SPDXID\": 5, \"versionInfo\": \"1.0\"}\n  ]\n}\n",
            Rejected(Line(5), "invalid type: integer `5`"),
        ),
        duplicate: (
            "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"SPDXID\": \"SPDXRef-DOCUMENT\",\n  \"packages\": [\n    {\"name\": \"a\", \"SPDXID\": \"SPDXRef-a\", \"SPDXID\": \"SPDXRef-b\"}\n  ]\n}\n",
            Rejected(Line(5), "duplicate field `SPDXID`"),
        ),
        huge: ("{\n", BLANK, "  \"spdxVersion\": "),
    },
    Format {
        name: "npm-package-json",
        file: "package.json",
        fixture: "package-json/library/package.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"dependencies\": {\n    \"a\": 1\n  }\n}\n",
            Rejected(Line(3), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"dependencies\": {\n    \"a\": \"^1\",\n    \"a\": \"^2\"\n  }\n}\n",
            Rejected(Line(4), "duplicate key `a`"),
        ),
        huge: ("{\n", BLANK, "  \"dependencies\": "),
    },
    Format {
        name: "maven-pom",
        file: "pom.xml",
        fixture: "maven/reactor/core/pom.xml",
        syntax: Syntax::Xml,
        empty: Rejected(Line(1), ""),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some(("<settings/>\n", Rejected(Line(1), "not a Maven POM"))),
        wrong_inner: (
            "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n",
            Rejected(Line(4), ""),
        ),
        duplicate: (
            "<project>\n  <artifactId id=\"a\" id=\"b\">x</artifactId>\n</project>\n",
            Rejected(Line(2), "is already defined"),
        ),
        huge: ("<project>\n", XML_COMMENT, "<dependencies></project>\n"),
    },
    Format {
        name: "dotnet-project",
        file: "App.csproj",
        fixture: "dotnet/plain/Legacy.vbproj",
        syntax: Syntax::Xml,
        empty: Rejected(Line(1), ""),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some(("<Solution/>\n", Rejected(Line(1), "not an MSBuild project"))),
        wrong_inner: (
            "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\">\n  </ItemGroup>\n</Project>\n",
            Rejected(Line(4), ""),
        ),
        duplicate: (
            "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Include=\"B\" />\n  </ItemGroup>\n</Project>\n",
            Rejected(Line(3), "is already defined"),
        ),
        huge: ("<Project>\n", XML_COMMENT, "<ItemGroup></Project>\n"),
    },
    Format {
        name: "python-pyproject",
        file: "pyproject.toml",
        fixture: "python-manifest/pep621/pyproject.toml",
        syntax: Syntax::Toml,
        empty: Accepted(&[], "an empty pyproject.toml declares nothing"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "project = \"a\"\n",
            Accepted(&[], "a `project` that is not a table declares nothing"),
        )),
        wrong_inner: (
            "[project]\nname = \"a\"\ndependencies = [1]\n",
            Accepted(&[], "a requirement that is not a string declares nothing"),
        ),
        duplicate: (
            "[project]\nname = \"a\"\nname = \"b\"\n",
            Rejected(Line(3), "duplicate key"),
        ),
        huge: ("[project]\n", COMMENT, "name =\n"),
    },
    Format {
        name: "pipfile",
        file: "Pipfile",
        fixture: "python-manifest/pipenv/Pipfile",
        syntax: Syntax::Toml,
        empty: Accepted(&[], "an empty Pipfile declares nothing"),
        truncated: Rejected(SomeLine, ""),
        wrong_top: Some((
            "packages = \"a\"\n",
            Accepted(&[], "a `packages` that is not a table declares nothing"),
        )),
        wrong_inner: (
            "[packages]\nflask = 1\n",
            Accepted(
                &["pkg:pypi/flask"],
                "a version that is not a string is any version",
            ),
        ),
        duplicate: (
            "[packages]\nflask = \"*\"\nflask = \"==3.0\"\n",
            Rejected(Line(3), "duplicate key"),
        ),
        huge: ("[packages]\n", COMMENT, "flask =\n"),
    },
    Format {
        name: "composer-json",
        file: "composer.json",
        fixture: "composer-json/composer.json",
        syntax: Syntax::Json,
        empty: Rejected(Line(1), "EOF"),
        truncated: Rejected(SomeLine, "EOF"),
        wrong_top: Some(("[]", Rejected(Line(1), "expected struct"))),
        wrong_inner: (
            "{\n  \"require\": {\n    \"a/b\": 1\n  }\n}\n",
            Rejected(Line(3), "invalid type: integer `1`"),
        ),
        duplicate: (
            "{\n  \"require\": {\n    \"a/b\": \"^1\",\n    \"a/b\": \"^2\"\n  }\n}\n",
            Rejected(Line(4), "duplicate key `a/b`"),
        ),
        huge: ("{\n", BLANK, "  \"require\": "),
    },
    Format {
        name: "gemfile",
        file: "Gemfile",
        fixture: "gemfile/Gemfile",
        syntax: Syntax::Lines,
        empty: Accepted(&[], "an empty Gemfile declares no gem"),
        truncated: Accepted(
            &[
                "pkg:gem/acme_sso",
                "pkg:gem/bootsnap",
                "pkg:gem/pg@1.5.6",
                "pkg:gem/puma",
                "pkg:gem/rails",
            ],
            "a Gemfile cut off mid-line is a shorter Gemfile (it may end anywhere); the cut line, a string not closed, is noted",
        ),
        wrong_top: None,
        wrong_inner: (
            "gem :rails\n",
            Accepted(&[], "a gem name that is not a string is noted"),
        ),
        duplicate: (
            "gem \"rails\", \"~> 7.1\"\ngem \"rails\", \"~> 7.0\"\n",
            Accepted(
                &["pkg:gem/rails", "pkg:gem/rails"],
                "two requirements of one gem (Bundler refuses them): both are judged",
            ),
        ),
        huge: ("", COMMENT, "end\n"),
    },
    Format {
        name: "gradle-build-script",
        file: "build.gradle",
        fixture: "gradle-build/lib/build.gradle",
        syntax: Syntax::Lines,
        empty: Accepted(&[], "an empty build script declares nothing"),
        truncated: Rejected(File, "never closed"),
        wrong_top: None,
        wrong_inner: (
            "dependencies {\n  implementation 42\n}\n",
            Accepted(&[], "a declaration depgov cannot read is noted"),
        ),
        duplicate: (
            "dependencies {\n  implementation 'a:b:1.0'\n  implementation 'a:b:2.0'\n}\n",
            Accepted(
                &["pkg:maven/a/b@1.0", "pkg:maven/a/b@2.0"],
                "two versions of one module (Gradle takes the higher): both are judged",
            ),
        ),
        huge: ("", GRADLE_COMMENT, "}\n"),
    },
];

/// Every format registered in depgov is covered here.
#[test]
fn every_format_is_covered() {
    let mut covered: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
    covered.sort_unstable();
    covered.dedup();
    let mut registered: Vec<&str> = depgov::inventory::formats::all()
        .iter()
        .map(|f| f.name())
        .collect();
    registered.sort_unstable();
    registered.dedup();
    assert_eq!(covered, registered);
}

/// Generous for a debug build on a busy machine; release builds take a fraction of it.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Runs the real binary in `dir` with stdout and stderr captured, killing it (and failing the
/// test) if it runs longer than [`TIME_LIMIT`]: a hang must fail the suite, not stall it.
fn run(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let out = dir.join(".depgov-test-stdout");
    let err = dir.join(".depgov-test-stderr");
    let start = Instant::now();
    let mut running = Depgov::new(dir)
        .args(args)
        .env("CARGO_HOME", dir.join(".no-cargo-home"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn();
    let child = &mut running.child;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for depgov") {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "depgov {args:?} in {} ran over {TIME_LIMIT:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: std::fs::read(&out).expect("read stdout"),
        stderr: std::fs::read(&err).expect("read stderr"),
    };
    (output, elapsed)
}

/// A fresh git repository holding `files`.
fn repository(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
        std::fs::write(path, content).expect("write input");
    }
    dir
}

/// `depgov inventory FILE --format json` on a repository holding only `FILE` with `content`.
fn inventory(file: &str, content: &[u8]) -> (Output, Duration) {
    let repo = repository(&[(file, content)]);
    run(repo.path(), &["inventory", file, "--format", "json"])
}

/// What is wrong with the outcome of one input, if anything.
fn problem(file: &str, output: &Output, expect: Expect) -> Option<String> {
    match expect {
        Rejected(Line(line), mentions) => rejection_problem(output, file, Some(line), mentions),
        Rejected(File, mentions) => rejection_problem(output, file, None, mentions),
        Rejected(SomeLine, mentions) => {
            rejection_problem(output, file, None, mentions).or_else(|| {
                let err = common::stderr(output);
                let has_line = err
                    .match_indices(&format!("{file}:"))
                    .any(|(i, m)| err[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
                (!has_line).then(|| format!("expected `{file}:LINE` in: {err}"))
            })
        }
        Accepted(purls, why) => {
            if common::code(output) != 0 {
                let err = common::stderr(output);
                return Some(format!("exit {:?}, but {why}: {err}", output.status));
            }
            let report = common::json(output);
            let found: Vec<&str> = report["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["purl"].as_str())
                .collect();
            let missing: Vec<&&str> = purls.iter().filter(|p| !found.contains(p)).collect();
            (!missing.is_empty()).then(|| format!("{missing:?} not inventoried ({why}): {found:?}"))
        }
    }
}

/// Runs one case over every format; fails listing every format that fails it.
fn each_format(case: &str, input: impl Fn(&Format) -> Option<(Vec<u8>, Expect)>) {
    let mut failures = Vec::new();
    for format in FORMATS {
        let Some((content, expect)) = input(format) else {
            continue;
        };
        let repo = repository(&[(format.file, &content)]);
        let (output, _) = run(repo.path(), &["inventory", format.file, "--format", "json"]);
        if let Some(problem) = problem(format.file, &output, expect) {
            failures.push(format!("{} ({}): {problem}", format.name, format.file));
        }
        // `check` reads its inputs the same way, and must not print a report either.
        if let Rejected(..) = expect {
            let (output, _) = run(repo.path(), &["check", format.file, "--format", "json"]);
            if let Some(problem) = problem(format.file, &output, expect) {
                failures.push(format!(
                    "{} ({}), check: {problem}",
                    format.name, format.file
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{case}:\n{}", failures.join("\n"));
}

fn fixture(format: &Format) -> Vec<u8> {
    let path = fixtures().join("formats").join(format.fixture);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn find(text: &[u8], needle: &[u8]) -> Option<usize> {
    text.windows(needle.len()).position(|w| w == needle)
}

/// The 1-based line of byte `offset`.
fn line_at(text: &[u8], offset: usize) -> u32 {
    let line = text[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    u32::try_from(line).expect("a small line number")
}

/// Deterministic bytes that are not a lockfile: printable ASCII mixed with control
/// characters (valid UTF-8, so that the parsers, not the UTF-8 check, see them).
fn garbage() -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 128) as u8
        })
        .collect()
}

#[test]
fn empty_files() {
    each_format("an empty file", |format| Some((Vec::new(), format.empty)));
}

#[test]
fn files_cut_off_in_the_middle_of_a_line() {
    each_format("a file cut off mid-line", |format| {
        let text = fixture(format);
        // Three bytes before the end of the first line past the middle that has five.
        let mut end = text.len() / 2;
        loop {
            let line_end = end + text[end..].iter().position(|b| *b == b'\n')?;
            let line_start = text[..line_end]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            if line_end - line_start >= 5 {
                return Some((text[..line_end - 3].to_vec(), format.truncated));
            }
            end = line_end + 1;
        }
    });
}

#[test]
fn binary_garbage() {
    each_format("binary garbage", |_| Some((garbage(), Rejected(File, ""))));
}

#[test]
fn invalid_utf8_is_reported_at_its_line() {
    each_format("invalid UTF-8", |format| {
        let mut text = fixture(format);
        let middle = text.len() / 2;
        let start = text[..middle]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = line_at(&text, start);
        text.splice(start..start, [0xff, 0xfe]);
        Some((text, Rejected(Line(line), "not UTF-8")))
    });
}

#[test]
fn the_wrong_type_at_the_top_level() {
    each_format("the wrong type at the top level", |format| {
        format
            .wrong_top
            .map(|(text, expect)| (text.as_bytes().to_vec(), expect))
    });
}

#[test]
fn the_wrong_type_inside_an_entry() {
    each_format("the wrong type inside an entry", |format| {
        let (text, expect) = format.wrong_inner;
        Some((text.as_bytes().to_vec(), expect))
    });
}

#[test]
fn duplicate_keys() {
    each_format("duplicate keys", |format| {
        let (text, expect) = format.duplicate;
        Some((text.as_bytes().to_vec(), expect))
    });
}

/// 100 MB per format: each finishes well within the time limit (a few seconds in a debug
/// build) and names the line of the error, past the padding when the parser reads it all.
/// Two formats at a time, one per core, which halves this test's wall time.
#[test]
fn files_of_100_megabytes() {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(format) =
                    FORMATS.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let result = huge(format);
                    results.lock().expect("no test thread panics").push(result);
                }
            });
        }
    });
    let results = results.into_inner().expect("no test thread panics");
    let times: Vec<&str> = results.iter().map(|(time, _)| time.as_str()).collect();
    // For whoever runs the suite with --nocapture; depgov's own output has one channel.
    #[allow(clippy::disallowed_macros)]
    {
        eprintln!("100 MB inputs: {}", times.join(", "));
    }
    let failures: Vec<&str> = results.iter().filter_map(|(_, p)| p.as_deref()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One format's 100 MB case: its time, and what is wrong with its outcome, if anything.
fn huge(format: &Format) -> (String, Option<String>) {
    let (head, filler, tail) = format.huge;
    let filler = format!("{filler}\n");
    let count = 100_000_000 / filler.len();
    let mut text = String::with_capacity(head.len() + filler.len() * count + tail.len());
    text.push_str(head);
    text.push_str(&filler.repeat(count));
    text.push_str(tail);
    let head_lines = head.matches('\n').count();
    let line = if tail.is_empty() {
        head_lines
    } else {
        head_lines + count + 1
    };
    let expect = Rejected(Line(u32::try_from(line).expect("line")), "");
    let (output, elapsed) = inventory(format.file, text.as_bytes());
    let time = format!("{} {:.1}s", format.name, elapsed.as_secs_f64());
    let problem = problem(format.file, &output, expect).map(|p| format!("{}: {p}", format.name));
    (time, problem)
}

/// 100,000 levels of nesting, at the top level and inside an entry: parsers have depth limits,
/// so there is no stack overflow, also on discovery's worker threads (whose stacks are smaller
/// than the main thread's), which read a directory of several files.
#[test]
fn nesting_100_000_levels_deep() {
    let depth = 100_000;
    let nested = |syntax: Syntax| -> Vec<(String, &'static str)> {
        match syntax {
            Syntax::Json => vec![
                ("[".repeat(depth), "top"),
                (
                    format!(
                        "{{\"lockfileVersion\": 3, \"packages\": {{\"node_modules/a\": {}",
                        "{\"a\": ".repeat(depth)
                    ),
                    "entry",
                ),
            ],
            Syntax::Yaml => vec![
                ("[".repeat(depth), "top"),
                (
                    format!(
                        "lockfileVersion: '9.0'\n__metadata:\n  version: 8\npackages:\n  a@1.0.0: {}",
                        "{a: ".repeat(depth)
                    ),
                    "entry",
                ),
            ],
            Syntax::Toml => vec![
                (format!("a = {}", "[".repeat(depth)), "top"),
                (
                    format!(
                        "version = 1\nlock-version = \"1.0\"\n[[package]]\nname = {}",
                        "{a = ".repeat(depth)
                    ),
                    "entry",
                ),
            ],
            Syntax::Xml => vec![
                (format!("<Project>{}", "<a>".repeat(depth)), "top"),
                (
                    format!("<project><dependencies>{}", "<dependency>".repeat(depth)),
                    "entry",
                ),
            ],
            Syntax::Lines => Vec::new(),
        }
    };
    let mut failures = Vec::new();
    for format in FORMATS {
        for (text, place) in nested(format.syntax) {
            let (output, _) = inventory(format.file, text.as_bytes());
            if let Some(problem) = problem(format.file, &output, Rejected(File, "")) {
                failures.push(format!("{} ({place}, one file): {problem}", format.name));
            }
            // The same beside a valid file, so that discovery reads them on worker threads.
            let valid = fixture(format);
            let repo = repository(&[
                (&format!("a/{}", format.file), text.as_bytes()),
                (&format!("b/{}", format.file), &valid),
            ]);
            let (output, _) = run(repo.path(), &["inventory", ".", "--format", "json"]);
            let file = format!("a/{}", format.file);
            if let Some(problem) = problem(&file, &output, Rejected(File, "")) {
                failures.push(format!("{} ({place}, on a thread): {problem}", format.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A manifest beside a lockfile is input too: malformed, it fails the run and is named.
#[test]
fn malformed_manifests_beside_lockfiles() {
    let cases: &[(&str, &str, &str)] = &[
        ("npm/v3", "package-lock.json", "package.json"),
        ("composer/app", "composer.lock", "composer.json"),
        ("poetry/lock-2.1", "poetry.lock", "pyproject.toml"),
        ("pipfile/spec-6", "Pipfile.lock", "Pipfile"),
        ("cargo-lock/v4", "Cargo.lock", "Cargo.toml"),
    ];
    let mut failures = Vec::new();
    for (dir, lockfile, manifest) in cases {
        let lock =
            std::fs::read(fixtures().join("formats").join(dir).join(lockfile)).expect("fixture");
        for content in [&b"{{{ not a manifest"[..], &garbage()[..]] {
            let repo = repository(&[(lockfile, &lock), (manifest, content)]);
            let args = ["inventory", ".", "--lockfile-only", "--format", "json"];
            let (output, _) = run(repo.path(), &args);
            let place = format!("{manifest}:1: ");
            if let Some(problem) = rejection_problem(&output, lockfile, None, &place) {
                failures.push(format!("{manifest}: {problem}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Symlinks are never followed, so a loop under the scanned directory is not even entered: the
/// scan finishes with what the tree holds. A looping link named on the command line is an
/// error naming it.
#[cfg(unix)]
#[test]
fn symlink_loops_in_discovery() {
    use std::os::unix::fs::symlink;
    let requirements = b"requests==2.31.0\n";
    let repo = repository(&[("app/requirements.txt", requirements)]);
    let root = repo.path();
    symlink("..", root.join("app/parent")).expect("symlink");
    symlink(root.join("app"), root.join("app/self")).expect("symlink");
    symlink("loop-b", root.join("loop-a")).expect("symlink");
    symlink("loop-a", root.join("loop-b")).expect("symlink");
    symlink("package-lock.json", root.join("app/package-lock.json")).expect("symlink");
    let (output, elapsed) = run(root, &["inventory", ".", "--format", "json"]);
    assert_eq!(common::code(&output), 0, "{}", common::stderr(&output));
    let report = common::json(&output);
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert_eq!(inputs, ["app/requirements.txt"]);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    for named in ["loop-a", "app/package-lock.json"] {
        let (output, _) = run(root, &["inventory", named]);
        if let Some(problem) = rejection_problem(&output, named, None, "") {
            panic!("{named}: {problem}");
        }
    }
}

/// The policy, read by `depgov check --policy FILE` beside a valid lockfile.
fn check_with_policy(policy: &[u8]) -> (Output, Duration) {
    let repo = repository(&[
        ("requirements.txt", b"requests==2.31.0\n"),
        ("depgov.toml", policy),
    ]);
    run(repo.path(), &["check", "--policy", "depgov.toml"])
}

#[test]
fn malformed_policies() {
    let valid = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/default.toml"))
        .expect("default policy");
    let cut = {
        let middle = valid.len() / 2;
        let value = middle + find(&valid[middle..], b"= \"").expect("a string value");
        valid[..value + 5].to_vec()
    };
    let mut invalid_utf8 = valid.clone();
    let line_start = valid[..valid.len() / 2]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    invalid_utf8.splice(line_start..line_start, [0xff]);
    let depth = 100_000;
    let cases: Vec<(&str, Vec<u8>, Place, &str)> = vec![
        ("empty", Vec::new(), Line(1), "missing field `version`"),
        ("cut off in a string", cut, SomeLine, ""),
        ("garbage", garbage(), SomeLine, ""),
        (
            "invalid UTF-8",
            invalid_utf8,
            Line(line_at(&valid, line_start)),
            "not UTF-8",
        ),
        (
            "wrong type at the top level",
            b"version = \"1\"\n".to_vec(),
            Line(1),
            "invalid type",
        ),
        (
            "wrong type inside an entry",
            b"version = 1\n\n[[components]]\npurl = 1\nring = \"hold\"\n".to_vec(),
            Line(4),
            "invalid type",
        ),
        (
            "duplicate keys",
            b"version = 1\nversion = 1\n".to_vec(),
            Line(2),
            "duplicate key",
        ),
        (
            "duplicate tables",
            b"version = 1\n[licenses]\nadopt = []\n[licenses]\nhold = []\n".to_vec(),
            Line(4),
            "duplicate",
        ),
        (
            "nested arrays",
            format!("version = 1\nx = {}", "[".repeat(depth)).into_bytes(),
            SomeLine,
            "",
        ),
        (
            "nested inline tables",
            format!(
                "version = 1\n[[components]]\npurl = {}",
                "{a = ".repeat(depth)
            )
            .into_bytes(),
            SomeLine,
            "",
        ),
        (
            "100 MB",
            {
                let filler = format!("{COMMENT}\n");
                let mut text = String::from("version = 1\n");
                text.push_str(&filler.repeat(100_000_000 / filler.len()));
                text.push_str("name =\n");
                text.into_bytes()
            },
            SomeLine,
            "",
        ),
    ];
    let mut failures = Vec::new();
    for (case, policy, place, mentions) in cases {
        let (output, elapsed) = check_with_policy(&policy);
        // Policy problems are shown at FILE:LINE:COL.
        let problem = rejection_problem(&output, "depgov.toml", None, mentions).or_else(|| {
            let err = common::stderr(&output);
            let found = match place {
                Line(line) => err.contains(&format!("depgov.toml:{line}:")),
                _ => err.contains("depgov.toml:"),
            };
            (!found).then(|| format!("expected depgov.toml:{place:?}: in: {err}"))
        });
        if let Some(problem) = problem {
            failures.push(format!("{case} ({elapsed:?}): {problem}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
