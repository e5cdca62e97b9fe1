"""The exceptions navlayer raises.

Every error navlayer reports is a :class:`NavlayerError`: the message (``str(error)``) says what
is wrong and, where it helps, what to do; the attributes say where, so a notebook or a script can
point at the offending file and value without parsing the message.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "NavlayerError",
    "LayerError",
    "DataError",
    "OpsError",
    "GenerateError",
    "MigrateError",
    "RenderError",
    "CoverageError",
    "InternalError",
]


class NavlayerError(Exception):
    """Base class of every navlayer error.

    Attributes:
        message: what is wrong, with a hint where one helps (also ``str(error)``).
        path: the file concerned (a layer, an ATT&CK bundle, a data folder), when there is one.
        pointer: JSON pointer (RFC 6901) of the offending value inside that file; ``""`` for the
            whole document, ``None`` when the error is not about one value.
        line: 1-based line in the file, for JSON syntax errors.
        column: 1-based column in the file (or in an expression), where known.
        kind: a short, stable category name (``"json"``, ``"not-a-layer"``, ``"unknown-id"``, …)
            for scripts and tests.
    """

    message: str
    path: Optional[str]
    pointer: Optional[str]
    line: Optional[int]
    column: Optional[int]
    kind: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        pointer: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        kind: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.pointer = pointer
        self.line = line
        self.column = column
        self.kind = kind

    def __reduce__(self):  # keep the attributes through pickling (multiprocessing)
        return (
            _rebuild,
            (type(self), self.message, self.path, self.pointer, self.line, self.column, self.kind),
        )


def _rebuild(cls, message, path, pointer, line, column, kind):
    return cls(message, path=path, pointer=pointer, line=line, column=column, kind=kind)


class LayerError(NavlayerError):
    """A layer could not be read at all: unreadable file, too large, bad encoding, invalid JSON,
    or JSON that is not a Navigator layer. (Problems *inside* a readable layer are findings, see
    ``Layer.findings`` and ``Layer.validate``.)"""


class DataError(NavlayerError):
    """ATT&CK data: a bundle that cannot be found, downloaded or read, or an ID that the release
    does not hold."""


class OpsError(NavlayerError):
    """A layer operation failed: a score expression that does not parse or evaluate, layers of
    different domains, an unknown platform or inherited field."""


class GenerateError(NavlayerError):
    """No attack.mitre.org layer exists for the object: wrong kind, revoked, no techniques."""


class MigrateError(NavlayerError):
    """A layer cannot be migrated between the releases given (wrong domain)."""


class RenderError(NavlayerError):
    """A render option is invalid, or an output backend failed."""


class CoverageError(NavlayerError):
    """A coverage, heatmap or gaps run could not produce a layer: an input path that cannot be
    read (``path``), no input, an ID given as an option that the release does not have, layers
    of another domain. (Problems inside one rule file are not errors: the report lists them with
    ``line`` and ``column``.)"""


class InternalError(NavlayerError):
    """A bug in navlayer: the Rust engine panicked. The panic was caught and the interpreter is
    unharmed; please report the message."""
