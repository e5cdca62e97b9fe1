"""Type stubs of the extension module navlayer._navlayer (re-exported by ``navlayer``)."""

import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

from navlayer._stix import StixObject

__version__: str

PathLike = Union[str, "os.PathLike[str]"]
Json = Dict[str, Any]
"""A JSON object as plain Python values (dict, list, str, int, float, bool, None)."""

class Catalogue:
    """One ATT&CK release of one domain: every object and relationship of a STIX 2.0 / 2.1 bundle,
    indexed. Immutable and thread-safe; share one between threads and layers."""

    @staticmethod
    def load(
        path: Optional[PathLike] = None,
        *,
        release: Optional[Union[str, float]] = None,
        domain: str = "enterprise",
        data: Optional[PathLike] = None,
        offline: Optional[bool] = None,
        cache_dir: Optional[PathLike] = None,
    ) -> "Catalogue":
        """Loads a release, releasing the interpreter while it reads.

        ``path``: a bundle file (``.json`` or ``.json.gz``) or a folder of
        ``<domain>-attack-<X.Y>.json`` files. Without it, as the ``navlayer`` CLI does: ``data=``
        (or ``$NAVLAYER_DATA``), else the per-user cache (``cache_dir=`` or ``$NAVLAYER_CACHE``),
        else the release is downloaded from MITRE into the cache, unless ``offline=True`` (or
        ``$NAVLAYER_OFFLINE=1``). ``release`` (``"18.1"``; default the newest found) and
        ``domain`` (``enterprise``, ``mobile``, ``ics``) pick the bundle in a folder or the cache.

        Raises:
            DataError: no such bundle, not a STIX bundle, invalid JSON (``line``, ``column``),
                download failed.
            ValueError: an unknown domain or a malformed release.
        """
    @property
    def domain(self) -> str:
        """``enterprise-attack``, ``mobile-attack`` or ``ics-attack``."""
    @property
    def release(self) -> str:
        """The ATT&CK release, e.g. ``"18.1"``."""
    @property
    def spec_version(self) -> str:
        """The STIX version of the bundle (``"2.0"`` or ``"2.1"``)."""
    @property
    def path(self) -> Optional[str]:
        """The bundle file read."""
    def __len__(self) -> int:
        """Number of objects (relationships not counted)."""
    def __contains__(self, id: str) -> bool:
        """True for an ATT&CK ID (any case) or STIX id of the release."""
    def object(self, id: str) -> Json:
        """The STIX object with this ATT&CK ID (``"T1059.001"``, any case) or STIX id, as a
        plain dict exactly as the bundle has it (every property, timestamps as text).

        Raises:
            DataError: no such ID (``kind="unknown-id"``; the message names the closest IDs).
        """
    def get(self, id: str, default: Any = None) -> Optional[Json]:
        """Like :meth:`object`, returning ``default`` for an unknown ID."""
    def show(self, id: str) -> Json:
        """The summary ``navlayer show ID --format json`` prints: ``id``, ``stix_id``, ``name``,
        ``type``, ``status``, ``version``, ``url``, ``domain``, ``release``, ``tactics``,
        ``platforms``, ``aliases``, ``parent``, ``subtechniques``, ``revoked_by``, ``related``
        (counts of active related objects by relationship) and ``description``."""
    def objects(
        self,
        kind: Optional[str] = None,
        *,
        include_revoked: bool = False,
        include_deprecated: bool = False,
    ) -> List[Json]:
        """STIX objects in bundle order, active ones unless asked otherwise. ``kind``: a kind
        (``technique``, ``sub-technique``, ``tactic``, ``mitigation``, ``group``, ``software``,
        ``malware``, ``tool``, ``campaign``, ``data source``, ``data component``,
        ``detection strategy``, ``analytic``, ``asset``, ``matrix``, ``collection``) or a STIX type
        (``attack-pattern``: techniques and sub-techniques)."""
    def techniques(
        self,
        *,
        mitigated_by: Optional[str] = None,
        used_by: Optional[str] = None,
        include_campaigns: bool = False,
        detected_by: Optional[str] = None,
        targeting: Optional[str] = None,
        tactic: Optional[str] = None,
        platform: Optional[str] = None,
    ) -> List[Json]:
        """Active techniques and sub-techniques matching every filter given, as
        ``navlayer query techniques``: mitigated by a mitigation, used by a group / software /
        campaign (with ``include_campaigns``, a group's campaigns too), detected by a data
        component / source / detection strategy / analytic, targeting an asset (ICS), in a
        tactic (ID, short name or name), on a platform (any case). No filter: every active
        technique.

        Raises:
            DataError: an unknown ID, tactic or platform (the message lists what exists).
        """
    def tactics(self) -> List[Json]:
        """Active tactics in matrix order."""
    def platforms(self) -> List[str]:
        """Every platform of an active technique, sorted."""
    def suggest(self, text: str, limit: int = 5) -> List[str]:
        """Up to ``limit`` IDs and names closest to ``text`` ("did you mean")."""
    def counts(self) -> Dict[str, Dict[str, int]]:
        """Per kind of object: ``active``, ``revoked``, ``deprecated`` and ``total`` (as
        ``navlayer data info``)."""

