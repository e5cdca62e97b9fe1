"""Regenerates src/entities.rs from html5lib's entity table (the one bleach uses).

Usage: python tools/gen_entities.py   (from crates/generate, with bleach installed)
"""
from bleach._vendor.html5lib.constants import entities

names = sorted({k.rstrip(";") for k in entities})
out = [
    "//! Names of the HTML5 named character references (without `;`), sorted by byte value.",
    "//!",
    "//! Generated from html5lib's entity table (the one bleach uses) by `tools/gen_entities.py`; do not edit.",
    "",
    '/// Sorted entity names, used for bleach\'s "is a prefix of an entity name" test.',
    "pub(crate) const ENTITY_NAMES: &[&str] = &[",
]
line = "   "
for n in names:
    item = ' "%s",' % n
    if len(line) + len(item) > 100:
        out.append(line)
        line = "   "
    line += item
out.append(line)
out.append("];")
with open("src/entities.rs", "w") as f:
    f.write("\n".join(out) + "\n")
