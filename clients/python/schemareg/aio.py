"""The asyncio client: the blocking client's methods, awaitable.

The standard library has no asyncio HTTP client, so each call runs the
blocking client in a worker thread (``asyncio.to_thread``); the streams
hand their items over in batches, so that a batch of millions of rows does
not cost a thread switch per row.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, Iterable, Iterator, List, Optional, TypeVar

from .client import Client
from .types import Event, Schema, Split, ValidationResult

T = TypeVar("T")

#: How many results a stream hands over per thread switch.
BATCH = 1024


class AsyncClient:
    """The asyncio twin of :class:`Client`, with the same methods and options."""

    def __init__(self, base_url: str, **options: Any) -> None:
        self.sync = Client(base_url, **options)

    async def get_schema(self, id: str, version: Optional[str] = None) -> Schema:
        """See :meth:`Client.get_schema`."""
        return await asyncio.to_thread(self.sync.get_schema, id, version)

    async def versions(self, id: str) -> List[Dict[str, Any]]:
        """See :meth:`Client.versions`."""
        return await asyncio.to_thread(self.sync.versions, id)

    async def list_schemas(self) -> List[Dict[str, Any]]:
        """See :meth:`Client.list_schemas`."""
        return await asyncio.to_thread(self.sync.list_schemas)

    async def compat(self, id: str, from_: str, to: str, mode: Optional[str] = None) -> Dict[str, Any]:
        """See :meth:`Client.compat`."""
        return await asyncio.to_thread(self.sync.compat, id, from_, to, mode)

    async def arrow_schema(self, id: str, version: Optional[str] = None) -> bytes:
        """See :meth:`Client.arrow_schema`."""
        return await asyncio.to_thread(self.sync.arrow_schema, id, version)

    async def expectations(self, id: str, version: Optional[str] = None) -> Dict[str, Any]:
        """See :meth:`Client.expectations`."""
        return await asyncio.to_thread(self.sync.expectations, id, version)

    async def validate(self, id: str, row: Any) -> ValidationResult:
        """See :meth:`Client.validate`."""
        return await asyncio.to_thread(self.sync.validate, id, row)

    async def check_compatibility(self, id: str, row: Any) -> ValidationResult:
        """Validate one row: the name the cleaner pattern uses for :meth:`validate`."""
        return await self.validate(id, row)

    def validate_many(self, id: str, rows: Iterable[Any]) -> AsyncIterator[ValidationResult]:
        """See :meth:`Client.validate_many`; rows is a plain iterable, read
        in the worker thread."""
        return _drain(self.sync.validate_many(id, rows))

    async def quarantine(self, id: str, rows: Iterable[Any]) -> Split:
        """See :meth:`Client.quarantine`."""
        return await asyncio.to_thread(self.sync.quarantine, id, rows)

    def watch(self, last_event_id: Optional[int] = None, heartbeat_timeout: float = 60.0) -> AsyncIterator[Event]:
        """See :meth:`Client.watch`. Events are handed over one at a time."""
        return _drain(self.sync.watch(last_event_id, heartbeat_timeout), batch=1)


async def _drain(it: Iterator[T], batch: int = BATCH) -> AsyncIterator[T]:
    """Iterate a blocking iterator from a worker thread, batch items per switch."""

    def take() -> List[T]:
        out: List[T] = []
        for item in it:
            out.append(item)
            if len(out) >= batch:
                break
        return out

    try:
        while True:
            items = await asyncio.to_thread(take)
            if not items:
                return
            for item in items:
                yield item
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            try:
                await asyncio.to_thread(close)
            except ValueError:
                pass  # cancelled while a worker thread was reading it: it ends with its connection
