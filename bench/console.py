"""Buddy console: the case page with 1,000 timeline entries and 20 referrals, rendered to
interactive in headless Chromium, against a small case on the same console in the same run;
and the memory of the console's backend per signed-in session with that case open (50 of them),
against its idle size and against 50 sessions with the small case open, in the same run.

    uv run python bench/console.py [--reps 7] [--sessions 50]

Everything is real and local (127.0.0.1): the dossier service (`python -m voorportaal serve
dossier`, SQLite) is seeded with contract events folded in by its own service layer (the
browser tests' harness, `frontends/buddy/tests/dossier_harness.py`), and the console is served
in prod mode by `scripts/console.sh run`, exactly as the browser tests do. Both cases are
claimed by the casemanager the browser signs in as, so the page shows everything (identity
too) and offers the owner's actions.

Render time: Debian's Chromium (headless; `--no-sandbox --disable-background-networking
--disable-component-update`), signed in once, then alternately opens the big case and the
small case (`--reps` times each, after one warm-up each) by a full navigation, as a
casemanager does when opening a case from a link. The clock starts at navigation start (the
document's `performance.timeOrigin`) and stops at **interactive**, defined as the first
animation frame after the DOM holds all of:
  - every referral of the case as a row of the referral board (`#referrals-table`),
  - every timeline entry as a row of the timeline (`#timeline-table`), the oldest (last) too,
  - the owner's action button `#release`, enabled.
The data comes to the page only over the console's websocket after the app has hydrated
(the `on_load` event's state delta), so at that point a click reaches the server. A script
injected before any page script (CDP `Page.addScriptToEvaluateOnNewDocument`) watches the DOM
with a MutationObserver and records `performance.now()` then. Printed: median and p95 of both
cases, the big case's ratio to the small one, and whether the big case's p95 is under 1 s
(target, issue 7).

Memory: Reflex sessions, each a socket.io client on the console's own websocket
(`/_event`, the protocol its pages speak: the same hydrate event the browser sent, captured
from the render run's performance log), each signing in through the sign-in form's event,
opening the work queue (its `on_load`) and a case page (its `on_load`: the case lands in that
session's state). The RSS of the console's backend process is read from /proc (psutil) when
idle, after a few warm-up sessions (one-off allocations), after `--sessions` sessions with the
small case open, and after `--sessions` more with the big case open (all stay connected);
printed: the RSS at each point and the cost per session of each kind, the small case being the
same-run baseline of the big one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import socketio  # type: ignore[import-untyped]

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "frontends" / "buddy" / "tests"))

from console_harness import CHROMEDRIVER, CHROMIUM, ConsoleProcess, staff_headers  # noqa: E402
from dossier_harness import CONSOLE_INTAKE, DossierProcess, free_port, seed_events  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from voorportaal_contracts.events import (  # noqa: E402
    Reason,
    ReferralAccepted,
    ReferralDeclined,
    ReferralIssued,
    ReferralReminded,
)
from voorportaal_contracts.registry import Event  # noqa: E402
from voorportaal_kit.testing import case_opening  # noqa: E402

BIG = "vp-bench-big-000001"
SMALL = "vp-bench-small-00001"
TIMELINE = 1000
REFERRALS = 20
USERS = (("anna", "anna-noord-2024", "cm-anna"), ("bram", "bram-noord-2024", "cm-bram"))
TARGET_S = 1.0
AGENCIES = (("uwv", "ww"), ("svb", "aow"), ("gemeente", "bijstand"), ("toeslagen", "huur"))

READY_SCRIPT = """
(() => {
  const want = %s;
  const path = location.pathname.replace(/\\/$/, "");
  const counts = want[path];
  if (!counts) return;
  const rows = (id) => {
    const table = document.getElementById(id);
    return table ? table.querySelectorAll("tbody tr") : [];
  };
  const ready = () => {
    const timeline = rows("timeline-table");
    const button = document.getElementById("release");
    return rows("referrals-table").length === counts[1]
      && timeline.length === counts[0]
      && timeline[timeline.length - 1].textContent.includes(counts[2])
      && button !== null && !button.disabled;
  };
  let done = false;
  const check = () => {
    if (done || !ready()) return;
    done = true;
    observer.disconnect();
    window.__benchDom = performance.now();
    requestAnimationFrame(() => { window.__benchReady = performance.now(); });
  };
  const observer = new MutationObserver(check);
  const start = () => { observer.observe(document.documentElement, {childList: true,
    subtree: true, attributes: true}); check(); };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
"""


# --------------------------------------------------------------------------- the cases


def _case_start(case_id: str, at: datetime, name: str) -> list[Event]:
    return case_opening(
        case_id,
        at,
        name,
        phone="+31600000000",
        channels=("sms",),
        reason_en="Eviction.",
        **CONSOLE_INTAKE,
    )


def _referrals(case_id: str, n: int, at: datetime) -> list[Event]:
    out: list[Event] = []
    for i in range(n):
        agency, service = AGENCIES[i % len(AGENCIES)]
        rid = f"ref-{case_id[-6:]}-{i:03d}"
        out.append(
            ReferralIssued(
                case_id=case_id,
                referral_id=rid,
                agency_code=agency,
                service_code=service,
                rule_id=f"bench.{service}",
                summary_shared=True,
                due_at=at + timedelta(days=5),
                waits_on=f"ref-{case_id[-6:]}-{i - 1:03d}" if i % 5 == 4 else None,
                reasons=[Reason(rule="income_loss", nl="Inkomen weg.", en="Income lost.")],
            )
        )
        if i % 3 == 1:
            out.append(
                ReferralAccepted(
                    case_id=case_id, referral_id=rid, agency_code=agency, by="agency", changed_at=at
                )
            )
        elif i % 7 == 3:
            out.append(
                ReferralDeclined(
                    case_id=case_id,
                    referral_id=rid,
                    agency_code=agency,
                    by="agency",
                    changed_at=at,
                    reason="no_capacity",
                )
            )
    return out


def cases(now: datetime) -> list[tuple[datetime, Event]]:
    """The big case (20 referrals; reminders up to 1,000 timeline entries) and the small one."""
    t0 = now - timedelta(days=20)
    big = _case_start(BIG, t0, "Bench Groot") + _referrals(BIG, REFERRALS, t0)
    events = [(t0, e) for e in big]
    n = 0
    while len(events) < TIMELINE - 1:  # each event is one entry; claiming the case is the last
        agency, _ = AGENCIES[n % len(AGENCIES)]
        at = t0 + timedelta(minutes=10 * (n + 1))
        events.append(
            (
                at,
                ReferralReminded(
                    case_id=BIG,
                    referral_id=f"ref-{BIG[-6:]}-{n % REFERRALS:03d}",
                    agency_code=agency,
                    by="system",
                    due_at=t0 + timedelta(days=5),
                    reminded_at=at,
                ),
            )
        )
        n += 1
    small = _case_start(SMALL, t0, "Bench Klein") + _referrals(SMALL, 2, t0)
    return events + [(t0, e) for e in small]


def prepare(dossier: DossierProcess) -> dict[str, tuple[int, int, str]]:
    """Claim both cases for anna; per case page path: timeline rows, referral rows, and the
    text of the oldest timeline entry (the page's last row)."""
    want: dict[str, tuple[int, int, str]] = {}
    headers = staff_headers("cm-anna")
    with httpx.Client(base_url=dossier.url, timeout=30) as api:
        for case_id in (BIG, SMALL):
            api.post(f"/cases/{case_id}/claim", headers=headers).raise_for_status()
            page = api.get(f"/cases/{case_id}", headers=headers).raise_for_status().json()
            timeline = page["timeline"]
            want[f"/zaak/{case_id}"] = (len(timeline), len(page["referrals"]), timeline[0]["nl"])
    return want


# --------------------------------------------------------------------------- render time


def chromium(profile: Path) -> WebDriver:
    """Debian's headless Chromium with its performance log (for the websocket frames)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def sign_in(driver: WebDriver, base: str, username: str, password: str) -> None:
    """Sign in through the form, as a person does."""
    driver.get(f"{base}/inloggen")
    WebDriverWait(driver, 60).until(ec.element_to_be_clickable((By.ID, "sign-in")))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, 60).until(lambda d: "/werkvoorraad" in d.current_url)


def time_to_interactive(driver: WebDriver, url: str, timeout_s: float = 60) -> tuple[float, float]:
    """Navigate to `url`; (ms to interactive, ms to DOMContentLoaded) from navigation start."""
    driver.get(url)
    deadline = time.monotonic() + timeout_s
    while True:
        ready = driver.execute_script("return window.__benchReady")
        if ready is not None:
            dcl = driver.execute_script(
                "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
            )
            return float(ready), float(dcl)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not interactive within {timeout_s} s")
        time.sleep(0.02)


def hydrate_event(driver: WebDriver) -> dict[str, Any]:
    """The socket.io CONNECT auth the page sent (its hydrate event and state schema)."""
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.webSocketFrameSent":
            continue
        frame = message["params"]["response"]["payloadData"]
        if frame.startswith("40/_event,"):
            auth: dict[str, Any] = json.loads(frame[len("40/_event,") :])
            return auth
    raise RuntimeError("no websocket CONNECT frame in the performance log")


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1)]


def render(
    base: str, want: dict[str, tuple[int, int, str]], reps: int, work: Path
) -> dict[str, Any]:
    """Render both case pages `reps` times each, alternating; figures in ms."""
    driver = chromium(work / "chromium-profile")
    try:
        payload = json.dumps({path: list(counts) for path, counts in want.items()})
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": READY_SCRIPT % payload}
        )
        sign_in(driver, base, "anna", "anna-noord-2024")
        auth = hydrate_event(driver)
        results: dict[str, list[float]] = {BIG: [], SMALL: []}
        dcl: dict[str, list[float]] = {BIG: [], SMALL: []}
        for case_id in (BIG, SMALL):  # warm-up: the browser's cache and the backend
            time_to_interactive(driver, f"{base}/zaak/{case_id}")
        for _ in range(reps):
            for case_id in (BIG, SMALL):
                ready, loaded = time_to_interactive(driver, f"{base}/zaak/{case_id}")
                results[case_id].append(ready)
                dcl[case_id].append(loaded)
        return {"ready": results, "dcl": dcl, "auth": auth}
    finally:
        driver.quit()


# --------------------------------------------------------------------------- memory


class ReflexSession:
    """One browser-less session on the console's websocket: the events its pages send."""

    def __init__(self, base: str, auth: dict[str, Any]) -> None:
        self.base = base
        self.token = str(uuid.uuid4())
        self.client = socketio.Client(reconnection=False)
        self._auth = auth
        self._deltas: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self.client.on("event", self._on_event, namespace="/_event")

    def _on_event(self, update: dict[str, Any]) -> None:
        with self._changed:
            self._deltas.append(update.get("delta") or {})
            self._changed.notify_all()

    def _wait_for(self, state_suffix: str, field: str, timeout_s: float = 60) -> Any:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for delta in self._deltas:
                    for name, values in delta.items():
                        if name.endswith(state_suffix) and field in values:
                            self._deltas.clear()
                            return values[field]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"no {state_suffix}.{field} within {timeout_s} s")
                self._changed.wait(remaining)

    def _send(self, name: str, path: str, payload: dict[str, Any] | None = None) -> None:
        event: dict[str, Any] = {
            "name": name,
            "router_data": {"pathname": path, "asPath": path},
        }
        if payload is not None:
            event["payload"] = payload
        self.client.emit("event", event, namespace="/_event")

    def open(self, username: str, password: str, case_id: str, entries: int) -> None:
        """Connect, sign in, open the work queue, then a case page (`entries` timeline rows)."""
        auth = json.loads(json.dumps(self._auth))
        auth["event"]["router_data"] = {"pathname": "/inloggen/", "asPath": "/inloggen/"}
        self.client.connect(
            f"{self.base}?token={self.token}",
            auth=auth,
            transports=["websocket"],
            namespaces=["/_event"],
            socketio_path="_event",
            wait_timeout=30,
        )
        self._wait_for("reflex___state____state", "is_hydrated_rx_state_")
        form = {"__reflex_form_data__": [["username", username], ["password", password]]}
        self._send(
            "reflex___state____state.buddy___pages___sign_in____sign_in_state.sign_in",
            "/inloggen/",
            {"form": form},
        )
        role = self._wait_for("session_state", "user_role_rx_state_")
        if role != "casemanager":
            raise RuntimeError(f"sign-in gave role {role!r}")
        on_load = (
            "reflex___state____state.reflex___state____on_load_internal_state.on_load_internal"
        )
        self._send(on_load, "/werkvoorraad")
        self._wait_for("queue_state", "loaded_rx_state_")
        self._send(on_load, f"/zaak/{case_id}")
        timeline = self._wait_for("case_state", "timeline_rx_state_")
        if len(timeline) != entries:
            raise RuntimeError(f"case page state holds {len(timeline)} timeline entries")

    def close(self) -> None:
        """Disconnect (the server keeps the session's state until it expires)."""
        self.client.disconnect()


def rss(pid: int) -> int:
    """Resident set size of the process, in bytes."""
    return int(psutil.Process(pid).memory_info().rss)


def memory(
    console: ConsoleProcess,
    auth: dict[str, Any],
    sessions: int,
    want: dict[str, tuple[int, int, str]],
) -> dict[str, int]:
    """Backend RSS: idle; after a few warm-up sessions; after `sessions` more with the small
    case open; after `sessions` more with the big case open (all kept connected)."""
    pid = console.backend_pid()
    time.sleep(3)
    figures = {"idle": rss(pid), "n": sessions, "warm": max(1, sessions // 10)}
    opened: list[ReflexSession] = []

    def open_many(n: int, case_id: str) -> None:
        entries = want[f"/zaak/{case_id}"][0]
        for _ in range(n):
            username, password, _ = USERS[len(opened) % len(USERS)]
            session = ReflexSession(console.url, auth)
            session.open(username, password, case_id, entries)
            opened.append(session)
        time.sleep(3)

    try:
        # The first sessions also pay for one-off allocations (caches, arenas): not counted.
        open_many(figures["warm"], SMALL)
        figures["warmed"] = rss(pid)
        open_many(sessions, SMALL)
        figures["small"] = rss(pid)
        open_many(sessions, BIG)
        figures["big"] = rss(pid)
        figures["open"] = len(opened)
    finally:
        for session in opened:
            session.close()
    return figures


# --------------------------------------------------------------------------- main


def main() -> int:
    """Run both measurements and print their figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        print("chromium/chromedriver missing: run scripts/console-tools.sh first")
        return 2
    work = REPO / "var" / "bench-console" / uuid.uuid4().hex[:8]
    work.mkdir(parents=True)
    seed_events(work, cases(datetime.now(UTC)))
    dossier = DossierProcess(work, work / "dossier.log")
    console = ConsoleProcess(
        free_port(),
        {
            "VOORPORTAAL_DOSSIER_URL": dossier.url,
            # Not started: the case page does not call routing.
            "VOORPORTAAL_ROUTING_URL": f"http://127.0.0.1:{free_port()}",
        },
        work / "console.log",
    )
    try:
        dossier.start()
        want = prepare(dossier)
        console.start()
        rendered = render(console.url, want, args.reps, work)
        mem = memory(console, rendered["auth"], args.sessions, want)
    finally:
        console.stop()
        dossier.stop()
    shutil.rmtree(work)  # kept (with the logs) only when something failed

    big, small = rendered["ready"][BIG], rendered["ready"][SMALL]
    timeline, referrals, _ = want[f"/zaak/{BIG}"]
    stimeline, sreferrals, _ = want[f"/zaak/{SMALL}"]
    print(
        f"case page to interactive, {timeline} timeline entries and {referrals} referrals "
        f"({len(big)} loads): median {statistics.median(big):.0f} ms, p95 {p95(big):.0f} ms "
        f"(DOMContentLoaded median {statistics.median(rendered['dcl'][BIG]):.0f} ms)"
    )
    ratio = statistics.median(big) / statistics.median(small)
    print(
        f"baseline, same console, {stimeline} timeline entries and {sreferrals} referrals "
        f"({len(small)} loads): median {statistics.median(small):.0f} ms, "
        f"p95 {p95(small):.0f} ms -> big/small {ratio:.2f}x"
    )
    met = p95(big) < TARGET_S * 1000
    print(
        f"target p95 < {TARGET_S * 1000:.0f} ms to interactive: {'OK' if met else 'ABOVE TARGET'}"
    )
    mib = 1024 * 1024
    n = mem["n"]
    small_each = (mem["small"] - mem["warmed"]) / n
    big_each = (mem["big"] - mem["small"]) / n
    print(
        f"console backend RSS: idle {mem['idle'] / mib:.0f} MiB, after {mem['warm']} warm-up "
        f"sessions {mem['warmed'] / mib:.0f} MiB, +{n} sessions with the {stimeline}-entry case "
        f"{mem['small'] / mib:.0f} MiB, +{n} sessions with the {timeline}-entry case "
        f"{mem['big'] / mib:.0f} MiB ({mem['open']} sessions open, {mem['big'] / mem['idle']:.2f}x "
        f"idle)"
    )
    print(
        f"per session (signed in, work queue and a case page open): {small_each / mib:.2f} MiB "
        f"with the small case, {big_each / mib:.2f} MiB with the {timeline}-entry case; "
        f"{n} sessions on the big case cost {(mem['big'] - mem['small']) / mib:.0f} MiB over "
        f"{n} on the small one"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
