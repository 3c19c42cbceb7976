"""The values the schemareg client returns."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class Schema:
    """One version of a schema: its canonical bytes, checked against their digest."""

    id: str
    version: str
    digest: str
    body: bytes

    @property
    def document(self) -> Dict[str, Any]:
        """The schema document, parsed."""
        doc: Dict[str, Any] = json.loads(self.body)
        return doc

    @property
    def properties(self) -> Dict[str, Any]:
        """The document's top-level properties."""
        props: Dict[str, Any] = self.document.get("properties", {})
        return props


def digest_of(data: bytes) -> str:
    """Return the registry's digest of bytes: "sha256:<hex>"."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DataError:
    """Why a row is invalid: where (a JSON pointer), the keyword that failed, a message."""

    path: str
    keyword: str
    message: str


@dataclass(frozen=True)
class ValidationResult:
    """The verdict on one row. ``line`` counts rows from 1; ``row`` is the
    row as given (None for a single validate)."""

    line: int
    valid: bool
    errors: List[DataError]
    row: Any = None


def data_errors(items: Optional[List[Dict[str, Any]]]) -> List[DataError]:
    """Decode the errors of a result."""
    return [DataError(str(e.get("path", "")), str(e.get("keyword", "")), str(e.get("message", ""))) for e in items or []]


@dataclass(frozen=True)
class Rejected:
    """A row that failed validation, with why."""

    row: Any
    errors: List[DataError]


@dataclass
class Split:
    """Rows split by :meth:`Client.quarantine`: the valid ones, and the
    invalid ones with their errors, each in the order given."""

    valid: List[Any] = field(default_factory=list)
    invalid: List[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """What happened to one schema in an :class:`Event`.

    ``change`` is "added", "versions", "deprecated", "undeprecated",
    "removed" or "updated"; ``versions`` lists the versions new since the
    event before; ``latest`` is the schema's latest version now.
    """

    id: str
    change: str
    versions: List[str]
    latest: str
    deprecated: bool


@dataclass(frozen=True)
class Event:
    """One event of the registry's change stream, ``GET /events``.

    ``kind`` is "ready" (the stream opened; the generation served now),
    "generation" (a newly published generation and its changes) or "reset"
    (the server no longer knows what happened since the id resumed from:
    read again what you hold). ``revision`` is the event's id.
    """

    kind: str
    revision: int
    generation: str
    commit: str
    published: str
    changes: List[Change]

    @staticmethod
    def decode(kind: str, data: str) -> "Event":
        d = json.loads(data)
        return Event(
            kind=kind,
            revision=int(d["revision"]),
            generation=str(d.get("generation", "")),
            commit=str(d.get("commit", "")),
            published=str(d.get("published", "")),
            changes=[Change(str(c["id"]), str(c.get("change", "")), list(c.get("versions") or []),
                            str(c.get("latest", "")), bool(c.get("deprecated", False)))
                     for c in d.get("changes") or []],
        )
