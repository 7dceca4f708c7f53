"""Reads the notify service's data files: rules, templates and e-mail layouts of a version."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from voorportaal_notify.domain.notices import NoticeCatalogue
from voorportaal_notify.domain.render import Renderer
from voorportaal_notify.domain.rules import RuleSet
from voorportaal_notify.domain.templates import TemplateCatalogue

DATA_ROOT = Path(__file__).resolve().parents[1] / "data"
CURRENT_VERSION = "v1"


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _each_by_id(folder: Path, what: str) -> dict[str, Any]:
    """Every TOML document in `folder` by its id, which must be its file's name."""
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        data = _toml(path)
        if data.get("id") != path.stem:
            raise ValueError(f"{path.name} holds {what} {data.get('id')!r}")
        found[path.stem] = data
    return found


@cache
def load_rules(version: str = CURRENT_VERSION) -> RuleSet:
    """Which events reach the citizen, in a data version."""
    return RuleSet.model_validate(_toml(DATA_ROOT / version / "rules.toml"))


@cache
def load_templates(version: str = CURRENT_VERSION) -> TemplateCatalogue:
    """Every message template of a version, with the shared texts and e-mail layouts."""
    root = DATA_ROOT / version
    templates = _each_by_id(root / "templates", "template")
    return TemplateCatalogue.model_validate(
        {
            "common": _toml(root / "common.toml"),
            "templates": templates,
            "text_layout": (root / "layouts" / "message.txt.j2").read_text("utf-8"),
            "html_layout": (root / "layouts" / "message.html.j2").read_text("utf-8"),
        }
    )


@cache
def default_renderer(version: str = CURRENT_VERSION, max_sms_segments: int = 3) -> Renderer:
    """A renderer over a version's templates (cached: templates compile once per process, which
    `bench/notify.py` needs; see `domain.render.Renderer`)."""
    return Renderer(load_templates(version), max_sms_segments=max_sms_segments)


@cache
def load_notices(version: str = CURRENT_VERSION) -> NoticeCatalogue:
    """The notices of a version (codes, "your contact details were changed")."""
    root = DATA_ROOT / version
    notices = _each_by_id(root / "notices", "notice")
    common = _toml(root / "common.toml")
    return NoticeCatalogue.model_validate(
        {
            "notices": notices,
            "directions": {lang: text.get("direction", "ltr") for lang, text in common.items()},
        }
    )
