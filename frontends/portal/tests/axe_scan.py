"""axe-core in the browser tests: inject Deque's engine (from the npm registry, pinned by
`scripts/axe-tools.sh`, into `.tools/axe`) into the page open in Chromium, run it, and count
the violations per impact level. The scan runs WCAG 2.0/2.1/2.2 A and AA rules plus axe's best
practices; a page fails on any `serious` or `critical` violation."""

from __future__ import annotations

import functools
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from selenium.webdriver.remote.webdriver import WebDriver

REPO: Final = Path(__file__).resolve().parents[3]
IMPACTS: Final = ("critical", "serious", "moderate", "minor")
BLOCKING: Final = frozenset({"critical", "serious"})
_TAGS: Final = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@functools.cache
def axe_source() -> str:
    """axe.min.js, installed by `scripts/axe-tools.sh` when it is not there yet."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "axe-tools.sh")],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Path(done.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")


@dataclass
class AxeResult:
    """What axe found on one page: the violations and their count per impact level."""

    page: str
    language: str
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Violations per impact level (every level named, zero included)."""
        found = Counter(str(v.get("impact") or "minor") for v in self.violations)
        return {impact: found.get(impact, 0) for impact in IMPACTS}

    @property
    def blocking(self) -> list[dict[str, Any]]:
        """The serious and critical violations."""
        return [v for v in self.violations if v.get("impact") in BLOCKING]

    def line(self) -> str:
        """One printed line: page, language and the count per impact level."""
        counts = " ".join(f"{impact}={n}" for impact, n in self.counts.items())
        return f"axe {self.page:<22} {self.language}: {counts}"

    def explain(self) -> str:
        """The blocking violations with the elements they were found on."""
        out = []
        for v in self.blocking:
            targets = [str(node.get("target")) for node in v.get("nodes", [])][:5]
            out.append(f"{v.get('impact')} {v.get('id')}: {v.get('help')} at {targets}")
        return "\n".join(out)


def scan(driver: WebDriver, page: str, language: str) -> AxeResult:
    """Run axe-core on the page open in `driver`."""
    driver.execute_script(axe_source())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                           resultTypes: ['violations']})
           .then(r => done({violations: r.violations}))
           .catch(e => done({error: String(e)}));
        """,
        _TAGS,
    )
    if "error" in result:
        raise RuntimeError(f"axe-core failed on {page} ({language}): {result['error']}")
    return AxeResult(page=page, language=language, violations=list(result["violations"]))
