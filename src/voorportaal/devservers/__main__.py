"""`python -m voorportaal.devservers`: serve the dev SMTP server and SMS stub, or `--show` what
they stored."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from voorportaal.devservers import read_sent_emails, read_sent_sms, start_dev_servers


def _show(store: Path) -> None:
    for mail in read_sent_emails(store):
        print(f"mail  {mail.received_at}  to={','.join(mail.rcpt_tos)}  {mail.subject!r}")
    for sms in read_sent_sms(store):
        print(f"sms   {sms.received_at}  to={sms.to}  {sms.text!r}")


def main(argv: list[str] | None = None) -> None:
    """Serve the dev SMTP server and SMS stub until interrupted (or `--show` the store)."""
    parser = argparse.ArgumentParser(prog="python -m voorportaal.devservers")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--sms-port", type=int, default=8026)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--store", type=Path, default=Path("var/outbox-dev"))
    parser.add_argument("--sms-token", default=None, help="require this bearer token")
    parser.add_argument("--show", action="store_true", help="print what was sent and exit")
    args = parser.parse_args(argv)
    store: Path = args.store
    if args.show:
        _show(store)
        return
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    servers = start_dev_servers(
        store, args.smtp_port, args.sms_port, host=args.host, sms_token=args.sms_token
    )
    print(
        f"dev SMTP on {args.host}:{args.smtp_port}, SMS gateway stub on {servers.sms.url}; "
        f"storing in {store.resolve()}",
        flush=True,
    )
    try:
        stop.wait()
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
