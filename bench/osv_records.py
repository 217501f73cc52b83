"""Writes N synthetic OSV records (ossf/osv-schema 1.6) for bench/osv.sh, as a directory of
records (OUT/records/ID.json) and as OSV's per-ecosystem archives (OUT/zip/ECOSYSTEM/all.zip).

A tenth of them name package versions of the inventory (a `depgov check --format json`
report): for a package, one record affecting its version and no other (a range from it to it,
and the version listed, as osv.dev lists them, so that the fake API and the offline database
agree) and one it does not affect (`fixed` at it), with CVSS v3
or v4 vectors, a database severity or none, and aliases; a few are malicious-package (`MAL-`)
records. The rest name packages no inventory has, in every ecosystem, as most of OSV's records
are for any one repository. Deterministic: the same inventory gives the same records.

usage: osv_records.py INVENTORY.json OUT N
"""
import json
import os
import random
import sys
import zipfile

inventory, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(15)

# depgov's ecosystem (the purl type) -> OSV's name, and whether its records use SEMVER ranges.
ECOSYSTEMS = {
    "cargo": ("crates.io", True),
    "npm": ("npm", True),
    "golang": ("Go", True),
    "pypi": ("PyPI", False),
    "maven": ("Maven", False),
    "gem": ("RubyGems", False),
    "nuget": ("NuGet", False),
    "composer": ("Packagist", False),
}
CVSS3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N"
CVSS4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N"


def record(id, ecosystem, name, events, versions, i):
    osv_name, semver = ECOSYSTEMS[ecosystem]
    value = {
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2026-11-%02dT12:00:00Z" % (1 + i % 28),
        "published": "2026-01-01T00:00:00Z",
        "summary": f"Synthetic advisory {i} in {name}",
        "details": "Made up for depgov's benchmark.",
        "affected": [{
            "package": {"ecosystem": osv_name, "name": name},
            "ranges": [{"type": "SEMVER" if semver else "ECOSYSTEM", "events": events}],
            "versions": versions,
        }],
        "references": [{"type": "ADVISORY", "url": f"https://osv.example/vulnerability/{id}"}],
    }
    kind = i % 4
    if kind == 0:
        value["severity"] = [{"type": "CVSS_V3", "score": CVSS3}]
    elif kind == 1:
        value["severity"] = [{"type": "CVSS_V4", "score": CVSS4}]
    elif kind == 2:
        value["database_specific"] = {"severity": "MODERATE"}
    if i % 5 == 0:
        value["aliases"] = [f"CVE-2026-{100000 + i}"]
    return value


report = json.load(open(inventory))
packages = sorted({(c["ecosystem"], c["name"], c["version"]) for c in report["components"]
                   if c["ecosystem"] in ECOSYSTEMS})
records = []
real = min(count // 10, 2 * len(packages))
for i, (ecosystem, name, version) in enumerate(random.sample(packages, real // 2)):
    written = version[1:] if ecosystem == "golang" and version.startswith("v") else version
    prefix = "MAL-2026-" if i % 50 == 0 else "GHSA-bnch-"
    records.append(record(f"{prefix}{i:06d}", ecosystem, name,
                          [{"introduced": written}, {"last_affected": written}], [written], 2 * i))
    records.append(record(f"GHSA-bnch-fixd-{i:06d}", ecosystem, name,
                          [{"introduced": "0"}, {"fixed": written}], [], 2 * i + 1))
kinds = sorted(ECOSYSTEMS)
for i in range(len(records), count):
    ecosystem = kinds[i % len(kinds)]
    name = {"maven": f"org.example.synthetic:artifact-{i}", "golang": f"example.com/synthetic/m{i}",
            "composer": f"synthetic/package-{i}"}.get(ecosystem, f"synthetic-package-{i}")
    records.append(record(f"OSV-2026-{i:06d}", ecosystem, name,
                          [{"introduced": "0"}, {"fixed": "1.0.0"}], [], i))

os.makedirs(f"{out}/records", exist_ok=True)
archives = {}
for value in records:
    text = json.dumps(value)
    with open(f"{out}/records/{value['id']}.json", "w") as f:
        f.write(text)
    ecosystem = value["affected"][0]["package"]["ecosystem"]
    if ecosystem not in archives:
        os.makedirs(f"{out}/zip/{ecosystem}", exist_ok=True)
        archives[ecosystem] = zipfile.ZipFile(f"{out}/zip/{ecosystem}/all.zip", "w",
                                              zipfile.ZIP_DEFLATED)
    archives[ecosystem].writestr(f"{value['id']}.json", text)
for archive in archives.values():
    archive.close()
print(f"== {len(records)} synthetic OSV records ({real} on {real // 2} package versions of the "
      f"inventory, {len(records) - real} on packages it does not have)")
