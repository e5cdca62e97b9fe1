"""`navlayer release-diff` against mitreattack-python's diff_stix (DiffStix), on a pair of releases.

Compared: for every type and category, the set of STIX ids; and the new contributors. navlayer's
types are diff_stix's, with techniques split into techniques and sub-techniques (compared as
their union) and tactics added (diff_stix has none, so they are not compared).
"""

import contextlib
import io
import os
import time

from common import BIN, DATA, Checker, bundle, log, run_json, store

# navlayer type -> diff_stix type
TYPES = {
    "techniques": "techniques", "subtechniques": "techniques", "software": "software", "groups": "groups",
    "campaigns": "campaigns", "assets": "assets", "mitigations": "mitigations", "data-sources": "datasources",
    "data-components": "datacomponents", "detection-strategies": "detectionstrategies", "analytics": "analytics",
}
CATEGORIES = ["additions", "major_version_changes", "minor_version_changes", "other_version_changes", "patches",
              "revocations", "deprecations", "deletions", "unchanged"]


def diff_stix(domain, old_name, new_name):
    """A DiffStix of one domain whose MemoryStores are the shared, already loaded ones."""
    from mitreattack.diffStix import changelog_helper
    from mitreattack import release_info

    class CachedDiffStix(changelog_helper.DiffStix):
        def load_domain(self, domain):
            for version, name in (("old", old_name), ("new", new_name)):
                data_store = store(name)
                self.data[version][domain]["attack_release_version"] = release_info.get_attack_version(
                    domain=domain, stix_file=bundle(name))
                self.data[version][domain]["stix_datastore"] = data_store
                self.parse_extra_data(data_store=data_store, domain=domain, datastore_version=version)

    from loguru import logger
    logger.remove()
    with contextlib.redirect_stdout(io.StringIO()):  # its progress bars
        return CachedDiffStix(domains=[domain], unchanged=True, old=DATA, new=DATA, include_contributors=True)


def check(domain, old, new):
    old_name, new_name = f"{domain}-{old}.json", f"{domain}-{new}.json"
    store(old_name), store(new_name)
    c = Checker()
    t = time.perf_counter()
    ds = diff_stix(domain, old_name, new_name)
    python_s = time.perf_counter() - t
    t = time.perf_counter()
    ours = run_json([BIN, "--data", DATA, "--domain", domain, "release-diff", old, new, "--format", "json"])
    ours_s = time.perf_counter() - t
    changes = ds.data["changes"]
    (dom,) = ours["domains"]
    for their_type in sorted(set(TYPES.values())):
        for cat in CATEGORIES:
            theirs = sorted(o["id"] for o in changes[their_type][domain].get(cat, []))
            mine = sorted(
                it["stix_id"]
                for our_type, t2 in TYPES.items() if t2 == their_type
                for it in dom["types"][our_type][cat]
            )
            c.equal(f"{domain} {old}->{new} {their_type} {cat} ({len(theirs)} in diff_stix)", mine, theirs)
    theirs = sorted((k for k in ds.release_contributors if k != "ATT&CK"), key=str.lower)
    c.equal(f"{domain} {old}->{new} contributors ({len(theirs)})", ours["contributors"], theirs)
    log(f"release-diff {domain} {old}->{new}: {c.passed} equal, {c.failed} different; "
        f"diff_stix {python_s:.1f} s (bundles preloaded), navlayer {ours_s:.2f} s (whole process)")
    return c