class Finding:
    """One problem (or note) about a layer."""

    @property
    def severity(self) -> Literal["error", "warning", "info"]: ...
    @property
    def pointer(self) -> str:
        """JSON pointer (RFC 6901) into the file; ``""`` for the whole document."""
    @property
    def message(self) -> str: ...
    def to_dict(self) -> Dict[str, str]:
        """``{"severity": …, "pointer": …, "message": …}``."""

class Layer:
    """An ATT&CK Navigator layer, upgraded to format 4.5. Immutable: to change one, edit
    ``to_dict()`` and read it back with ``Layer.read(dict)``."""

    @staticmethod
    def read(source: Union[PathLike, Mapping[str, Any], Sequence[Any], str, bytes], *, index: Optional[int] = None) -> "Layer":
        """Reads a layer of any Navigator format (1.x – 4.5, UTF-8 or UTF-16): a file path, a
        dict, JSON text (a ``str`` starting with ``{`` or ``[``) or bytes. A file holding several
        layers needs ``index`` (or use :meth:`read_all`). Problems inside a readable layer are
        :attr:`findings`, not exceptions.

        Raises:
            LayerError: unreadable file, too large, bad encoding, invalid JSON (``line``,
                ``column``), not a layer (``pointer``), several layers without ``index``.
        """
    @staticmethod
    def read_all(source: Union[PathLike, Mapping[str, Any], Sequence[Any], str, bytes]) -> List["Layer"]:
        """Every layer of a file (one, or a JSON array of layers)."""
    @property
    def name(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def attack_version(self) -> Optional[str]:
        """``versions.attack``."""
    @property
    def original_version(self) -> Optional[str]:
        """The format version the source declared (``"4.2"``, ``"3.0"`` …)."""
    @property
    def upgrades(self) -> List[str]:
        """What the upgrade to 4.5 changed, in plain English."""
    @property
    def findings(self) -> List[Finding]:
        """Problems found while reading (mistyped, dropped or duplicate values, bad colours …),
        with pointers into the source."""
    @property
    def technique_ids(self) -> List[str]: ...
    def __len__(self) -> int:
        """Number of technique entries."""
    def validate(self, catalogue: Optional[Catalogue] = None) -> List[Finding]:
        """The reading findings plus, with a catalogue, the checks against that release
        (unknown, revoked or deprecated techniques, tactics, platforms, ``versions.attack``)."""
    def is_valid(self, catalogue: Optional[Catalogue] = None) -> bool:
        """True when :meth:`validate` finds no error (what ``navlayer validate`` exits 0 for)."""
    def to_dict(self) -> Json:
        """The layer as format 4.5 JSON values."""
    def to_json(self, *, compact: bool = False) -> str:
        """Format 4.5 JSON text (indented by 4 spaces, as the Navigator writes, unless
        ``compact``)."""
    def write(self, path: PathLike, *, force: bool = False, compact: bool = False) -> None:
        """Writes :meth:`to_json` atomically (temporary file, then rename).

        Raises:
            FileExistsError: ``path`` exists and ``force`` is false.
            OSError: ``path`` is not a regular file, or writing failed.
        """
    def render(
        self,
        format: Literal["svg", "png", "pdf", "html", "xlsx", "csv", "md"] = "svg",
        *,
        catalogue: Optional[Catalogue] = None,
        layout: Optional[Literal["side", "flat", "mini"]] = None,
        show_id: Optional[bool] = None,
        show_name: Optional[bool] = None,
        subtechniques: Optional[Literal["all", "expanded", "annotated", "none"]] = None,
        annotated_only: bool = False,
        page: str = "letter",
        orientation: Literal["landscape", "portrait"] = "landscape",
        fit: Literal["page", "auto"] = "page",
        min_font_size: Optional[float] = None,
        font_size: Optional[float] = None,
        theme: Literal["light", "dark"] = "light",
        header: Union[bool, Dict[str, bool]] = True,
        legend: bool = True,
        scores: Union[bool, Literal["in-cell", "none"]] = True,
        marks: Optional[Dict[str, Any]] = None,
        pages: Literal["single", "per-matrix"] = "single",
        dpi: float = 150.0,
        embed_font: bool = False,
    ) -> bytes:
        """The layer drawn over ``catalogue`` (default: the newest release of its domain, found
        as :meth:`Catalogue.load` does), as ``navlayer render`` draws it, with its options.
        Releases the interpreter while it renders. ``page``: letter, legal, a4, a3, 11x17,
        18x24, 24x36, or WIDTHxHEIGHT in inches (``13.3x7.5``) or mm (``297x210mm``);
        ``fit="auto"``: the smallest preset at which cell text stays at ``min_font_size``
        (6 pt) or more. ``header`` parts: show, about, domain, platforms, legend, gradient;
        ``marks``: underline, comment_color, metadata_color, link_color, subtechnique_counts.

        Raises:
            TypeError: an unknown option.
            ValueError: an unknown format or option value.
            RenderError: an output backend failed.
        """

def generate(
    catalogue: Catalogue,
    kind: Literal["mitigation", "group", "software", "campaign", "asset"],
    id: str,
    *,
    navigator_version: str = "5.3.2",
    layer_version: str = "4.5",
) -> Layer:
    """attack.mitre.org's layer of one object: the techniques a mitigation mitigates, a group
    (and its campaigns), a software or a campaign uses, that target an asset.

    Raises:
        DataError: unknown ID.
        GenerateError: the object is of another kind, revoked, or has no techniques.
    """

def generate_json(
    catalogue: Catalogue,
    kind: Literal["mitigation", "group", "software", "campaign", "asset"],
    id: str,
    *,
    navigator_version: str = "5.3.2",
    layer_version: str = "4.5",
) -> str:
    """The same layer as the exact text attack.mitre.org publishes, byte for byte."""

def combine(
    expr: str,
    layers: Sequence[Layer],
    *,
    name: Optional[str] = None,
    inherit: Optional[Union[str, int, Mapping[str, Union[str, int]]]] = None,
    catalogue: Optional[Catalogue] = None,
) -> Layer:
    """A layer whose scores ``expr`` computes from the layers' scores, the layers being ``a``,
    ``b``, ``c`` … in order (the Navigator's "create layer from other layers"; see
    docs/combine.md). ``inherit``: a layer (``"a"`` or 0) to take comments, colours, links,
    metadata, enabled state, filters, legend and gradient from, or a dict per field
    (``{"comments": "b", "gradient": "a"}``). ``catalogue``: needed by constant expressions.

    Raises:
        OpsError: the expression does not parse (``column``) or evaluate, the layers do not
            share a domain.
    """

def diff(a: Layer, b: Layer) -> Json:
    """What changed from ``a`` to ``b``: ``{"from", "to", "added", "removed", "changed"}``."""

def diff_layer(a: Layer, b: Layer) -> Layer:
    """The diff as a layer: added techniques green, removed red, changed yellow."""

def stats(layer: Layer, catalogue: Catalogue) -> Json:
    """Coverage per tactic against a release (``navlayer stats``)."""

def filter_platforms(layer: Layer, catalogue: Catalogue, platforms: Sequence[str]) -> Layer:
    """The layer with only the techniques of these platforms (``navlayer filter``)."""

def migrate(
    layer: Layer,
    source: Catalogue,
    target: Catalogue,
    *,
    keep_deprecated: bool = False,
    keep_unknown: bool = False,
) -> Tuple[Layer, Json]:
    """The layer moved from release ``source`` to release ``target`` (revoked techniques
    replaced, moved IDs and tactics followed, see docs/migrate.md), and the report on every
    entry.

    Raises:
        MigrateError: the releases or the layer are of different domains.
    """

def release_diff(source: Catalogue, target: Catalogue, *, format: Literal["dict", "json", "md"] = "dict") -> Union[Json, str]:
    """What changed between two releases of one domain (``navlayer release-diff``)."""

CoverageFormat = Literal["sigma", "elastic", "splunk", "atomic", "mappings", "list", "stix"]

def coverage(
    format: CoverageFormat,
    paths: Union[PathLike, Sequence[PathLike]],
    catalogue: Catalogue,
    *,
    name: Optional[str] = None,
    description: Optional[str] = None,
    source: Optional[str] = None,
    score: Literal["auto", "count", "max", "sum"] = "auto",
    weight: Optional[
        Literal["level", "level-score", "risk-score", "severity", "confidence", "impact", "score-value", "score"]
    ] = None,
    platforms: Sequence[str] = (),
    subtechniques: Literal["auto", "separate", "parent", "rollup"] = "auto",
    tactics: Literal["auto", "all", "tagged"] = "auto",
    keep_unknown: bool = False,
    include_deprecated: bool = False,
    min_level: Optional[str] = None,
    min_status: Optional[str] = None,
    mappings: Optional[Mapping[str, Sequence[str]]] = None,
    comment_limit: int = 10,
    max_score: Optional[float] = None,
    colors: Optional[Sequence[str]] = None,
    limits: Optional[Mapping[str, int]] = None,
) -> Tuple[Layer, Json]:
    """A coverage layer from detection rules, tests, control mappings, ID lists or STIX reports
    (``navlayer coverage FORMAT PATH…``), and the report accounting for every file (the JSON of
    ``--report json``: ``totals``, ``files`` with ``outcome``, ``reason``, ``line``, ``column``,
    ``ids``, ``techniques``, ``tactics``).

    ``paths``: files and folders, walked as the CLI walks them (sorted, hidden entries and
    links to folders not followed, bounded by ``limits``: ``max_file_bytes``,
    ``max_total_bytes``, ``max_files``, ``max_depth``). A file that fails to parse does not
    raise: it is in the report (``totals["failed"]``) and the layer has the others. The options
    are the CLI's, snake_case: ``score="sum", weight="level"``, ``platforms=["Linux"]``,
    ``mappings={"groups": ["AC"], "statuses": ["complete"]}`` (see docs/coverage.md). IDs are
    resolved against ``catalogue``; files made for an older release are migrated from the
    bundle of that release in the catalogue's folder (else where :meth:`Catalogue.load` looks).

    Raises:
        TypeError: an unknown option.
        ValueError: an option value that does not parse (naming the option), an unknown format
            or platform.
        CoverageError: a path that cannot be read (``path``), no input.
    """

def coverage_from_texts(
    format: CoverageFormat,
    files: Union[Mapping[str, str], Sequence[Tuple[str, str]]],
    catalogue: Catalogue,
    **options: Any,
) -> Tuple[Layer, Json]:
    """:func:`coverage` of file contents held in memory: ``{name: text}`` or ``[(name, text)]``
    (the names are what the report shows; extensions do not matter). Same options, same
    result."""

def heatmap(
    catalogue: Catalogue,
    *,
    kinds: Sequence[Literal["groups", "software", "campaigns", "mitigations", "detection-strategies"]] = (),
    only: Sequence[str] = (),
    search: Sequence[str] = (),
    include_campaigns: bool = True,
    since: Optional[str] = None,
    since_field: Literal["modified", "created", "first-seen", "last-seen"] = "modified",
    platforms: Sequence[str] = (),
    name: Optional[str] = None,
    comment_limit: int = 10,
    max_score: Optional[float] = None,
    colors: Optional[Sequence[str]] = None,
) -> Tuple[Layer, Json]:
    """How many groups (or software, campaigns, mitigations, detection strategies) of the release
    use each technique (``navlayer heatmap``), and the report (``counted``, ``rows``,
    ``tactics``). ``only``: ATT&CK IDs to count; ``search``: substrings of names, aliases or
    descriptions; ``since="2024-01-01"``: only uses dated on or after that day.

    Raises:
        TypeError: an unknown option.
        ValueError: an option value that does not parse, a bad date.
        CoverageError: an ``only`` ID that the release does not have.
    """

def gaps(
    threat: Layer,
    coverage: Sequence[Layer],
    catalogue: Catalogue,
    *,
    name: Optional[str] = None,
    min_coverage: float = 0.0,
    include_covered: bool = False,
) -> Tuple[Layer, Json]:
    """The techniques ``threat`` scores that no layer of ``coverage`` covers (``navlayer gaps``),
    ranked and coloured by severity, and the report (``gaps`` with severity, ``tactics``
    totals). An entry covers when its score (1 when unscored) is above ``min_coverage``.

    Raises:
        TypeError: an unknown option.
        ValueError: an option value that does not parse, no coverage layer.
        CoverageError: layers of another domain than the catalogue.
    """

class CompatCore:
    """The engine of :class:`navlayer.compat.MitreAttackData` (private)."""

    def __init__(self, catalogue: Catalogue) -> None: ...
    @property
    def catalogue(self) -> Catalogue: ...
    def __getattr__(self, name: str) -> Any: ...

def _panic_for_tests(message: str, detach: bool = True) -> None:
    """Panics inside the engine (tests prove it becomes InternalError)."""
