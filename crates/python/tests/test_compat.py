"""navlayer.compat.MitreAttackData against mitreattack-python's MitreAttackData (6.x, from PyPI),
method by method, on every object of enterprise, mobile and ICS 18.1: the same objects (IDs, in
the same order), the same keys and values, the same entries and relationships."""

from __future__ import annotations

import datetime
import inspect

import pytest

from conftest import ours, peer

DOMAINS = ["enterprise", "mobile", "ics"]

PAIRS = [
    # (per-object method, get_all_ method, STIX types of the argument)
    ("software_used_by_group", "all_software_used_by_all_groups", ["intrusion-set"]),
    ("groups_using_software", "all_groups_using_all_software", ["tool", "malware"]),
    ("software_used_by_campaign", "all_software_used_by_all_campaigns", ["campaign"]),
    ("campaigns_using_software", "all_campaigns_using_all_software", ["tool", "malware"]),
    ("groups_attributing_to_campaign", "all_groups_attributing_to_all_campaigns", ["campaign"]),
    ("campaigns_attributed_to_group", "all_campaigns_attributed_to_all_groups", ["intrusion-set"]),
    ("techniques_used_by_group", "all_techniques_used_by_all_groups", ["intrusion-set"]),
    ("groups_using_technique", "all_groups_using_all_techniques", ["attack-pattern"]),
    ("techniques_used_by_campaign", "all_techniques_used_by_all_campaigns", ["campaign"]),
    ("campaigns_using_technique", "all_campaigns_using_all_techniques", ["attack-pattern"]),
    ("techniques_used_by_software", "all_techniques_used_by_all_software", ["tool", "malware"]),
    ("software_using_technique", "all_software_using_all_techniques", ["attack-pattern"]),
    ("techniques_mitigated_by_mitigation", "all_techniques_mitigated_by_all_mitigations", ["course-of-action"]),
    ("mitigations_mitigating_technique", "all_mitigations_mitigating_all_techniques", ["attack-pattern"]),
    ("parent_technique_of_subtechnique", "all_parent_techniques_of_all_subtechniques", ["attack-pattern"]),
    ("subtechniques_of_technique", "all_subtechniques_of_all_techniques", ["attack-pattern"]),
    ("techniques_detected_by_datacomponent", "all_techniques_detected_by_all_datacomponents", ["x-mitre-data-component"]),
    ("datacomponents_detecting_technique", "all_datacomponents_detecting_all_techniques", ["attack-pattern"]),
    ("techniques_targeting_asset", "all_techniques_targeting_all_assets", ["x-mitre-asset"]),
    ("assets_targeted_by_technique", "all_assets_targeted_by_all_techniques", ["attack-pattern"]),
    ("detection_strategies_detecting_technique", "all_detection_strategies_detecting_all_techniques", ["attack-pattern"]),
    ("techniques_detected_by_detection_strategy", "all_techniques_detected_by_all_detection_strategies", ["x-mitre-detection-strategy"]),
]

OTHER_TYPES = ["relationship", "identity", "marking-definition", "x-mitre-collection"]


@pytest.fixture(scope="module", params=DOMAINS)
def both(request):
    return peer(request.param), ours(request.param)


def ids(objects):
    return [None if o is None else o["id"] for o in objects]


def shape(entries):
    return [(e["object"]["id"], [r["id"] for r in e["relationships"]]) for e in entries]


def same(theirs, mine, what):
    """Asserts equal lists, showing the first difference."""
    if theirs != mine:
        for i, (a, b) in enumerate(zip(theirs, mine)):
            if a != b:
                pytest.fail(f"{what}: first difference at {i}: mitreattack {a!r} vs navlayer {b!r}")
        pytest.fail(f"{what}: {len(theirs)} items from mitreattack-python, {len(mine)} from navlayer")


def all_ids(data, types):
    return [o["id"] for t in types for o in data.get_objects_by_type(t)]


