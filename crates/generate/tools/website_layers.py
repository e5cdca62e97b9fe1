#!/usr/bin/env python3
"""Independent reference for navlayer-generate: attack.mitre.org's per-object layers, built by
following the website's own code (mitre-attack/attack-website: modules/util/relationshiphelpers.py
`get_related`, modules/util/buildhelpers.py `technique_used_helper` / `get_navigator_layers`, and the
per-type modules mitigations / groups / software / campaigns / assets) on a plain JSON bundle, with
the real `bleach.clean` (bleach 6.0.0, the website's pin) and `json.dumps`.

Dev tool, not part of the build. Needs `pip install bleach==6.0.0`.

  # every layer of a bundle into DIR (file names as on the website)
  python website_layers.py layers BUNDLE.json DIR
  # compare with navlayer's output folder: counts, identical files, first differences
  python website_layers.py compare BUNDLE.json NAVLAYER_DIR
  # random HTML-ish strings through bleach.clean, as JSON [[input, output], ...] (differential tests)
  python website_layers.py bleach-cases N SEED > cases.json
"""

import json
import os
import random
import re
import sys

import bleach

COLOR_MAP = {0: "#ffffff", 1: "#66b1ff", 2: "#ff6666", 3: "#ff66f4"}
DOMAIN_NAME = {"enterprise-attack": "Enterprise", "mobile-attack": "Mobile", "ics-attack": "ICS"}
SOURCE_NAMES = ("mitre-attack", "mitre-mobile-attack", "mitre-ics-attack", "mitre-pre-attack")


def get_attack_id(obj):
    for ref in obj.get("external_references") or []:
        if ref.get("external_id") and ref.get("source_name") in SOURCE_NAMES:
            return ref["external_id"]
    return None


def is_sub_tid(tid):
    return re.match("^T[0-9][0-9][0-9][0-9].[0-9][0-9][0-9]$", tid)


