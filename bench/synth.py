"""Writes synthetic lockfiles of N packages shaped like real dependency trees (a root with 50
direct dependencies; every package depends on 4 new packages and 2 shared ones, so depth grows
with log N as in real graphs), to measure that depgov's time and memory grow linearly with
input size.

FORMAT `workspace` writes the same graph as a Cargo workspace that Cargo (and cargo-deny) can
resolve offline: OUT_DIR/repo (one member, `app`) takes its crates from OUT_DIR/vendor, a
vendored directory source standing in for crates.io. Licenses are mostly permissive, with a
few MPL-2.0 and GPL-3.0-only crates, so that license rules have something to find.

usage: synth.py FORMAT N OUT_DIR      FORMAT: npm | cargo | workspace
"""
import json
import random
import sys

fmt, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(42)
names = [f"pkg-{i:06d}" for i in range(n)]


def deps(i):
    # Four children in a widening tree, plus two edges to random later packages (sharing);
    # edges only point forward, so the graph is a DAG reachable from the root.
    children = [j for j in range(50 + 4 * i, 54 + 4 * i) if j < n]
    shared = [random.randrange(i + 1, n) for _ in range(2)] if i + 1 < n else []
    return sorted(set(children + shared))


if fmt == "npm":
    packages = {"": {"name": "synthetic", "version": "1.0.0",
                     "dependencies": {names[i]: "^1.0.0" for i in range(min(50, n))}}}
    for i, name in enumerate(names):
        packages[f"node_modules/{name}"] = {
            "version": "1.0.0",
            "resolved": f"https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz",
            "integrity": "sha512-" + "A" * 86 + "==",
            "license": "MIT",
            "dependencies": {names[j]: "^1.0.0" for j in deps(i)},
        }
    with open(f"{out}/package-lock.json", "w") as f:
        json.dump({"name": "synthetic", "lockfileVersion": 3, "requires": True,
                   "packages": packages}, f, indent=2)
elif fmt == "cargo":
    with open(f"{out}/Cargo.lock", "w") as f:
        f.write("version = 4\n\n[[package]]\nname = \"synthetic\"\nversion = \"0.1.0\"\n")
        f.write("dependencies = [\n" + "".join(f" \"{names[i]}\",\n" for i in range(min(50, n))) + "]\n")
        for i, name in enumerate(names):
            f.write(f"\n[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\n")
            f.write("source = \"registry+https://github.com/rust-lang/crates.io-index\"\n")
            f.write("checksum = \"" + "0" * 64 + "\"\n")
            d = deps(i)
            if d:
                f.write("dependencies = [\n" + "".join(f" \"{names[j]}\",\n" for j in d) + "]\n")
elif fmt == "workspace":
    import os
    licenses = ["MIT OR Apache-2.0"] * 6 + ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"]

    def license_of(i):
        if i % 97 == 13:
            return "MPL-2.0"
        if i % 331 == 17:
            return "GPL-3.0-only"
        return licenses[i % len(licenses)]

    def write(path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def requirements(indices):
        return "".join(f'{names[j]} = "1"\n' for j in indices)

    for i, name in enumerate(names):
        crate = f"{out}/vendor/{name}-1.0.0"
        write(f"{crate}/Cargo.toml",
              f'[package]\nname = "{name}"\nversion = "1.0.0"\nedition = "2021"\n'
              f'license = "{license_of(i)}"\n\n[dependencies]\n' + requirements(deps(i)))
        write(f"{crate}/src/lib.rs", "")
        write(f"{crate}/.cargo-checksum.json", '{"files":{},"package":"' + "0" * 64 + '"}')
    repo = f"{out}/repo"
    write(f"{repo}/Cargo.toml", '[workspace]\nmembers = ["app"]\nresolver = "2"\n')
    write(f"{repo}/.cargo/config.toml",
          '[source.crates-io]\nreplace-with = "vendored"\n\n'
          f'[source.vendored]\ndirectory = "{os.path.abspath(out)}/vendor"\n')
    write(f"{repo}/app/Cargo.toml",
          '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
          "[dependencies]\n" + requirements(range(min(50, n))))
    write(f"{repo}/app/src/lib.rs", "")
else:
    raise SystemExit(f"unknown format {fmt}")