def test_every_public_method_of_mitreattack_python_exists():
    from mitreattack.stix20 import MitreAttackData as Theirs

    from navlayer.compat import MitreAttackData as Mine

    for name, member in inspect.getmembers(Theirs, inspect.isfunction):
        if name.startswith("_"):
            continue
        assert hasattr(Mine, name), name
        theirs = inspect.signature(member)
        mine = inspect.signature(getattr(Mine, name))
        assert list(theirs.parameters) == list(mine.parameters), name
        for p in theirs.parameters.values():
            assert mine.parameters[p.name].default == p.default, (name, p.name)


def test_every_object_same_keys_and_values(both):
    theirs, mine = both
    for stix_type in theirs.stix_types + OTHER_TYPES:
        a_all = theirs.get_objects_by_type(stix_type)
        b_all = mine.get_objects_by_type(stix_type)
        same(ids(a_all), ids(b_all), f"get_objects_by_type({stix_type!r})")
        for a, b in zip(a_all, b_all):
            assert sorted(a.keys()) == sorted(b.keys()), a["id"]
            for key in a.keys():
                assert a[key] == b[key], (a["id"], key)
            assert b.name == a.name if "name" in a else True
            if "created" in a:
                assert isinstance(b.created, datetime.datetime) and b.created == a.created


def test_getters(both):
    theirs, mine = both
    for rrd in (False, True):
        for name in [
            "get_matrices",
            "get_tactics",
            "get_subtechniques",
            "get_mitigations",
            "get_groups",
            "get_software",
            "get_campaigns",
            "get_assets",
            "get_datasources",
            "get_datacomponents",
            "get_analytics",
            "get_detectionstrategies",
        ]:
            same(ids(getattr(theirs, name)(rrd)), ids(getattr(mine, name)(rrd)), f"{name}({rrd})")
        for sub in (True, False):
            same(
                ids(theirs.get_techniques(sub, rrd)),
                ids(mine.get_techniques(sub, rrd)),
                f"get_techniques({sub}, {rrd})",
            )
        for stix_type in theirs.stix_types + OTHER_TYPES:
            same(
                ids(theirs.get_objects_by_type(stix_type, rrd)),
                ids(mine.get_objects_by_type(stix_type, rrd)),
                f"get_objects_by_type({stix_type!r}, {rrd})",
            )


@pytest.mark.parametrize("method, all_method, types", PAIRS, ids=[p[0] for p in PAIRS])
def test_pair_queries_on_every_object(both, method, all_method, types):
    theirs, mine = both
    a_map = getattr(theirs, f"get_{all_method}")()
    b_map = getattr(mine, f"get_{all_method}")()
    same(sorted(a_map), sorted(b_map), f"get_{all_method}() keys")
    for stix_id, entries in a_map.items():
        same(shape(entries), shape(b_map[stix_id]), f"get_{all_method}()[{stix_id}]")
    for stix_id in all_ids(theirs, types) + ["intrusion-set--00000000-0000-0000-0000-000000000000"]:
        a = getattr(theirs, f"get_{method}")(stix_id)
        b = getattr(mine, f"get_{method}")(stix_id)
        same(shape(a), shape(b), f"get_{method}({stix_id})")
        for ea, eb in zip(a, b):
            assert sorted(ea) == sorted(eb) == ["object", "relationships"]


