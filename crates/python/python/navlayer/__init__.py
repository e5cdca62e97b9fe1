"""navlayer: MITRE ATT&CK® data and ATT&CK Navigator layers, fast.

The navlayer engine (Rust) for Python: load an ATT&CK release into a :class:`Catalogue` (well
under a second for enterprise), query it, read / validate / write / render Navigator layers
(:class:`Layer`), generate attack.mitre.org's layers, combine, diff and migrate layers, and
build coverage layers from rule sets, heatmaps and gap analyses (:func:`coverage`,
:func:`heatmap`, :func:`gaps`).
:mod:`navlayer.compat` is a drop-in for mitreattack-python's ``MitreAttackData``.

    >>> import navlayer
    >>> attack = navlayer.Catalogue.load(release="18.1", domain="enterprise")
    >>> layer = navlayer.generate(attack, "group", "G0016")
    >>> svg = layer.render("svg", catalogue=attack)

Long operations (loading, rendering, combining, migrating) release the interpreter, so other
Python threads run meanwhile. Errors are :class:`NavlayerError` subclasses carrying the message,
the file and the JSON pointer.
"""

from navlayer._errors import (
    CoverageError,
    DataError,
    GenerateError,
    InternalError,
    LayerError,
    MigrateError,
    NavlayerError,
    OpsError,
    RenderError,
)
from navlayer._navlayer import (
    Catalogue,
    Finding,
    Layer,
    __version__,
    combine,
    coverage,
    coverage_from_texts,
    diff,
    diff_layer,
    filter_platforms,
    gaps,
    generate,
    generate_json,
    heatmap,
    migrate,
    release_diff,
    stats,
)
from navlayer._stix import StixObject

__all__ = [
    "Catalogue",
    "Layer",
    "Finding",
    "StixObject",
    "generate",
    "generate_json",
    "combine",
    "diff",
    "diff_layer",
    "stats",
    "filter_platforms",
    "migrate",
    "release_diff",
    "coverage",
    "coverage_from_texts",
    "heatmap",
    "gaps",
    "NavlayerError",
    "LayerError",
    "DataError",
    "OpsError",
    "GenerateError",
    "MigrateError",
    "RenderError",
    "CoverageError",
    "InternalError",
    "__version__",
]
