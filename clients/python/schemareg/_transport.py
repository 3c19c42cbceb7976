"""The HTTP layer: requests with retries, an ETag cache, and error decoding."""

from __future__ import annotations

import collections
import http.client
import json
import random
import socket
import ssl
import threading
import time
import urllib.parse
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable, Dict, Iterable, Optional, Tuple

from .errors import APIError, SchemaregError, UnreachableError, api_error

#: The longest Retry-After the client waits for; a longer one raises.
MAX_RETRY_AFTER = 60.0
#: The largest body the client reads whole.
MAX_BODY = 256 << 20

USER_AGENT = "schemareg-python-client"


@dataclass(frozen=True)
class Reply:
    """A successful answer, read whole."""

    status: int
    headers: Dict[str, str]
    body: bytes

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class _Entry:
    reply: Reply
    immutable: bool


class Cache:
    """A bounded LRU of answers by URL, safe for concurrent use."""

    def __init__(self, entries: int) -> None:
        self._max = entries
        self._items: "collections.OrderedDict[str, _Entry]" = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> Optional[_Entry]:
        with self._lock:
            e = self._items.get(url)
            if e is not None:
                self._items.move_to_end(url)
            return e

    def put(self, url: str, entry: _Entry) -> None:
        with self._lock:
            self._items[url] = entry
            self._items.move_to_end(url)
            while len(self._items) > self._max:
                self._items.popitem(last=False)


def parse_base(url: str) -> urllib.parse.SplitResult:
    """Parse an absolute http(s) base URL; its path ends with a slash."""
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValueError(f"base URL {url!r}: want an absolute http or https URL")
    path = u.path if u.path.endswith("/") else u.path + "/"
    return u._replace(path=path, query="", fragment="")


def join(base: urllib.parse.SplitResult, *segments: str, query: Optional[Dict[str, str]] = None) -> str:
    """Return the URL of a path under base, each segment escaped."""
    for s in segments:
        if s in ("", ".", ".."):
            raise ValueError(f"invalid path segment {s!r}")
    path = base.path + "/".join(urllib.parse.quote(s, safe="") for s in segments)
    q = urllib.parse.urlencode(query) if query else ""
    return urllib.parse.urlunsplit((base.scheme, base.netloc, path, q, ""))


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Parse a Retry-After header: seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(int(value)), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


def decode_error(status: int, headers: Dict[str, str], body: bytes) -> APIError:
    """Decode an answer that is not a success into its APIError."""
    code, message = "", ""
    try:
        err = json.loads(body).get("error")
        if isinstance(err, dict):
            code, message = str(err.get("code", "")), str(err.get("message", ""))
    except (ValueError, AttributeError):
        pass
    if not code:
        message = body[:200].decode("utf-8", "replace").strip() or http.client.responses.get(status, "error")
    retry_after = parse_retry_after(headers.get("retry-after")) if status in (429, 503) else None
    return api_error(status, code, message, retry_after)


def retryable(err: BaseException) -> bool:
    """Whether a retry may mend err: a connection error, a 5xx or a 429."""
    if isinstance(err, APIError):
        return err.status >= 500 or err.status == 429
    return isinstance(err, (OSError, http.client.HTTPException))


class Transport:
    """Sends requests to one server, with retries and the cache."""

    def __init__(self, timeout: float, retries: int, backoff: float, max_backoff: float,
                 cache: Optional[Cache], ssl_context: Optional[ssl.SSLContext] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.cache = cache
        self.ssl_context = ssl_context
        self.sleep = sleep

    def connect(self, url: str, timeout: Optional[float] = None) -> Tuple[http.client.HTTPConnection, str]:
        """Open a connection to url's host; return it and the request target."""
        u = urllib.parse.urlsplit(url)
        t = self.timeout if timeout is None else timeout
        conn: http.client.HTTPConnection
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(u.netloc, timeout=t, context=self.ssl_context)
        else:
            conn = http.client.HTTPConnection(u.netloc, timeout=t)
        target = u.path or "/"
        if u.query:
            target += "?" + u.query
        return conn, target

    def once(self, method: str, url: str, body: Optional[bytes] = None,
             headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], bytes]:
        """Send one request; return status, lower-cased headers and body."""
        conn, target = self.connect(url)
        try:
            h = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
            h.update(headers or {})
            conn.request(method, target, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read(MAX_BODY + 1)
            if len(data) > MAX_BODY:
                raise SchemaregError(f"{method} {url}: answer over {MAX_BODY} bytes")
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def wait(self, attempt: int, err: BaseException) -> Optional[float]:
        """How long to wait before the next attempt; None: do not retry."""
        if isinstance(err, APIError) and err.retry_after is not None:
            return err.retry_after if err.retry_after <= MAX_RETRY_AFTER else None
        d = min(self.backoff * (2 ** attempt), self.max_backoff)
        return d / 2 + random.uniform(0, d / 2)

    def retry(self, fn: Callable[[], Reply], replayable: bool = True) -> Reply:
        """Call fn until it succeeds, fails for good, or retries run out."""
        attempt = 0
        while True:
            try:
                return fn()
            except (APIError, OSError, http.client.HTTPException) as err:
                if not replayable or attempt >= self.retries or not retryable(err):
                    raise
                w = self.wait(attempt, err)
                if w is None:
                    raise
                attempt += 1
                self.sleep(w)

    def request(self, method: str, url: str, body: Optional[bytes] = None,
                headers: Optional[Dict[str, str]] = None, cache: bool = False) -> Reply:
        """Make a request whose answer is read whole, with retries; through
        the cache when cache is set: an immutable answer is served without a
        request, any other is revalidated with If-None-Match."""
        entry = self.cache.get(url) if cache and self.cache is not None else None
        if entry is not None and entry.immutable:
            return entry.reply

        def attempt() -> Reply:
            h = dict(headers or {})
            if entry is not None and entry.reply.etag:
                h["If-None-Match"] = entry.reply.etag
            status, rh, data = self.once(method, url, body, h)
            if status == 304 and entry is not None:
                return entry.reply
            if not 200 <= status <= 299:
                raise decode_error(status, rh, data)
            rep = Reply(status, rh, data)
            cc = rh.get("cache-control", "")
            if cache and self.cache is not None and rep.etag and "no-store" not in cc:
                self.cache.put(url, _Entry(rep, "immutable" in cc))
            return rep

        return self.retry(attempt)


def unreachable(err: BaseException) -> bool:
    """Whether err says the server cannot answer: the mirror may."""
    if isinstance(err, APIError):
        return err.status >= 500
    return isinstance(err, (OSError, http.client.HTTPException, UnreachableError, socket.timeout))


def chunks(rows: Iterable[object], size: int = 64 << 10) -> Iterable[bytes]:
    """Encode rows as NDJSON, in chunks of about size bytes."""
    buf = bytearray()
    for row in rows:
        buf += encode_row(row)
        if len(buf) >= size:
            yield bytes(buf)
            buf.clear()
    if buf:
        yield bytes(buf)


def encode_row(row: object) -> bytes:
    """One NDJSON line: bytes and str are sent as they are, else JSON."""
    if isinstance(row, bytes):
        line = row
    elif isinstance(row, str):
        line = row.encode()
    else:
        line = json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode()
    line = line.rstrip(b"\r\n")
    if b"\n" in line:
        raise ValueError("a row holds a newline; send one JSON document per row")
    return line + b"\n"
