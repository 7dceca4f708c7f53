"""Errors a message handler can raise to steer retries and dead-lettering."""

from __future__ import annotations


class PermanentError(Exception):
    """The message can never be processed (it breaks a rule): dead-letter it at once."""

    code = "handler_rejected"


class TransientError(Exception):
    """Something outside the message failed (a remote service, a lock): retry later."""
