//! Maven's pom.xml: a reactor with a parent POM, properties and dependency management, and a
//! POM whose parent is outside the repository.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn a_reactor_resolves_properties_and_managed_versions_from_its_parent() {
    insta::assert_snapshot!(inventory_snapshot("formats/maven", "reactor"));
}

#[test]
fn a_module_read_alone_still_finds_its_parent_above() {
    insta::assert_snapshot!(inventory_snapshot("formats/maven", "reactor/web/pom.xml"));
}

#[test]
fn a_parent_outside_the_repository_is_noted() {
    insta::assert_snapshot!(inventory_snapshot("formats/maven", "standalone/pom.xml"));
}

#[test]
fn malformed_poms_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("pom.xml", text.as_bytes(), &[]),
            "pom.xml",
            line,
            mentions,
        );
    };
    reject(
        "<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>\n",
        Some(4),
        "expected 'dependency' tag, not 'dependencies'",
    );
    reject("<settings/>\n", Some(1), "not a Maven POM");
    reject(
        "<!DOCTYPE project [<!ENTITY a \"b\">]>\n<project/>\n",
        Some(1),
        "DTD",
    );
}
