"""The services of the suite, how to find them and where they listen."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from voorportaal_kit.runtime import ServiceDefinition

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout this CLI was installed from (it is installed editable by `uv sync`)."""


@dataclass(frozen=True)
class ServiceInfo:
    """One service: its name, package and default port."""

    name: str
    port: int

    @property
    def package(self) -> str:
        """The Python package of the service."""
        return f"voorportaal_{self.name}"

    def module(self, suffix: str) -> ModuleType | None:
        """`<package>.<suffix>`, or None when the service has no such module (yet)."""
        try:
            return importlib.import_module(f"{self.package}.{suffix}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{self.package}.{suffix}"):
                return None
            raise

    def definition(self) -> ServiceDefinition:
        """The service's definition, with settings from the environment."""
        app = self.module("app")
        if app is None:
            raise LookupError(f"{self.package}.app is missing")
        result: ServiceDefinition = app.definition()
        return result


SERVICES: dict[str, ServiceInfo] = {
    s.name: s
    for s in (
        ServiceInfo("intake", 8001),
        ServiceInfo("routing", 8002),
        ServiceInfo("dossier", 8003),
        ServiceInfo("notify", 8004),
    )
}
CONSOLE_PORT = 3000
PORTAL_PORT = 3001
"""The citizen portal (`frontends/portal`)."""
