"""STIX objects as :mod:`navlayer.compat` returns them.

mitreattack-python returns ``stix2`` objects: read-only mappings whose properties are reachable
both as keys (``obj["name"]``) and as attributes (``obj.name``), with nested mappings for external
references and kill chain phases, and timestamps as timezone-aware datetimes. :class:`StixObject`
behaves the same way and is a real :class:`dict` (``json.dumps`` works on it).
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

__all__ = ["StixObject"]

class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, _dt.datetime):
            # STIX timestamps: UTC, millisecond precision, "Z".
            text = o.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
            return text[:-3] + "Z"
        return super().default(o)


def _read_only(self: "StixObject", *args: Any, **kwargs: Any) -> Any:
    raise TypeError(
        "STIX objects returned by navlayer.compat are read-only (as stix2's are); "
        "make a mutable copy with dict(obj) or copy.deepcopy(obj)"
    )


class StixObject(dict):
    """A read-only STIX object: a ``dict`` whose keys are also attributes.

    ``obj["name"]``, ``obj.name``, ``obj.get("x_mitre_platforms", [])``, ``"revoked" in obj`` and
    ``obj.external_references[0].external_id`` work as on a stix2 object; a missing property
    raises ``KeyError`` / ``AttributeError`` as stix2 does. ``created``, ``modified``,
    ``first_seen`` and ``last_seen`` are timezone-aware :class:`datetime.datetime` values, as in
    stix2. Objects are shared between calls: changing one raises ``TypeError``; ``dict(obj)`` gives
    a mutable copy.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} {dict.get(self, 'id', '')!s} has no property {name!r}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        _read_only(self)

    def __delattr__(self, name: str) -> None:
        _read_only(self)

    __setitem__ = _read_only
    __delitem__ = _read_only
    __ior__ = _read_only
    clear = _read_only
    pop = _read_only
    popitem = _read_only
    setdefault = _read_only
    update = _read_only

    def __reduce__(self) -> Any:
        return (StixObject, (dict(self),))

    def __copy__(self) -> "StixObject":
        return self

    def __deepcopy__(self, memo: Any) -> dict:
        import copy

        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def serialize(self, pretty: bool = False, **kwargs: Any) -> str:
        """The object as JSON text (stix2's ``serialize``): ``pretty`` indents by 4 spaces;
        other keyword arguments go to :func:`json.dumps`."""
        if pretty:
            kwargs.setdefault("indent", 4)
        return json.dumps(self, cls=_Encoder, **kwargs)
