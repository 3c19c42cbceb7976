"""The two streams: an NDJSON validation batch, and the change events."""

from __future__ import annotations

import collections
import http.client
import json
import threading
from typing import Any, Callable, Deque, Iterable, Iterator, Optional

from ._transport import Transport, chunks, decode_error, encode_row, retryable
from .errors import APIError, SchemaregError, stream_error
from .types import Event, ValidationResult, data_errors

#: The longest line or event the client reads.
MAX_LINE = 16 << 20


def validate_stream(tr: Transport, url: str, rows: Iterable[Any]) -> Iterator[ValidationResult]:
    """POST rows as NDJSON and yield a result per row as the server answers.

    The rows are sent by a thread while the results are read, so a batch of
    any length runs in constant memory: only the rows sent and not yet
    answered are held, to hand each back with its result.
    """
    conn, target = tr.connect(url)
    pending: Deque[Any] = collections.deque()
    lock = threading.Lock()
    failure: list = []

    def rows_sent() -> Iterable[bytes]:
        def tracked() -> Iterable[bytes]:
            for row in rows:
                line = encode_row(row)
                with lock:
                    pending.append(row)
                yield line
        return chunks(tracked())

    def send() -> None:
        try:
            for chunk in rows_sent():
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
        except BaseException as err:  # reported by the reader
            failure.append(err)
            try:
                conn.sock.shutdown(2)  # type: ignore[union-attr]
            except OSError:
                pass

    try:
        conn.putrequest("POST", target, skip_accept_encoding=True)
        conn.putheader("User-Agent", "schemareg-python-client")
        conn.putheader("Content-Type", "application/x-ndjson")
        conn.putheader("Accept", "application/x-ndjson")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        sender = threading.Thread(target=send, name="schemareg-batch", daemon=True)
        sender.start()
        resp = conn.getresponse()
        if resp.status != 200:
            raise decode_error(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read(1 << 20))
        while True:
            line = resp.readline(MAX_LINE)
            if not line:
                break
            d = json.loads(line)
            if "error" in d:
                e = d["error"]
                raise stream_error(str(e.get("code", "")), str(e.get("message", "")))
            with lock:
                row = pending.popleft() if pending else None
            yield ValidationResult(int(d["line"]), bool(d["valid"]), data_errors(d.get("errors")), row)
        sender.join()
        if failure and not isinstance(failure[0], OSError):
            raise failure[0]
    except (OSError, http.client.HTTPException) as err:
        if failure and not isinstance(failure[0], OSError):
            raise failure[0] from err
        raise SchemaregError(f"validate batch {url}: {err}") from err
    finally:
        conn.close()


def watch_stream(tr: Transport, url: str, last_event_id: Optional[int],
                 heartbeat_timeout: float, sleep: Callable[[float], None]) -> Iterator[Event]:
    """Follow GET /events, reconnecting with the last id after a connection
    error, a 5xx or a 429; raise only when the server refuses for good."""
    attempt = 0
    while True:
        try:
            for ev in _watch_once(tr, url, last_event_id, heartbeat_timeout):
                attempt = 0
                last_event_id = ev.revision
                yield ev
            err: BaseException = SchemaregError("event stream ended")
        except (APIError, OSError, http.client.HTTPException, ValueError) as e:
            if isinstance(e, APIError) and not retryable(e):
                raise
            err = e
        w = tr.wait(attempt, err)
        if w is None:
            raise err
        attempt += 1
        sleep(w)


def _watch_once(tr: Transport, url: str, last_event_id: Optional[int], timeout: float) -> Iterator[Event]:
    conn, target = tr.connect(url, timeout=timeout)
    try:
        headers = {"User-Agent": "schemareg-python-client", "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = str(last_event_id)
        conn.request("GET", target, headers=headers)
        resp = conn.getresponse()
        if resp.status != 200:
            raise decode_error(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read(1 << 20))
        kind, data = "", []
        while True:
            raw = resp.readline(MAX_LINE)
            if not raw:
                return
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    yield Event.decode(kind, "\n".join(data))
                kind, data = "", []
            elif line.startswith(":"):
                continue  # a heartbeat
            else:
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    kind = value
                elif name == "data":
                    data.append(value)
    finally:
        conn.close()