class Site:
    """What the website derives from its memory stores, for one bundle."""

    def __init__(self, bundle_path):
        with open(bundle_path, encoding="utf8") as f:
            bundle = json.load(f)
        # stix2.MemoryStore keyed by id; here: the first object of each id, in bundle order.
        self.objects = []
        seen = set()
        for o in bundle["objects"]:
            if o["id"] in seen:
                continue
            seen.add(o["id"])
            self.objects.append(o)
        self.by_id = {o["id"]: o for o in self.objects}
        matrix = next((o for o in self.objects if o["type"] == "x-mitre-matrix"), None)
        name = os.path.basename(bundle_path)
        self.domain = next(d for d in DOMAIN_NAME if name.startswith(d.split("-")[0] + "-"))
        collection = next((o for o in self.objects if o["type"] == "x-mitre-collection"), None)
        if collection:
            version = collection["x_mitre_version"]
        else:
            version = re.search(r"-attack-([0-9.]+)\.json", name).group(1)
        self.attack_major = version.split(".")[0]
        # stixhelpers.get_technique_id_domain_map
        self.technique_to_domain = {}
        for o in self.objects:
            if o["type"] != "attack-pattern" or o.get("revoked"):
                continue
            tid = get_attack_id(o)
            if tid and (not o.get("x_mitre_domains") or self.domain in o["x_mitre_domains"]):
                self.technique_to_domain[tid] = self.domain
        # grab_resources(["attack-pattern"]) for get_technique_name
        self.technique_list = self.resources(["attack-pattern"])

    def resources(self, types):
        """stixhelpers.grab_resources: non-revoked, one per ATT&CK ID (add_replace_or_ignore)."""
        attack_id_objs = {}
        for t in types:
            for o in self.objects:
                if o["type"] != t or o.get("revoked"):
                    continue
                aid = get_attack_id(o)
                if not aid:
                    continue
                cur = attack_id_objs.get(aid)
                if cur is None:
                    attack_id_objs[aid] = o
                elif not cur.get("x_mitre_deprecated") and o.get("x_mitre_deprecated"):
                    continue
                elif cur.get("x_mitre_deprecated") and not o.get("x_mitre_deprecated"):
                    attack_id_objs[aid] = o
                elif o.get("modified") > cur.get("modified"):
                    attack_id_objs[aid] = o
        return sorted(attack_id_objs.values(), key=lambda k: k["name"].lower())

    def get_related(self, src_type, rel_type, target_type, reverse=False):
        """relationshiphelpers.get_related."""
        id_to_related = {}
        for r in self.objects:
            if r["type"] != "relationship" or r.get("relationship_type") != rel_type:
                continue
            if r.get("revoked") or r.get("x_mitre_deprecated"):
                continue
            if src_type in r["source_ref"] and target_type in r["target_ref"]:
                key, other = (r["target_ref"], r["source_ref"]) if reverse else (r["source_ref"], r["target_ref"])
                id_to_related.setdefault(key, []).append({"relationship": r, "id": other})
        wanted = src_type if reverse else target_type
        id_to_target = {
            o["id"]: o
            for o in self.objects
            if o["type"] == wanted and (wanted.startswith("x-mitre") or not o.get("revoked"))
        }
        return {
            k: [{"object": id_to_target[x["id"]], "relationship": x["relationship"]} for x in v if x["id"] in id_to_target]
            for k, v in id_to_related.items()
        }

    def get_technique_name(self, tid):
        for t in self.technique_list:
            if get_attack_id(t) == tid:
                return t["name"]
        return -1

    # buildhelpers.technique_used_helper (reference lists left out: they do not reach the layer)
    def technique_used_helper(self, technique_list, technique, inherited=False):
        attack_id = get_attack_id(technique["object"])
        if attack_id:
            if attack_id not in technique_list or inherited:
                technique_data = self.get_technique_data_helper(attack_id, technique)
                if not technique_data:
                    return technique_list
                if is_sub_tid(attack_id):
                    parent_id = attack_id.split(".")[0]
                    if parent_id not in technique_list:
                        technique_list[parent_id] = {
                            "domain": self.technique_to_domain[parent_id].split("-")[0],
                            "id": parent_id,
                            "name": self.get_technique_name(parent_id),
                            "technique_used": False,
                            "subtechniques": [],
                        }
                    for subtechnique in technique_list[parent_id]["subtechniques"]:
                        if subtechnique["id"] == technique_data["id"] and inherited:
                            subtechnique["color"] = 3
                            if "descr" in technique_data and "descr" in subtechnique:
                                subtechnique["descr"] += "<p>" + technique_data["descr"] + "</p>"
                            elif "descr" in technique_data:
                                subtechnique["descr"] = technique_data["descr"]
                            break
                    else:
                        technique_data["color"] = 2 if inherited else 1
                        technique_list[parent_id]["subtechniques"].append(technique_data)
                    technique_list[parent_id]["subtechniques"] = sorted(
                        technique_list[parent_id]["subtechniques"], key=lambda k: k["id"]
                    )
                else:
                    if attack_id in technique_list:
                        technique_list[attack_id]["color"] = 3
                        if "descr" in technique_data and "descr" in technique_list[attack_id]:
                            technique_list[attack_id]["descr"] += "<p>" + technique_data["descr"] + "</p>"
                        elif "descr" in technique_data:
                            technique_list[attack_id]["descr"] = technique_data["descr"]
                    else:
                        technique_data["color"] = 2 if inherited else 1
                        technique_list[attack_id] = technique_data
            elif technique_list[attack_id]["technique_used"] == False:
                technique_list[attack_id]["technique_used"] = True
                if technique["relationship"].get("description"):
                    technique_list[attack_id]["descr"] = technique["relationship"]["description"]
        return technique_list

    def get_technique_data_helper(self, attack_id, technique):
        if attack_id not in self.technique_to_domain:
            return {}
        data = {"technique_used": True, "domain": self.technique_to_domain[attack_id].split("-")[0]}
        data["id"] = attack_id.split(".")[1] if is_sub_tid(attack_id) else attack_id
        data["name"] = technique["object"]["name"]
        if technique["relationship"].get("description"):
            data["descr"] = technique["relationship"]["description"]
        data["subtechniques"] = []
        return data

    def techniques_data(self, related, obj, extra=None):
        technique_list = {}
        for technique in related.get(obj["id"], []):
            if not technique["object"].get("x_mitre_deprecated"):
                technique_list = self.technique_used_helper(technique_list, technique)
        inheritance = False
        if extra:
            campaigns, campaign_techniques = extra
            for campaign in campaigns.get(obj["id"], []):
                for technique in campaign_techniques.get(campaign["object"]["id"], []):
                    if not technique["object"].get("x_mitre_deprecated"):
                        inheritance = True
                        technique_list = self.technique_used_helper(technique_list, technique, True)
        data = sorted(technique_list.values(), key=lambda k: k["name"].lower())
        return data, inheritance

    def layer(self, name, attack_id, obj_type, verb, version, techniques_used, inheritance=False):
        """buildhelpers.get_navigator_layers + build_base_layer + get_technique_layer_object,
        for this bundle's domain."""
        layer = {}
        layer["description"] = f"{DOMAIN_NAME[self.domain]} techniques {verb} {name}, ATT&CK {obj_type} {attack_id}"
        if version:
            layer["description"] += f" (v{version})"
        layer["name"] = f"{name} ({attack_id})"
        layer["domain"] = self.domain
        layer["versions"] = {"layer": "4.5", "attack": self.attack_major, "navigator": "5.3.2"}
        layer["techniques"] = []
        layer["gradient"] = {"colors": [COLOR_MAP[0], COLOR_MAP[1]], "minValue": 0, "maxValue": 1}
        layer["legendItems"] = [{"label": f"{verb} {name}", "color": COLOR_MAP[1]}]
        if inheritance:
            layer["legendItems"].extend([
                {"label": f"used by a campaign attributed to {name}", "color": COLOR_MAP[2]},
                {"label": f"used by {name} and used by a campaign attributed to {name}", "color": COLOR_MAP[3]},
            ])
        short = self.domain.split("-")[0]
        for technique in techniques_used:
            description = technique["descr"] if technique.get("descr") else None
            color = technique["color"] if technique.get("color") else 0
            has_subtechniques = True if technique.get("subtechniques") else False
            score = 1 if technique.get("descr") else 0
            obj = layer_object(technique["id"], description, score, color, has_subtechniques)
            if short in technique["domain"]:
                layer["techniques"].append(obj)
            if has_subtechniques:
                for sub in technique["subtechniques"]:
                    sub_descr = sub["descr"] if sub.get("descr") else None
                    sub_color = sub["color"] if sub.get("color") else 0
                    o = layer_object(f"{technique['id']}.{sub['id']}", sub_descr, 1, sub_color, True)
                    if short in technique["domain"]:
                        layer["techniques"].append(o)
        if not layer["techniques"]:
            return None
        return f"{attack_id}-{short}-layer.json", json.dumps(layer)

    def all_layers(self):
        out = {}
        skipped = 0
        uses = lambda src: self.get_related(src, "uses", "attack-pattern")
        kinds = [
            # (objects, related map, type, verb, inheritance extra)
            ([m for m in self.resources(["course-of-action"]) if not m.get("x_mitre_deprecated")],
             self.get_related("course-of-action", "mitigates", "attack-pattern"), "mitigation", "mitigated by", None),
            (self.resources(["intrusion-set"]), uses("intrusion-set"), "group", "used by",
             (self.get_related("campaign", "attributed-to", "intrusion-set", reverse=True), uses("campaign"))),
            (self.resources(["malware", "tool"]), {**uses("malware"), **uses("tool")}, "software", "used by", None),
            (self.resources(["campaign"]), uses("campaign"), "campaign", "used by", None),
            (self.resources(["x-mitre-asset"]),
             self.get_related("attack-pattern", "targets", "x-mitre-asset", reverse=True), "asset", "targeted by", None),
        ]
        for objects, related, obj_type, verb, extra in kinds:
            for obj in objects:
                attack_id = get_attack_id(obj)
                data, inheritance = self.techniques_data(related, obj, extra)
                made = self.layer(obj["name"], attack_id, obj_type, verb, obj.get("x_mitre_version"), data, inheritance)
                if made is None:
                    skipped += 1
                else:
                    out[made[0]] = made[1]
        return out, skipped


