"""Errors a message handler can raise to steer dead-lettering.

Any other exception is retried with backoff, then dead-lettered as `handler_failed`.
"""

from __future__ import annotations


class PermanentError(Exception):
    """The message can never be processed (it breaks a rule): dead-letter it at once."""

    code = "handler_rejected"
