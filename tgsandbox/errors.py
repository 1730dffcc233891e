"""Bot API errors, shaped exactly like Telegram's so PTB maps them to the same exceptions.

PTB decides which exception to raise from the HTTP status and the ``parameters``
object (``retry_after`` becomes :class:`telegram.error.RetryAfter`), so every
failure in the sandbox goes through :class:`ApiError` and is rendered by
:meth:`ApiError.payload` in Telegram's own envelope.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: HTTP status == ``error_code``, Telegram's description text."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(400, f"Bad Request: {detail}")

    @classmethod
    def forbidden(cls, detail: str) -> ApiError:
        return cls(403, f"Forbidden: {detail}")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        retry_after = max(1, int(retry_after))
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def conflict(cls, detail: str) -> ApiError:
        return cls(409, f"Conflict: {detail}")

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "Not Found")

    @classmethod
    def unauthorized(cls) -> ApiError:
        return cls(401, "Unauthorized")


SERVER_ERRORS: dict[int, str] = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def server_error(status: int) -> ApiError:
    """A 5xx as Telegram's front end reports it (PTB turns these into NetworkError)."""
    return ApiError(status, SERVER_ERRORS.get(status, "Internal Server Error"))