def layer_object(attack_id, description, score, color, show_sub=False):
    t = {"techniqueID": attack_id}
    if description:
        t["comment"] = bleach.clean(description, tags=[], strip=True)
    if score:
        t["score"] = score
    if color and color in COLOR_MAP:
        t["color"] = COLOR_MAP[color]
    t["showSubtechniques"] = show_sub
    return t


def bleach_cases(n, seed):
    rng = random.Random(seed)
    atoms = ["<", ">", "&", ";", "/", "!", "-", "?", "=", '"', "'", " ", "\n", "\r", "\t", "\x0b", "\x0c", "\x00",
             "a", "b", "p", "P", "x", "#", "1", "9", "amp", "lt", "gt", "quot", "AElig", "am", "code", "br", "div",
             "DOCTYPE", "doctype", "--", "<!--", "-->", "</", "<p>", "</p>", "<br/>", "<code>", "</code>", "é", "😀",
             "&amp;", "&#x41;", "&#65;", "&#", "x1F", "<username>", "<li>", "<hr>", "li", "h1", "\u212a", "blockquote"]
    cases = []
    for _ in range(n):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 14)))
        cases.append([text, bleach.clean(text, tags=[], strip=True)])
    return cases


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "layers":
        layers, skipped = Site(sys.argv[2]).all_layers()
        os.makedirs(sys.argv[3], exist_ok=True)
        for name, text in layers.items():
            with open(os.path.join(sys.argv[3], name), "w", encoding="utf8") as f:
                f.write(text)
        print(f"{len(layers)} layers, {skipped} objects without techniques")
    elif cmd == "compare":
        layers, skipped = Site(sys.argv[2]).all_layers()
        theirs = {n for n in os.listdir(sys.argv[3]) if n.endswith("-layer.json")}
        same = 0
        diffs = []
        for name, text in layers.items():
            if name in theirs:
                with open(os.path.join(sys.argv[3], name), encoding="utf8") as f:
                    if f.read() == text:
                        same += 1
                        continue
            diffs.append(name)
        extra = sorted(theirs - set(layers))
        print(json.dumps({"bundle": os.path.basename(sys.argv[2]), "reference_layers": len(layers),
                          "reference_skipped": skipped, "navlayer_layers": len(theirs), "identical": same,
                          "different_or_missing": diffs[:20], "only_in_navlayer": extra[:20]}))
        sys.exit(0 if not diffs and not extra else 1)
    elif cmd == "bleach-cases":
        json.dump(bleach_cases(int(sys.argv[2]), int(sys.argv[3])), sys.stdout, ensure_ascii=True)
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
