"""A client of the schemareg JSON-Schema registry, standard library only.

    from schemareg import Client

    c = Client("http://localhost:8000", mirror="http://localhost:8000/docs/")
    schema = c.get_schema("ticks_v1")            # the latest version, checked against its digest
    split = c.quarantine("ticks_v1", rows)       # valid rows, and invalid ones with their errors
    for result in c.validate_many("ticks_v1", rows):   # streamed NDJSON, constant memory
        ...
    for event in c.watch():                      # a new generation as it is published
        ...

:class:`AsyncClient` has the same methods, awaitable.
"""

from .aio import AsyncClient
from .client import Client
from .errors import (
    APIError,
    BadRequestError,
    ConflictError,
    CorruptError,
    InvalidSchemaError,
    NotFoundError,
    RateLimitedError,
    SchemaregError,
    TooLargeError,
    UnavailableError,
    UnreachableError,
)
from .types import Change, DataError, Event, Rejected, Schema, Split, ValidationResult

__all__ = [
    "APIError",
    "AsyncClient",
    "BadRequestError",
    "Change",
    "Client",
    "ConflictError",
    "CorruptError",
    "DataError",
    "Event",
    "InvalidSchemaError",
    "NotFoundError",
    "RateLimitedError",
    "Rejected",
    "Schema",
    "SchemaregError",
    "Split",
    "TooLargeError",
    "UnavailableError",
    "UnreachableError",
    "ValidationResult",
]
