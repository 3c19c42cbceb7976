"""The blocking client."""

from __future__ import annotations

import json
import ssl
import time
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

from . import _transport as t
from ._streams import validate_stream, watch_stream
from .errors import CorruptError, NotFoundError, UnreachableError
from .types import Event, Rejected, Schema, Split, ValidationResult, data_errors, digest_of

LATEST = "latest"


class Client:
    """A client of the registry's REST API. Safe to share between threads.

    ``base_url`` is the server, e.g. ``"http://localhost:8000"``. ``mirror``
    is the static docs site (``https://schemas.example.com/``, or
    ``http://localhost:8000/docs/`` under ``schemareg dev``): when the server
    cannot be reached after the retries, reads of schemas, version lists,
    the schema list and Arrow schemas go to its ``api/`` files instead.
    Answers are cached by URL (``cache_entries``): a version named by its
    number is immutable and served without a request, anything else is
    revalidated with ``If-None-Match``. Reads are retried ``retries`` times
    after a connection error, a 5xx or a 429, with exponential backoff from
    ``backoff`` seconds, or after the ``Retry-After`` the server asked for.
    ``timeout`` bounds each connect and read, in seconds.
    """

    def __init__(self, base_url: str, *, mirror: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3, backoff: float = 0.1, max_backoff: float = 2.0,
                 cache_entries: int = 512, ssl_context: Optional[ssl.SSLContext] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._base = t.parse_base(base_url)
        self._mirror = t.parse_base(mirror) if mirror else None
        cache = t.Cache(cache_entries) if cache_entries > 0 else None
        self._tr = t.Transport(timeout, max(retries, 0), backoff, max(max_backoff, backoff), cache, ssl_context, sleep)
        self._mirror_tr = t.Transport(timeout, 0, backoff, max_backoff, cache, ssl_context, sleep)
        self._sleep = sleep

    # Reads -------------------------------------------------------------

    def get_schema(self, id: str, version: Optional[str] = None) -> Schema:
        """Return a version of a schema, the latest when version is None."""
        v = version or LATEST
        url = t.join(self._base, "schema", id, v)
        rep = self._read(url, "application/schema+json", lambda: self._mirror_schema(id, v))
        digest = rep.etag.strip('"') or digest_of(rep.body)
        if digest_of(rep.body) != digest:
            raise CorruptError(f"{id} {v}: the bytes do not match their digest {digest}")
        doc = json.loads(rep.body)
        return Schema(id=id, version=str(doc.get("version", v)), digest=digest, body=rep.body)

    def versions(self, id: str) -> List[Dict[str, Any]]:
        """Return every version of a schema, oldest first, with digest, commit, time and bump."""
        url = t.join(self._base, "schema", id, "versions")
        rep = self._read(url, "application/json", lambda: self._mirror_file("api", "schema", id, "versions.json"))
        out: List[Dict[str, Any]] = json.loads(rep.body)["versions"]
        return out

    def list_schemas(self) -> List[Dict[str, Any]]:
        """Return every schema with its latest version, sorted by id, all pages."""
        out: List[Dict[str, Any]] = []
        after = ""
        while True:
            q = {"limit": "1000"}
            if after:
                q["after"] = after
            url = t.join(self._base, "schemas", query=q)
            rep = self._read(url, "application/json", lambda: self._mirror_file("api", "schemas.json"))
            page = json.loads(rep.body)
            out.extend(page["schemas"])
            after = page.get("next", "")
            if not after or rep.headers.get("x-schemareg-mirror"):
                return out

    def compat(self, id: str, from_: str, to: str, mode: Optional[str] = None) -> Dict[str, Any]:
        """Return the verdict between two versions, in the schema's mode or mode."""
        url = t.join(self._base, "compat", id, from_, to, query={"mode": mode} if mode else None)
        result: Dict[str, Any] = json.loads(self._tr.request("GET", url, headers={"Accept": "application/json"}, cache=True).body)
        return result

    def arrow_schema(self, id: str, version: Optional[str] = None) -> bytes:
        """Return the Arrow schema of a version as Arrow IPC stream bytes
        (read them with ``pyarrow.ipc.read_schema``)."""
        v = version or LATEST
        url = t.join(self._base, "schema", id, v, "arrow")
        return self._read(url, "application/vnd.apache.arrow.stream", lambda: self._mirror_arrow(id, v)).body

    def expectations(self, id: str, version: Optional[str] = None) -> Dict[str, Any]:
        """Return the Great Expectations suite derived from a version."""
        url = t.join(self._base, "schema", id, version or LATEST, "expectations")
        suite: Dict[str, Any] = json.loads(self._tr.request("GET", url, headers={"Accept": "application/json"}, cache=True).body)
        return suite

    # Validation --------------------------------------------------------

    def validate(self, id: str, row: Any) -> ValidationResult:
        """Validate one row (a JSON value, or its encoding) against the latest version."""
        body = t.encode_row(row)
        url = t.join(self._base, "schema", id, "compat")
        rep = self._tr.request("POST", url, body=body, headers={"Content-Type": "application/json", "Accept": "application/json"})
        d = json.loads(rep.body)
        return ValidationResult(1, bool(d["valid"]), data_errors(d.get("errors")), row)

    def validate_many(self, id: str, rows: Iterable[Any]) -> Iterator[ValidationResult]:
        """Validate rows as one streamed NDJSON batch, yielding a result per
        row, in order, as the server answers: constant memory for any number
        of rows. A batch is sent once and not retried."""
        return validate_stream(self._tr, t.join(self._base, "schema", id, "compat"), rows)

    def quarantine(self, id: str, rows: Iterable[Any]) -> Split:
        """Split rows into the valid ones and the invalid ones with their
        errors. It holds both lists; for unbounded input iterate
        :meth:`validate_many`, whose results carry their rows."""
        split = Split()
        for r in self.validate_many(id, rows):
            if r.valid:
                split.valid.append(r.row)
            else:
                split.invalid.append(Rejected(r.row, r.errors))
        return split

    # Events ------------------------------------------------------------

    def watch(self, last_event_id: Optional[int] = None, heartbeat_timeout: float = 60.0) -> Iterator[Event]:
        """Follow the change stream, ``GET /events``: one "generation" event
        per published generation. Without last_event_id the first event is
        "ready"; with it, every event after that id comes, once. The stream
        is reopened after a failure, resuming after the last event seen; an
        error is raised only when the server refuses it for good (a 4xx).
        heartbeat_timeout is how long a silent stream is trusted."""
        return watch_stream(self._tr, t.join(self._base, "events"), last_event_id, heartbeat_timeout, self._sleep)

    # Mirror ------------------------------------------------------------

    def _read(self, url: str, accept: str, from_mirror: Callable[[], t.Reply]) -> t.Reply:
        try:
            return self._tr.request("GET", url, headers={"Accept": accept}, cache=True)
        except Exception as err:
            if self._mirror is None or not t.unreachable(err):
                if isinstance(err, OSError):
                    raise UnreachableError(f"GET {url}: {err}") from err
                raise
            try:
                return from_mirror()
            except Exception as merr:
                raise UnreachableError(f"GET {url}: {err}; the mirror: {merr}") from merr

    def _mirror_file(self, *segments: str) -> t.Reply:
        assert self._mirror is not None
        rep = self._mirror_tr.request("GET", t.join(self._mirror, *segments), cache=True)
        return t.Reply(rep.status, dict(rep.headers, **{"x-schemareg-mirror": "1"}), rep.body)

    def _mirror_resolve(self, id: str, version: str) -> "tuple[str, str]":
        if version != LATEST:
            return version, ""
        vs = json.loads(self._mirror_file("api", "schema", id, "versions.json").body)["versions"]
        if not vs:
            raise NotFoundError(404, "not_found", f"the mirror lists no version of {id!r}")
        return vs[-1]["version"], vs[-1]["digest"]

    def _mirror_schema(self, id: str, version: str) -> t.Reply:
        v, digest = self._mirror_resolve(id, version)
        rep = self._mirror_file("api", "schema", id, v + ".json")
        if digest and digest_of(rep.body) != digest:
            raise CorruptError(f"{id} {v} from the mirror: versions.json lists {digest}")
        return t.Reply(rep.status, dict(rep.headers, etag='"%s"' % digest_of(rep.body)), rep.body)

    def _mirror_arrow(self, id: str, version: str) -> t.Reply:
        v, _ = self._mirror_resolve(id, version)
        return self._mirror_file(id, v + ".arrow")

