#!/usr/bin/env python3
"""Writes the repositories of bench/manifests.sh: a Maven reactor of N modules under a parent
POM that defines the versions as properties and manages them, and a .NET solution of N
projects under one Directory.Packages.props (central package management).

usage: bench/manifests.py maven|dotnet N DIR
"""
import pathlib
import sys

kind, count, out = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
LIBRARIES = 300  # third-party packages the parent manages
PER_MODULE = 12  # dependencies each module declares

if kind == "maven":
    properties = "".join(
        f"    <lib{i}.version>{1 + i % 7}.{i % 13}.{i % 5}</lib{i}.version>\n" for i in range(LIBRARIES)
    )
    managed = "".join(
        f"      <dependency>\n        <groupId>org.example.g{i % 40}</groupId>\n"
        f"        <artifactId>lib{i}</artifactId>\n        <version>${{lib{i}.version}}</version>\n"
        f"      </dependency>\n"
        for i in range(LIBRARIES)
    )
    modules = "".join(f"    <module>module-{m}</module>\n" for m in range(count))
    (out / "pom.xml").write_text(
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n"
        "  <groupId>org.example</groupId>\n  <artifactId>parent</artifactId>\n"
        "  <version>1.0.0-SNAPSHOT</version>\n  <packaging>pom</packaging>\n"
        f"  <modules>\n{modules}  </modules>\n  <properties>\n{properties}  </properties>\n"
        f"  <dependencyManagement>\n    <dependencies>\n{managed}    </dependencies>\n"
        "  </dependencyManagement>\n</project>\n"
    )
    for m in range(count):
        module = out / f"module-{m}"
        module.mkdir(parents=True, exist_ok=True)
        deps = "".join(
            f"    <dependency>\n      <groupId>org.example.g{(m + k) % LIBRARIES % 40}</groupId>\n"
            f"      <artifactId>lib{(m + k) % LIBRARIES}</artifactId>\n"
            + ("      <scope>test</scope>\n" if k == 0 else "")
            + "    </dependency>\n"
            for k in range(PER_MODULE)
        )
        sibling = (
            f"    <dependency>\n      <groupId>org.example</groupId>\n      <artifactId>module-{m - 1}</artifactId>\n"
            "      <version>${project.version}</version>\n    </dependency>\n"
            if m
            else ""
        )
        (module / "pom.xml").write_text(
            "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n"
            "  <parent>\n    <groupId>org.example</groupId>\n    <artifactId>parent</artifactId>\n"
            "    <version>1.0.0-SNAPSHOT</version>\n  </parent>\n"
            f"  <artifactId>module-{m}</artifactId>\n  <dependencies>\n{sibling}{deps}  </dependencies>\n"
            "</project>\n"
        )
elif kind == "dotnet":
    versions = "".join(
        f"    <PackageVersion Include=\"Example.Lib{i}\" Version=\"{1 + i % 7}.{i % 13}.{i % 5}\" />\n"
        for i in range(LIBRARIES)
    )
    (out / "Directory.Packages.props").write_text(
        "<Project>\n  <PropertyGroup>\n"
        "    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n"
        f"  </PropertyGroup>\n  <ItemGroup>\n{versions}  </ItemGroup>\n</Project>\n"
    )
    for p in range(count):
        project = out / "src" / f"Project{p}"
        project.mkdir(parents=True, exist_ok=True)
        references = "".join(
            f"    <PackageReference Include=\"Example.Lib{(p + k) % LIBRARIES}\" />\n"
            for k in range(PER_MODULE)
        )
        (project / f"Project{p}.csproj").write_text(
            "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n"
            "    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n"
            f"  <ItemGroup>\n{references}  </ItemGroup>\n</Project>\n"
        )
else:
    sys.exit(f"unknown kind {kind}")
