"""The errors a service's domain and use cases raise, with no HTTP in them.

A use case says *what* went wrong (`NotFound`, `Forbidden`, `Conflict`, …) and, for bad input,
which field and why. Each kind has a stable `code`; the HTTP edge maps the kind to a status in
one place (`voorportaal_kit.http.STATUS_OF`), and a message handler maps them to dead-lettering
(`PermanentError`). A service refines a kind by subclassing it (`class Erased(Gone)`), so the
mapping follows without another table.
"""

from __future__ import annotations


class ServiceError(Exception):
    """The request breaks a rule of the service: bad input, named by `field` when there is one.

    A `detail` written `English / Nederlands` is said in both languages: the HTTP edge answers
    the English as the problem's `detail` and the Dutch as its `detail_nl` (see `in_english`).
    """

    code: str = "bad_request"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


def in_english(detail: str) -> tuple[str, str | None]:
    """(English, Dutch) of a message written `English / Nederlands`; (message, None) without
    the ` / ` that separates them."""
    english, sep, dutch = detail.partition(" / ")
    return (english, dutch) if sep else (detail, None)


class NotFound(ServiceError):
    """The thing asked for does not exist (or may not be known to the caller)."""

    code = "not_found"


class Forbidden(ServiceError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Conflict(ServiceError):
    """The request conflicts with the current state (e.g. a second claim on a case)."""

    code = "conflict"


class Gone(ServiceError):
    """The thing existed but is no more (erased, expired)."""

    code = "gone"


class TooLarge(ServiceError):
    """What was sent is larger than the service accepts."""

    code = "too_large"


class UnsupportedType(ServiceError):
    """What was sent is of a kind the service does not accept."""

    code = "unsupported_type"


class TooManyRequests(ServiceError):
    """The caller went over a rate limit; `retry_after_s` tells when to try again (seconds)."""

    code = "rate_limited"
    retry_after_s: int | None = None


class Unavailable(ServiceError):
    """Something the use case needs is not there now; trying again later may work."""

    code = "unavailable"


class PermanentError(Exception):
    """The message can never be processed (it breaks a rule): dead-letter it at once.

    Any other exception a message handler raises is retried with backoff, then dead-lettered
    as `handler_failed`.
    """

    code = "handler_rejected"
