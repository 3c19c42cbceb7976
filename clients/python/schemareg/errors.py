"""The exceptions of the schemareg client.

Every answer of the registry that is not a success becomes an
:class:`APIError` (or one of its subclasses, by status) carrying the
server's JSON error, ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from typing import Optional


class SchemaregError(Exception):
    """The base of every error the client raises."""


class UnreachableError(SchemaregError):
    """Neither the server nor the mirror (when one is set) could be reached."""


class CorruptError(SchemaregError):
    """An answer whose bytes do not match the digest the registry gave."""


class APIError(SchemaregError):
    """An answer of the registry that is not a success.

    ``status`` is the HTTP status; ``code`` the server's error code, such as
    ``"not_found"`` or ``"unavailable"`` ("" when the body had another shape,
    e.g. a proxy's page); ``message`` the server's message; ``retry_after``
    the seconds a 429 or 503 asked the client to wait, or None.
    """

    def __init__(self, status: int, code: str, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(f"{status} {code or 'error'}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class BadRequestError(APIError):
    """400: a bad id, version, parameter or body."""


class NotFoundError(APIError):
    """404: no such schema, version or route."""


class ConflictError(APIError):
    """409: a version that is not greater than the latest, or too small a bump."""


class TooLargeError(APIError):
    """413: a body over the server's limit."""


class InvalidSchemaError(APIError):
    """422: a schema document that does not parse or compile."""


class RateLimitedError(APIError):
    """429: over the server's rate limit; ``retry_after`` says when to come back."""


class UnavailableError(APIError):
    """503: etcd is unreachable, no generation is loaded, or a limit is reached."""


_BY_STATUS = {
    400: BadRequestError,
    404: NotFoundError,
    409: ConflictError,
    413: TooLargeError,
    422: InvalidSchemaError,
    429: RateLimitedError,
    503: UnavailableError,
}

_STATUS_OF_CODE = {
    "bad_request": 400,
    "not_found": 404,
    "too_large": 413,
    "unavailable": 503,
}


def api_error(status: int, code: str, message: str, retry_after: Optional[float] = None) -> APIError:
    """Return the APIError subclass for a status."""
    return _BY_STATUS.get(status, APIError)(status, code, message, retry_after)


def stream_error(code: str, message: str) -> APIError:
    """Return the error of an error line that ends an NDJSON batch early."""
    return api_error(_STATUS_OF_CODE.get(code, 500), code, message)
