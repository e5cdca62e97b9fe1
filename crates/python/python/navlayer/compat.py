"""A drop-in for mitreattack-python's ``MitreAttackData``, on navlayer's engine.

Change one import and a script runs unchanged, about fifty times faster (loading a release:
~80-100x; see BENCHMARKS.md)::

    # from mitreattack.stix20 import MitreAttackData
    from navlayer.compat import MitreAttackData

    attack = MitreAttackData("enterprise-attack-18.1.json")
    for group in attack.get_groups(remove_revoked_deprecated=True):
        for entry in attack.get_techniques_used_by_group(group.id):
            technique, relationships = entry["object"], entry["relationships"]
            print(group.name, attack.get_attack_id(technique.id), len(relationships))

Every public method of mitreattack-python 6.x's ``MitreAttackData`` is here with the same name,
arguments and defaults, and returns the same shapes: lists of STIX objects, ``{"object": …,
"relationships": […]}`` entries, ``{stix_id: [entries]}`` maps. The test suite compares each
method with mitreattack-python on every object of enterprise, mobile and ICS 18.1 (same IDs in the
same order, same keys and values, same relationships).

STIX objects are :class:`navlayer.StixObject` values: read-only dicts whose properties are also
attributes (``obj.name`` and ``obj["name"]``), with nested external references and kill chain
phases alike, and ``created`` / ``modified`` / ``first_seen`` / ``last_seen`` as timezone-aware
datetimes, as stix2 gives them. What differs from stix2 objects: they are ``dict`` subclasses, not
``stix2`` classes (``isinstance(obj, stix2.AttackPattern)`` is false), ``serialize()`` writes plain
``json.dumps`` output, and stix2-only methods (``new_version``, ``revoke``, ``object_markings`` …)
are absent. Not covered, raising :class:`NotImplementedError` naming what is missing: a
``stix2.MemoryStore`` passed as ``src`` (pass a path, or a :class:`navlayer.Catalogue`) and the
``src`` attribute (the MemoryStore itself).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Union

from navlayer._navlayer import Catalogue, CompatCore
from navlayer._stix import StixObject

__all__ = ["MitreAttackData", "StixObject"]

StixDict = StixObject
RelationshipEntry = Dict[str, Any]
RelationshipMap = Dict[str, List[RelationshipEntry]]

_DOMAIN_KILL_CHAINS = {
    "enterprise-attack": "mitre-attack",
    "mobile-attack": "mitre-mobile-attack",
    "ics-attack": "mitre-ics-attack",
}


def _normalise_date(date: str) -> str:
    """``date`` as mitreattack-python's ``get_objects_modified_after`` reads it: parsed leniently
    (dateutil, as mitreattack-python does, when installed; else ISO 8601), truncated to seconds,
    written as UTC."""
    try:
        from dateutil import parser  # type: ignore[import-untyped]

        parsed = parser.parse(date)
    except ImportError:
        import datetime

        text = date.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.datetime.fromisoformat(text)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


class MitreAttackData:
    """ATT&CK data of one bundle, queried as with mitreattack-python's ``MitreAttackData``.

    Args:
        stix_filepath: path of a STIX 2.0 or 2.1 bundle (``enterprise-attack-18.1.json``).
        src: a :class:`navlayer.Catalogue` already loaded (mitreattack-python takes a
            ``stix2.MemoryStore`` here, which is not supported).
    """

    stix_types = [
        "attack-pattern",
        "malware",
        "tool",
        "intrusion-set",
        "campaign",
        "course-of-action",
        "x-mitre-matrix",
        "x-mitre-tactic",
        "x-mitre-data-source",
        "x-mitre-data-component",
        "x-mitre-asset",
        "x-mitre-analytic",
        "x-mitre-detection-strategy",
    ]

    def __init__(self, stix_filepath: Optional[Union[str, os.PathLike]] = None, src: Any = None):
        if not stix_filepath and not src:
            raise TypeError("MitreAttackData cannot be initialized without one of `stix_filepath` or `src`.")
        if stix_filepath and src:
            raise TypeError("MitreAttackData cannot be initialized with both `stix_filepath` and `src`.")
        if stix_filepath:
            if not isinstance(stix_filepath, (str, os.PathLike)):
                raise TypeError(f"Argument stix_filepath must be of type str, not {type(stix_filepath)}")
            catalogue = Catalogue.load(os.fspath(stix_filepath))
            self.stix_filepath: Optional[str] = os.fspath(stix_filepath)
        elif isinstance(src, Catalogue):
            catalogue = src
            self.stix_filepath = None if src.path is None else str(src.path)
        else:
            raise NotImplementedError(
                f"MitreAttackData(src={type(src).__name__}): navlayer.compat reads bundles itself; "
                "pass stix_filepath= or src=navlayer.Catalogue.load(path) instead of a stix2 MemoryStore"
            )
        self._core = CompatCore(catalogue)

    @property
    def catalogue(self) -> Catalogue:
        """The :class:`navlayer.Catalogue` behind this object (navlayer's own API)."""
        return self._core.catalogue

    @property
    def src(self) -> Any:
        raise NotImplementedError(
            "MitreAttackData.src: navlayer.compat has no stix2 MemoryStore; use the query methods, "
            "or .catalogue for navlayer's own API"
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("get_") or name.startswith("all_"):
            raise NotImplementedError(
                f"MitreAttackData.{name} is not provided by navlayer.compat "
                "(it covers every public method of mitreattack-python 6.x's MitreAttackData)"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        c = self._core.catalogue
        return f"<navlayer.compat.MitreAttackData {c.domain} {c.release}>"

    # --- utilities ---

    def print_stix_object(self, obj: Any, pretty: bool = True) -> None:
        """Print a STIX object as JSON."""
        if hasattr(obj, "serialize"):
            print(obj.serialize(pretty))
        else:
            print(StixObject(obj).serialize(pretty))

    @staticmethod
    def get_field(obj: Any, field: str, default: Any = None) -> Any:
        """A field of a dict, or an attribute of an object."""
        if isinstance(obj, dict):
            return obj.get(field, default)
        return getattr(obj, field, default)

    def remove_revoked_deprecated(self, stix_objects: List[Any]) -> List[Any]:
        """``stix_objects`` without the revoked and deprecated ones."""
        return [
            x
            for x in stix_objects
            if x.get("x_mitre_deprecated", False) is False and x.get("revoked", False) is False
        ]

    # --- STIX objects ---

    def get_matrices(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All matrix objects."""
        return self.get_objects_by_type("x-mitre-matrix", remove_revoked_deprecated)

    def get_tactics(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All tactics."""
        return self.get_objects_by_type("x-mitre-tactic", remove_revoked_deprecated)

    def get_techniques(
        self, include_subtechniques: bool = True, remove_revoked_deprecated: bool = False
    ) -> List[StixObject]:
        """All techniques (and sub-techniques, unless ``include_subtechniques=False``)."""
        return self._core.techniques(True, include_subtechniques, remove_revoked_deprecated)

    def get_subtechniques(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All sub-techniques."""
        return self._core.techniques(False, True, remove_revoked_deprecated)

    def get_mitigations(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All mitigations."""
        return self.get_objects_by_type("course-of-action", remove_revoked_deprecated)

    def get_groups(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All groups."""
        return self.get_objects_by_type("intrusion-set", remove_revoked_deprecated)

    def get_software(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All software: tools, then malware."""
        software = self.get_objects_by_type("tool", remove_revoked_deprecated)
        software.extend(self.get_objects_by_type("malware", remove_revoked_deprecated))
        return software

    def get_campaigns(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All campaigns."""
        return self.get_objects_by_type("campaign", remove_revoked_deprecated)

    def get_assets(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All assets."""
        return self.get_objects_by_type("x-mitre-asset", remove_revoked_deprecated)

    def get_datasources(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All data sources."""
        return self.get_objects_by_type("x-mitre-data-source", remove_revoked_deprecated)

    def get_datacomponents(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All data components."""
        return self.get_objects_by_type("x-mitre-data-component", remove_revoked_deprecated)

    def get_analytics(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All analytics (ATT&CK v18+)."""
        return self.get_objects_by_type("x-mitre-analytic", remove_revoked_deprecated)

    def get_detectionstrategies(self, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """All detection strategies (ATT&CK v18+)."""
        return self.get_objects_by_type("x-mitre-detection-strategy", remove_revoked_deprecated)

    # --- STIX objects by value ---

    def get_objects_by_type(self, stix_type: str, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """Objects of one STIX type, in bundle order."""
        return self._core.objects_by_type(stix_type, remove_revoked_deprecated)

    def get_objects_by_content(
        self, content: str, object_type: Optional[str] = None, remove_revoked_deprecated: bool = False
    ) -> List[StixObject]:
        """Objects whose description contains ``content`` (ignoring case)."""
        if object_type and object_type not in self.stix_types and object_type != "relationship":
            raise ValueError(f"object_type must be one of {self.stix_types} or 'relationship'")
        return self._core.by_content(content, object_type or None, remove_revoked_deprecated)

    def get_techniques_by_platform(self, platform: str, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """Techniques on a platform (exact name, e.g. ``"Linux"``)."""
        return self._core.by_platform(platform, remove_revoked_deprecated)

    def get_techniques_by_tactic(
        self, tactic_shortname: str, domain: str, remove_revoked_deprecated: bool = False
    ) -> List[StixObject]:
        """Techniques of a tactic by its short name (``"defense-evasion"``) in a domain."""
        if domain not in _DOMAIN_KILL_CHAINS:
            raise ValueError(f"domain must be one of {_DOMAIN_KILL_CHAINS.keys()}")
        if domain != self._core.catalogue.domain:
            return []
        return self._core.by_tactic(tactic_shortname, remove_revoked_deprecated)

    def get_tactics_by_matrix(self) -> Dict[str, List[StixObject]]:
        """Matrix name → its tactics, in matrix order."""
        return self._core.tactics_by_matrix()

    def get_tactics_by_technique(self, stix_id: str) -> List[StixObject]:
        """The tactics of a technique."""
        self._require(stix_id)
        return self._core.tactics_by_technique(stix_id)

    def get_procedure_examples_by_technique(self, stix_id: str) -> List[StixObject]:
        """The ``uses`` relationships targeting a technique (its procedure examples)."""
        return self._core.procedure_examples(stix_id)

    def get_objects_created_after(
        self, timestamp: str, remove_revoked_deprecated: bool = False
    ) -> List[StixObject]:
        """Objects created after a timestamp (``"2018-10-01T00:14:20.652Z"``)."""
        return self._core.created_after(timestamp, remove_revoked_deprecated)

    def get_objects_modified_after(self, date: str, remove_revoked_deprecated: bool = False) -> List[StixObject]:
        """Objects modified after a date (``"2022-10-01"``, ``"October 1, 2022"``, …)."""
        return self._core.modified_after(_normalise_date(date), remove_revoked_deprecated)

    def get_techniques_used_by_group_software(self, group_stix_id: str) -> List[StixObject]:
        """Techniques used by the software a group uses."""
        return self._core.techniques_used_by_group_software(group_stix_id)

    def get_analytics_by_detection_strategy(
        self, detection_strategy_stix_id: str, remove_revoked_deprecated: bool = False
    ) -> List[StixObject]:
        """The analytics a detection strategy references."""
        self._require(detection_strategy_stix_id)
        return self._core.analytics_by_detection_strategy(detection_strategy_stix_id, remove_revoked_deprecated)

    # --- one STIX object ---

    def _require(self, stix_id: str) -> StixObject:
        found = self._core.by_stix_id(stix_id)
        if not found:
            raise ValueError(f"{stix_id} not found")
        return found

    def get_object_by_stix_id(self, stix_id: str) -> StixObject:
        """The object (or relationship) with this STIX id; ``ValueError`` when there is none."""
        return self._require(stix_id)

    def get_object_by_attack_id(self, attack_id: str, stix_type: str) -> Optional[StixObject]:
        """The object of a STIX type with this ATT&CK ID (any case), or ``None``."""
        if stix_type not in self.stix_types:
            raise ValueError(f"stix_type must be one of {self.stix_types}")
        # mitreattack-python matches the ID upper-cased, exactly, against any external reference
        # (so "ics-attack", a matrix's lower-case ID, is never found, and CAPEC IDs are).
        wanted = attack_id.upper()

        def matches(obj: StixObject) -> bool:
            return any(ref.get("external_id") == wanted for ref in obj.get("external_references", ()))

        found = self._core.by_attack_id(attack_id, stix_type)
        if found is not None and matches(found):
            return found
        for obj in self._core.objects_by_type(stix_type, False):
            if matches(obj):
                return obj
        return None

    def get_objects_by_name(self, name: str, stix_type: str) -> List[StixObject]:
        """Objects of a STIX type with exactly this name (case-sensitive)."""
        if stix_type not in self.stix_types:
            raise ValueError(f"stix_type must be one of {self.stix_types}")
        return self._core.by_name(name, stix_type)

    def get_groups_by_alias(self, alias: str) -> List[StixObject]:
        """Groups with this alias (case-sensitive)."""
        return self._core.by_alias(alias, ["intrusion-set"])

    def get_campaigns_by_alias(self, alias: str) -> List[StixObject]:
        """Campaigns with this alias (case-sensitive)."""
        return self._core.by_alias(alias, ["campaign"])

    def get_software_by_alias(self, alias: str) -> List[StixObject]:
        """Software with this alias (case-sensitive): malware, then tools."""
        return self._core.by_alias(alias, ["malware", "tool"])

    # --- object information ---

    def get_attack_id(self, stix_id: str) -> Optional[str]:
        """The ATT&CK ID of an object (from its first external reference), or ``None``."""
        obj = self.get_object_by_stix_id(stix_id)
        refs = self.get_field(obj, "external_references", [])
        if refs:
            first = refs[0]
            if first.get("external_id") and first.get("source_name") == "mitre-attack":
                return first["external_id"]
        return None

    def get_stix_type(self, stix_id: str) -> str:
        """The STIX type named by a STIX id."""
        return stix_id.split("--", 1)[0]

    def get_name(self, stix_id: str) -> Optional[str]:
        """The name of an object, or ``None``."""
        return self.get_field(self.get_object_by_stix_id(stix_id), "name")

    # --- relationships ---

    def get_related(
        self, source_type: str, relationship_type: str, target_type: str, reverse: bool = False
    ) -> RelationshipMap:
        """Map of source STIX id → entries of active related targets (reverse: target → sources)."""
        return self._core.related_general(source_type, relationship_type, target_type, reverse)

    def merge(self, map_a: RelationshipMap, map_b: RelationshipMap) -> RelationshipMap:
        """``map_b``'s entries appended to ``map_a``'s (in place); returns ``map_a``."""
        for stix_id, entries in map_b.items():
            if stix_id in map_a:
                map_a[stix_id].extend(entries)
            else:
                map_a[stix_id] = entries
        return map_a

    def add_inherited_campaign_relationships(
        self,
        related_campaigns: RelationshipMap,
        inherited_campaign_relationships: RelationshipMap,
        object_relationships: RelationshipMap,
    ) -> RelationshipMap:
        """Entries inherited through campaigns added to ``object_relationships``, deduplicated."""
        for stix_id, campaigns in related_campaigns.items():
            for campaign in campaigns:
                for inherited in inherited_campaign_relationships.get(campaign["object"]["id"], []):
                    entry = {
                        "object": inherited["object"],
                        "relationships": inherited["relationships"] + campaign["relationships"],
                    }
                    object_relationships.setdefault(stix_id, []).append(entry)
        return self.remove_duplicates(object_relationships)

    def remove_duplicates(self, relationship_map: RelationshipMap) -> RelationshipMap:
        """One entry per related object, its relationships joined, first position kept."""
        out: RelationshipMap = {}
        for stix_id, entries in relationship_map.items():
            merged: List[RelationshipEntry] = []
            position: Dict[str, int] = {}
            for entry in entries:
                key = entry["object"]["id"]
                if key in position:
                    kept = merged[position[key]]
                    kept["relationships"] = kept["relationships"] + entry["relationships"]
                else:
                    position[key] = len(merged)
                    merged.append(entry)
            out[stix_id] = merged
        return out

    # --- pair queries: {"object": …, "relationships": […]} entries, and get_all_ maps ---

    def get_all_software_used_by_all_groups(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_software_used_by_group`, for every object that has any."""
        return self._core.related_map("software_used_by_group")

    def get_software_used_by_group(self, group_stix_id: str) -> List[RelationshipEntry]:
        """Software used by a group and by the campaigns attributed to it."""
        return self._core.related("software_used_by_group", group_stix_id)

    def get_all_groups_using_all_software(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_groups_using_software`, for every object that has any."""
        return self._core.related_map("groups_using_software")

    def get_groups_using_software(self, software_stix_id: str) -> List[RelationshipEntry]:
        """Groups using a software, directly or through attributed campaigns."""
        return self._core.related("groups_using_software", software_stix_id)

    def get_all_software_used_by_all_campaigns(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_software_used_by_campaign`, for every object that has any."""
        return self._core.related_map("software_used_by_campaign")

    def get_software_used_by_campaign(self, campaign_stix_id: str) -> List[RelationshipEntry]:
        """Software used by a campaign."""
        return self._core.related("software_used_by_campaign", campaign_stix_id)

    def get_all_campaigns_using_all_software(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_campaigns_using_software`, for every object that has any."""
        return self._core.related_map("campaigns_using_software")

    def get_campaigns_using_software(self, software_stix_id: str) -> List[RelationshipEntry]:
        """Campaigns using a software."""
        return self._core.related("campaigns_using_software", software_stix_id)

    def get_all_groups_attributing_to_all_campaigns(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_groups_attributing_to_campaign`, for every object that has any."""
        return self._core.related_map("groups_attributing_to_campaign")

    def get_groups_attributing_to_campaign(self, campaign_stix_id: str) -> List[RelationshipEntry]:
        """Groups a campaign is attributed to."""
        return self._core.related("groups_attributing_to_campaign", campaign_stix_id)

    def get_all_campaigns_attributed_to_all_groups(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_campaigns_attributed_to_group`, for every object that has any."""
        return self._core.related_map("campaigns_attributed_to_group")

    def get_campaigns_attributed_to_group(self, group_stix_id: str) -> List[RelationshipEntry]:
        """Campaigns attributed to a group."""
        return self._core.related("campaigns_attributed_to_group", group_stix_id)

    def get_all_techniques_used_by_all_groups(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_used_by_group`, for every object that has any."""
        return self._core.related_map("techniques_used_by_group")

    def get_techniques_used_by_group(self, group_stix_id: str) -> List[RelationshipEntry]:
        """Techniques used by a group and by the campaigns attributed to it."""
        return self._core.related("techniques_used_by_group", group_stix_id)

    def get_all_groups_using_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_groups_using_technique`, for every object that has any."""
        return self._core.related_map("groups_using_technique")

    def get_groups_using_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Groups using a technique, directly or through attributed campaigns."""
        return self._core.related("groups_using_technique", technique_stix_id)

    def get_all_techniques_used_by_all_campaigns(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_used_by_campaign`, for every object that has any."""
        return self._core.related_map("techniques_used_by_campaign")

    def get_techniques_used_by_campaign(self, campaign_stix_id: str) -> List[RelationshipEntry]:
        """Techniques used by a campaign."""
        return self._core.related("techniques_used_by_campaign", campaign_stix_id)

    def get_all_campaigns_using_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_campaigns_using_technique`, for every object that has any."""
        return self._core.related_map("campaigns_using_technique")

    def get_campaigns_using_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Campaigns using a technique."""
        return self._core.related("campaigns_using_technique", technique_stix_id)

    def get_all_techniques_used_by_all_software(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_used_by_software`, for every object that has any."""
        return self._core.related_map("techniques_used_by_software")

    def get_techniques_used_by_software(self, software_stix_id: str) -> List[RelationshipEntry]:
        """Techniques used by a software."""
        return self._core.related("techniques_used_by_software", software_stix_id)

    def get_all_software_using_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_software_using_technique`, for every object that has any."""
        return self._core.related_map("software_using_technique")

    def get_software_using_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Software using a technique."""
        return self._core.related("software_using_technique", technique_stix_id)

    def get_all_techniques_mitigated_by_all_mitigations(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_mitigated_by_mitigation`, for every object that has any."""
        return self._core.related_map("techniques_mitigated_by_mitigation")

    def get_techniques_mitigated_by_mitigation(self, mitigation_stix_id: str) -> List[RelationshipEntry]:
        """Techniques a mitigation mitigates."""
        return self._core.related("techniques_mitigated_by_mitigation", mitigation_stix_id)

    def get_all_mitigations_mitigating_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_mitigations_mitigating_technique`, for every object that has any."""
        return self._core.related_map("mitigations_mitigating_technique")

    def get_mitigations_mitigating_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Mitigations of a technique."""
        return self._core.related("mitigations_mitigating_technique", technique_stix_id)

    def get_all_parent_techniques_of_all_subtechniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_parent_technique_of_subtechnique`, for every object that has any."""
        return self._core.related_map("parent_technique_of_subtechnique")

    def get_parent_technique_of_subtechnique(self, subtechnique_stix_id: str) -> List[RelationshipEntry]:
        """The parent technique of a sub-technique (a list)."""
        return self._core.related("parent_technique_of_subtechnique", subtechnique_stix_id)

    def get_all_subtechniques_of_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_subtechniques_of_technique`, for every object that has any."""
        return self._core.related_map("subtechniques_of_technique")

    def get_subtechniques_of_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Sub-techniques of a technique."""
        return self._core.related("subtechniques_of_technique", technique_stix_id)

    def get_all_techniques_detected_by_all_datacomponents(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_detected_by_datacomponent`, for every object that has any."""
        return self._core.related_map("techniques_detected_by_datacomponent")

    def get_techniques_detected_by_datacomponent(self, datacomponent_stix_id: str) -> List[RelationshipEntry]:
        """Techniques a data component detects."""
        return self._core.related("techniques_detected_by_datacomponent", datacomponent_stix_id)

    def get_all_datacomponents_detecting_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_datacomponents_detecting_technique`, for every object that has any."""
        return self._core.related_map("datacomponents_detecting_technique")

    def get_datacomponents_detecting_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Data components that detect a technique."""
        return self._core.related("datacomponents_detecting_technique", technique_stix_id)

    def get_all_techniques_targeting_all_assets(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_targeting_asset`, for every object that has any."""
        return self._core.related_map("techniques_targeting_asset")

    def get_techniques_targeting_asset(self, asset_stix_id: str) -> List[RelationshipEntry]:
        """Techniques that target an asset."""
        return self._core.related("techniques_targeting_asset", asset_stix_id)

    def get_all_assets_targeted_by_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_assets_targeted_by_technique`, for every object that has any."""
        return self._core.related_map("assets_targeted_by_technique")

    def get_assets_targeted_by_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Assets a technique targets."""
        return self._core.related("assets_targeted_by_technique", technique_stix_id)

    def get_all_detection_strategies_detecting_all_techniques(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_detection_strategies_detecting_technique`, for every object that has any."""
        return self._core.related_map("detection_strategies_detecting_technique")

    def get_detection_strategies_detecting_technique(self, technique_stix_id: str) -> List[RelationshipEntry]:
        """Detection strategies that detect a technique."""
        return self._core.related("detection_strategies_detecting_technique", technique_stix_id)

    def get_all_techniques_detected_by_all_detection_strategies(self) -> RelationshipMap:
        """STIX id → entries of :meth:`get_techniques_detected_by_detection_strategy`, for every object that has any."""
        return self._core.related_map("techniques_detected_by_detection_strategy")

    def get_techniques_detected_by_detection_strategy(self, detection_strategy_stix_id: str) -> List[RelationshipEntry]:
        """Techniques a detection strategy detects."""
        return self._core.related("techniques_detected_by_detection_strategy", detection_strategy_stix_id)

    def get_revoking_object(self, revoked_stix_id: str = "") -> Optional[StixObject]:
        """The object that replaced (revoked) this one, or ``None``."""
        return self._core.revoking_object(revoked_stix_id)
