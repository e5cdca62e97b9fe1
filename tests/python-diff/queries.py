"""Every navlayer query against the matching MitreAttackData method, on every object it applies to.

navlayer's answers come from `crates/attack/examples/query_dump` (the library API) and, for a few
objects, from the `navlayer query` command (the CLI that users run).
"""

import os

from common import RELEASE, Checker, bundle, log, run_json, store

PAIRS = {
    "attack-pattern": [
        "groups_using_technique", "software_using_technique", "campaigns_using_technique",
        "mitigations_mitigating_technique", "subtechniques_of_technique", "parent_technique_of_subtechnique",
        "datacomponents_detecting_technique", "detection_strategies_detecting_technique",
        "assets_targeted_by_technique",
    ],
    "intrusion-set": ["techniques_used_by_group", "software_used_by_group", "campaigns_attributed_to_group"],
    "campaign": ["techniques_used_by_campaign", "software_used_by_campaign", "groups_attributing_to_campaign"],
    "malware": ["techniques_used_by_software", "groups_using_software", "campaigns_using_software"],
    "tool": ["techniques_used_by_software", "groups_using_software", "campaigns_using_software"],
    "course-of-action": ["techniques_mitigated_by_mitigation"],
    "x-mitre-data-component": ["techniques_detected_by_datacomponent"],
    "x-mitre-detection-strategy": ["techniques_detected_by_detection_strategy"],
    "x-mitre-asset": ["techniques_targeting_asset"],
}
# The MitreAttackData map behind each per-object method: `get_X(id)` is `get_all_Y().get(id, [])`.
# The test reads the map once (mitreattack-python recomputes an empty map on every call, which
# makes per-object calls take minutes on enterprise), and calls the method itself on a sample.
ALL = {
    "groups_using_technique": "get_all_groups_using_all_techniques",
    "software_using_technique": "get_all_software_using_all_techniques",
    "campaigns_using_technique": "get_all_campaigns_using_all_techniques",
    "mitigations_mitigating_technique": "get_all_mitigations_mitigating_all_techniques",
    "subtechniques_of_technique": "get_all_subtechniques_of_all_techniques",
    "parent_technique_of_subtechnique": "get_all_parent_techniques_of_all_subtechniques",
    "datacomponents_detecting_technique": "get_all_datacomponents_detecting_all_techniques",
    "detection_strategies_detecting_technique": "get_all_detection_strategies_detecting_all_techniques",
    "assets_targeted_by_technique": "get_all_assets_targeted_by_all_techniques",
    "techniques_used_by_group": "get_all_techniques_used_by_all_groups",
    "software_used_by_group": "get_all_software_used_by_all_groups",
    "campaigns_attributed_to_group": "get_all_campaigns_attributed_to_all_groups",
    "techniques_used_by_campaign": "get_all_techniques_used_by_all_campaigns",
    "software_used_by_campaign": "get_all_software_used_by_all_campaigns",
    "groups_attributing_to_campaign": "get_all_groups_attributing_to_all_campaigns",
    "techniques_used_by_software": "get_all_techniques_used_by_all_software",
    "groups_using_software": "get_all_groups_using_all_software",
    "campaigns_using_software": "get_all_campaigns_using_all_software",
    "techniques_mitigated_by_mitigation": "get_all_techniques_mitigated_by_all_mitigations",
    "techniques_detected_by_datacomponent": "get_all_techniques_detected_by_all_datacomponents",
    "techniques_detected_by_detection_strategy": "get_all_techniques_detected_by_all_detection_strategies",
    "techniques_targeting_asset": "get_all_techniques_targeting_all_assets",
}

TYPES = ["attack-pattern", "malware", "tool", "intrusion-set", "campaign", "course-of-action", "x-mitre-tactic",
         "x-mitre-data-source", "x-mitre-data-component", "x-mitre-asset", "x-mitre-analytic",
         "x-mitre-detection-strategy", "x-mitre-matrix", "x-mitre-collection"]


def entries(result):
    return [[e["object"]["id"], [r["id"] for r in e["relationships"]]] for e in result]


def ids(objs):
    return [o["id"] for o in objs]


