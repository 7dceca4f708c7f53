"""The baseline for bench/intake_submit.py: the least a Litestar JSON endpoint can do."""

from __future__ import annotations

import sys

import uvicorn
from litestar import Litestar, post


@post("/echo", sync_to_thread=False)
def echo(data: dict[str, object]) -> dict[str, object]:
    """Return the body."""
    return data


if __name__ == "__main__":
    uvicorn.run(
        Litestar([echo]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        access_log=False,
    )
