//! .NET SDK project files, with and without central package management.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn central_package_management_gives_versions_and_global_references() {
    insta::assert_snapshot!(inventory_snapshot("formats/dotnet", "central"));
}

#[test]
fn a_project_read_alone_finds_directory_packages_props_above() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/dotnet",
        "central/src/Api/Api.csproj"
    ));
}

#[test]
fn versions_in_the_project_properties_and_exact_ranges() {
    insta::assert_snapshot!(inventory_snapshot("formats/dotnet", "plain/Legacy.vbproj"));
}

#[test]
fn malformed_project_files_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("App.csproj", text.as_bytes(), &[]),
            "App.csproj",
            line,
            mentions,
        );
    };
    reject(
        "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Include=\"B\" />\n  </ItemGroup>\n</Project>\n",
        Some(3),
        "attribute 'Include' is already defined",
    );
    reject("<Solution/>\n", Some(1), "not an MSBuild project");
    assert_rejected(
        &inventory_of_text(
            "App.csproj",
            b"<Project><ItemGroup><PackageReference Include=\"A\" /></ItemGroup></Project>",
            &[(
                "Directory.Packages.props",
                "<Project>\n<ItemGroup>\n</Project>\n",
            )],
        ),
        "App.csproj",
        None,
        "Directory.Packages.props:3:",
    );
}