def test_objects_by_id_name_and_alias(both):
    theirs, mine = both
    for stix_type in theirs.stix_types:
        for obj in theirs.get_objects_by_type(stix_type):
            stix_id = obj["id"]
            assert mine.get_object_by_stix_id(stix_id)["id"] == stix_id
            assert mine.get_attack_id(stix_id) == theirs.get_attack_id(stix_id)
            assert mine.get_name(stix_id) == theirs.get_name(stix_id)
            assert mine.get_stix_type(stix_id) == theirs.get_stix_type(stix_id)
            attack_id = theirs.get_attack_id(stix_id)
            if attack_id:
                for text in (attack_id, attack_id.lower()):
                    a = theirs.get_object_by_attack_id(text, stix_type)
                    b = mine.get_object_by_attack_id(text, stix_type)
                    assert ids([a]) == ids([b]), (text, stix_type)
            if "name" in obj:
                same(
                    ids(theirs.get_objects_by_name(obj["name"], stix_type)),
                    ids(mine.get_objects_by_name(obj["name"], stix_type)),
                    f"get_objects_by_name({obj['name']!r})",
                )
    for rel in theirs.get_objects_by_type("relationship"):
        assert mine.get_object_by_stix_id(rel["id"])["id"] == rel["id"]
    with pytest.raises(ValueError):
        mine.get_object_by_stix_id("attack-pattern--00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValueError):
        mine.get_object_by_attack_id("T1059", "technique")
    with pytest.raises(ValueError):
        mine.get_objects_by_name("x", "technique")
    assert mine.get_object_by_attack_id("T0000", "attack-pattern") is None
    for method, types in [
        ("get_groups_by_alias", ["intrusion-set"]),
        ("get_campaigns_by_alias", ["campaign"]),
        ("get_software_by_alias", ["malware", "tool"]),
    ]:
        aliases = {
            alias
            for t in types
            for o in theirs.get_objects_by_type(t)
            for alias in o.get("aliases", []) + o.get("x_mitre_aliases", [])
        }
        for alias in sorted(aliases) + ["no such alias", "APT", "Team", ""]:
            same(ids(getattr(theirs, method)(alias)), ids(getattr(mine, method)(alias)), f"{method}({alias!r})")


def test_technique_queries_on_every_object(both):
    theirs, mine = both
    for technique in all_ids(theirs, ["attack-pattern"]):
        same(
            ids(theirs.get_tactics_by_technique(technique)),
            ids(mine.get_tactics_by_technique(technique)),
            f"get_tactics_by_technique({technique})",
        )
        same(
            ids(theirs.get_procedure_examples_by_technique(technique)),
            ids(mine.get_procedure_examples_by_technique(technique)),
            f"get_procedure_examples_by_technique({technique})",
        )
    for group in all_ids(theirs, ["intrusion-set"]):
        same(
            ids(theirs.get_techniques_used_by_group_software(group)),
            ids(mine.get_techniques_used_by_group_software(group)),
            f"get_techniques_used_by_group_software({group})",
        )
    for strategy in all_ids(theirs, ["x-mitre-detection-strategy"]):
        for rrd in (False, True):
            same(
                ids(theirs.get_analytics_by_detection_strategy(strategy, rrd)),
                ids(mine.get_analytics_by_detection_strategy(strategy, rrd)),
                f"get_analytics_by_detection_strategy({strategy}, {rrd})",
            )
    for stix_type in theirs.stix_types:
        for stix_id in all_ids(theirs, [stix_type]):
            assert ids([theirs.get_revoking_object(stix_id)]) == ids([mine.get_revoking_object(stix_id)]), stix_id
    platforms = {p for t in theirs.get_techniques() for p in t.get("x_mitre_platforms", [])}
    for platform in sorted(platforms) + ["linux", "Nowhere", "Office", "Win", ""]:
        for rrd in (False, True):
            same(
                ids(theirs.get_techniques_by_platform(platform, rrd)),
                ids(mine.get_techniques_by_platform(platform, rrd)),
                f"get_techniques_by_platform({platform!r}, {rrd})",
            )
    tactics = [t["x_mitre_shortname"] for t in theirs.get_tactics()] + ["no-such-tactic"]
    for shortname in tactics:
        for domain in ("enterprise-attack", "mobile-attack", "ics-attack"):
            for rrd in (False, True):
                same(
                    ids(theirs.get_techniques_by_tactic(shortname, domain, rrd)),
                    ids(mine.get_techniques_by_tactic(shortname, domain, rrd)),
                    f"get_techniques_by_tactic({shortname!r}, {domain!r}, {rrd})",
                )
    with pytest.raises(ValueError):
        mine.get_techniques_by_tactic("execution", "enterprise")
    a, b = theirs.get_tactics_by_matrix(), mine.get_tactics_by_matrix()
    assert list(a) == list(b)
    for name in a:
        same(ids(a[name]), ids(b[name]), f"get_tactics_by_matrix()[{name!r}]")


def test_content_and_date_queries(both):
    theirs, mine = both
    for content in ["PowerShell", "CREDENTIAL", "(Citation:", "no such text anywhere"]:
        for object_type in [None, "attack-pattern", "intrusion-set", "relationship", "x-mitre-data-component"]:
            for rrd in (False, True):
                same(
                    ids(theirs.get_objects_by_content(content, object_type, rrd)),
                    ids(mine.get_objects_by_content(content, object_type, rrd)),
                    f"get_objects_by_content({content!r}, {object_type!r}, {rrd})",
                )
    with pytest.raises(ValueError):
        mine.get_objects_by_content("x", "technique")
    for timestamp in ["2017-05-31T21:30:00.000Z", "2022-10-01T00:00:00Z", "2025-04-15T12:00:00.000Z"]:
        for rrd in (False, True):
            same(
                ids(theirs.get_objects_created_after(timestamp, rrd)),
                ids(mine.get_objects_created_after(timestamp, rrd)),
                f"get_objects_created_after({timestamp!r}, {rrd})",
            )
    for date in ["2022-10-01", "October 1, 2024", "2025-10-28T14:00:00.500Z"]:
        for rrd in (False, True):
            same(
                ids(theirs.get_objects_modified_after(date, rrd)),
                ids(mine.get_objects_modified_after(date, rrd)),
                f"get_objects_modified_after({date!r}, {rrd})",
            )


def test_general_related_and_map_helpers(both):
    theirs, mine = both
    for args in [
        ("intrusion-set", "uses", "attack-pattern", False),
        ("intrusion-set", "uses", "attack-pattern", True),
        ("malware", "uses", "tool", False),
        ("course-of-action", "mitigates", "attack-pattern", True),
        ("campaign", "attributed-to", "intrusion-set", False),
    ]:
        a, b = theirs.get_related(*args), mine.get_related(*args)
        same(sorted(a), sorted(b), f"get_related{args} keys")
        for stix_id in a:
            same(shape(a[stix_id]), shape(b[stix_id]), f"get_related{args}[{stix_id}]")
    # The helpers mitreattack-python builds its maps with, on the same inputs.
    a_tools = theirs.get_related("intrusion-set", "uses", "tool")
    a_malware = theirs.get_related("intrusion-set", "uses", "malware")
    b_tools = mine.get_related("intrusion-set", "uses", "tool")
    b_malware = mine.get_related("intrusion-set", "uses", "malware")
    a_merged = theirs.merge(a_tools, a_malware)
    b_merged = mine.merge(b_tools, b_malware)
    a_campaigns = theirs.merge(
        theirs.get_related("campaign", "uses", "tool"), theirs.get_related("campaign", "uses", "malware")
    )
    b_campaigns = mine.merge(
        mine.get_related("campaign", "uses", "tool"), mine.get_related("campaign", "uses", "malware")
    )
    a_attrib = theirs.get_related("campaign", "attributed-to", "intrusion-set", reverse=True)
    b_attrib = mine.get_related("campaign", "attributed-to", "intrusion-set", reverse=True)
    a_all = theirs.add_inherited_campaign_relationships(a_attrib, a_campaigns, a_merged)
    b_all = mine.add_inherited_campaign_relationships(b_attrib, b_campaigns, b_merged)
    assert {k: shape(v) for k, v in a_all.items()} == {k: shape(v) for k, v in b_all.items()}
    assert {k: shape(v) for k, v in b_all.items()} == {
        k: shape(v) for k, v in mine.get_all_software_used_by_all_groups().items()
    }
    objects = mine.get_techniques() + theirs.get_groups()
    assert ids(mine.remove_revoked_deprecated(objects)) == ids(theirs.remove_revoked_deprecated(objects))
    technique = mine.get_techniques()[0]
    assert mine.get_field(technique, "name") == technique["name"]
    assert mine.get_field(object(), "name", 3) == 3


@pytest.mark.parametrize("domain", ["ics"])
def test_indexed_store_gives_what_the_plain_store_gives(domain):
    """The comparisons above run mitreattack-python over an indexed MemoryStore (conftest); here
    the plain and the indexed stores answer the same, on every query shape MitreAttackData uses."""
    plain, indexed = peer(domain, indexed=False), peer(domain)
    techniques = [t["id"] for t in plain.get_techniques()]
    groups = [g["id"] for g in plain.get_groups()]
    revoked = [o["id"] for o in plain.get_objects_by_type("attack-pattern") if o.get("revoked")]
    strategies = [s["id"] for s in plain.get_detectionstrategies()]
    checks = [
        lambda d: ids(d.get_techniques(False, True)),
        lambda d: ids(d.get_subtechniques()),
        lambda d: ids(d.get_objects_by_content("control", None, True)),
        lambda d: ids(d.get_techniques_by_platform("None")),
        lambda d: ids(d.get_techniques_by_tactic("evasion", "ics-attack")),
        lambda d: ids(d.get_objects_created_after("2022-10-01T00:00:00Z")),
        lambda d: ids(d.get_objects_modified_after("2024-01-01")),
        lambda d: {k: shape(v) for k, v in d.get_all_techniques_used_by_all_groups().items()},
        lambda d: {k: shape(v) for k, v in d.get_all_techniques_targeting_all_assets().items()},
        lambda d: [ids(d.get_procedure_examples_by_technique(t)) for t in techniques[:15]],
        lambda d: [ids(d.get_tactics_by_technique(t)) for t in techniques[:15]],
        lambda d: [ids([d.get_object_by_attack_id(d.get_attack_id(t) or "T0", "attack-pattern")]) for t in techniques[:15]],
        lambda d: [ids(d.get_objects_by_name(d.get_name(t), "attack-pattern")) for t in techniques[:15]],
        lambda d: [ids(d.get_techniques_used_by_group_software(g)) for g in groups],
        lambda d: [ids(d.get_groups_by_alias(a)) for a in ("Sandworm Team", "ALLANITE", "x")],
        lambda d: [ids([d.get_revoking_object(r)]) for r in revoked],
        lambda d: [ids(d.get_analytics_by_detection_strategy(s)) for s in strategies[:15]],
    ]
    for i, check in enumerate(checks):
        assert check(plain) == check(indexed), i


# --- what scripts observe, beyond the peer comparison ---------------------------------------------


def test_stix_objects_behave_like_stix2_objects():
    import copy
    import json
    import pickle

    data = ours("enterprise")
    t = data.get_object_by_attack_id("T1059.001", "attack-pattern")
    assert t.name == t["name"] == "PowerShell"
    assert t.external_references[0].external_id == "T1059.001"
    assert t.kill_chain_phases[0].phase_name == "execution"
    assert t.get("x_no_such_property", 7) == 7 and "x_mitre_platforms" in t
    with pytest.raises(AttributeError):
        t.x_no_such_property
    with pytest.raises(KeyError):
        t["x_no_such_property"]
    assert t.modified.tzinfo is not None and t.modified > t.created
    for change in (
        lambda: t.__setitem__("name", "x"),
        lambda: setattr(t, "name", "x"),
        lambda: t.update(name="x"),
        lambda: t.pop("name"),
        lambda: t.external_references[0].__setitem__("url", "x"),
    ):
        with pytest.raises(TypeError):
            change()
    assert t.name == "PowerShell"
    mutable = dict(t)
    mutable["name"] = "changed"
    deep = copy.deepcopy(t)
    deep["external_references"][0]["url"] = "changed"
    assert t.external_references[0].url != "changed"
    assert pickle.loads(pickle.dumps(t)) == t
    again = json.loads(t.serialize(pretty=True))
    assert again["id"] == t.id and again["created"] == t.created.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    # The same object each time, as from a stix2 MemoryStore.
    assert data.get_object_by_stix_id(t.id) is t


def test_not_covered_raises_not_implemented():
    from navlayer.compat import MitreAttackData

    data = ours("ics")
    with pytest.raises(NotImplementedError, match="src"):
        data.src
    with pytest.raises(NotImplementedError, match="get_something_new"):
        data.get_something_new()
    with pytest.raises(AttributeError):
        data.no_such_attribute
    with pytest.raises(NotImplementedError, match="MemoryStore"):
        MitreAttackData(src=object())
    with pytest.raises(TypeError):
        MitreAttackData()
    with pytest.raises(TypeError):
        MitreAttackData(stix_filepath=3)