def check(name, sample_every):
    """Compares every query on one bundle. Queries that scan the whole store in mitreattack-python
    (lookups by ATT&CK ID, name, procedure examples, …) run on every object when sample_every is 1,
    else on every n-th object (in bundle order)."""
    from mitreattack.stix20 import MitreAttackData

    c = Checker()
    ours = run_json([os.path.join(RELEASE, "examples", "query_dump"), bundle(name)])
    src = store(name)
    mad = MitreAttackData(src=src)
    objects = [o for o in src.query() if o["type"] in TYPES]

    maps = {query: getattr(mad, all_name)() for query, all_name in ALL.items()}
    called = set()
    for o in objects:
        for query in PAIRS.get(o["type"], []):
            theirs = entries(maps[query].get(o["id"], []))
            c.equal(f"{name} {query}({o['id']})", ours["pairs"][query].get(o["id"]), theirs)
            if query not in called and theirs:
                # The method itself, once per query, on the first object it relates.
                called.add(query)
                direct = entries(getattr(mad, "get_" + query)(o["id"]))
                c.equal(f"{name} get_{query}({o['id']}) is its map entry", direct, theirs)

    lists = ours["lists"]
    for i, o in enumerate(objects):
        if i % sample_every:
            continue
        t = o["type"]
        if t == "attack-pattern":
            c.equal(f"{name} procedure_examples_by_technique({o['id']})",
                    lists["procedure_examples_by_technique"][o["id"]],
                    ids(mad.get_procedure_examples_by_technique(o["id"])))
            c.equal(f"{name} tactics_by_technique({o['id']})", lists["tactics_by_technique"][o["id"]],
                    ids(mad.get_tactics_by_technique(o["id"])))
        if t == "intrusion-set":
            c.equal(f"{name} techniques_used_by_group_software({o['id']})",
                    sorted(lists["techniques_used_by_group_software"][o["id"]]),
                    sorted(ids(mad.get_techniques_used_by_group_software(o["id"]))))
        if t == "x-mitre-detection-strategy":
            c.equal(f"{name} analytics_by_detection_strategy({o['id']})",
                    lists["analytics_by_detection_strategy"][o["id"]],
                    ids(mad.get_analytics_by_detection_strategy(o["id"])))
        if o.get("revoked"):
            rev = mad.get_revoking_object(o["id"])
            c.equal(f"{name} revoking_object({o['id']})", lists["revoking_object"][o["id"]],
                    [rev["id"]] if rev else [])
        attack_id = mad.get_attack_id(o["id"]) if o.get("external_references") else None
        refs = o.get("external_references") or []
        first = refs[0] if refs else {}
        if first.get("external_id") and first.get("source_name") in ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"):
            attack_id = first["external_id"]
            if t not in mad.stix_types:
                continue
            found = mad.get_object_by_attack_id(attack_id, t)
            if t == "x-mitre-matrix":
                # Documented difference: mitreattack-python upper-cases the ID it looks for, so it
                # never finds a matrix (whose ATT&CK ID is "enterprise-attack"); navlayer does.
                c.equal(f"{name} object_by_attack_id({attack_id}, {t}) [python finds none]", found, None)
                continue
            c.equal(f"{name} object_by_attack_id({attack_id}, {t})",
                    lists["object_by_attack_id"].get(f"{attack_id} {t}"), [found["id"]] if found else [])
        if "name" in o and t in mad.stix_types:
            c.equal(f"{name} objects_by_name({o['name']!r}, {t})", lists["objects_by_name"][f"{o['name']} {t}"],
                    ids(mad.get_objects_by_name(o["name"], t)))
        alias_field = {"intrusion-set": "aliases", "campaign": "aliases", "malware": "x_mitre_aliases", "tool": "x_mitre_aliases"}
        if t in alias_field:
            for alias in o.get(alias_field[t], []):
                theirs = ids(mad.get_groups_by_alias(alias)) + ids(mad.get_campaigns_by_alias(alias)) + ids(mad.get_software_by_alias(alias))
                c.equal(f"{name} objects_by_alias({alias!r})", lists["objects_by_alias"].get(alias), theirs)

    modeled = {o["id"] for o in objects}
    for d, ours_list in lists["objects_modified_after"].items():
        theirs = [x["id"] for x in mad.get_objects_modified_after(d) if x["id"] in modeled]
        c.equal(f"{name} objects_modified_after({d})", ours_list, theirs)
    for d, ours_list in lists["objects_created_after"].items():
        ts = d if "T" in d else d + "T00:00:00Z"
        theirs = [x["id"] for x in mad.get_objects_created_after(ts) if x["id"] in modeled]
        c.equal(f"{name} objects_created_after({d})", ours_list, theirs)
    for w, ours_list in lists["objects_by_content"].items():
        theirs = [x["id"] for x in mad.get_objects_by_content(w) if x["id"] in modeled]
        c.equal(f"{name} objects_by_content({w!r})", ours_list, theirs)
    for p, ours_list in lists["techniques_by_platform"].items():
        c.equal(f"{name} techniques_by_platform({p!r})", ours_list, ids(mad.get_techniques_by_platform(p)))
    domain = name.split("/")[-1].split("-attack")[0] + "-attack"
    for s, ours_list in lists["techniques_by_tactic"].items():
        c.equal(f"{name} techniques_by_tactic({s!r})", ours_list, ids(mad.get_techniques_by_tactic(s, domain)))
    for t, ours_list in lists["objects_by_type"].items():
        c.equal(f"{name} objects_by_type({t})", ours_list, ids(mad.get_objects_by_type(t)))
    log(f"queries {name}: {c.passed} equal, {c.failed} different")
    return c
