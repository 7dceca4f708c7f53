"""Every refusal the dossier words itself is worded `English / Nederlands`.

The HTTP edge answers the English as the problem's `detail` and the Dutch as its `detail_nl`
(the console shows the one in its user's language), so a refusal written in English only
would reach a Dutch casemanager in English. This walks the source: every call of a dossier or
kit error class whose message is written in the code (a literal, an f-string or a module
constant) must carry the ` / ` between the two languages.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from pathlib import Path
from types import ModuleType

import voorportaal_dossier
from voorportaal_dossier.domain.errors import DossierError, InvalidInput
from voorportaal_kit.errors import ServiceError

SOURCE = Path(voorportaal_dossier.__file__).parent


def _modules() -> list[tuple[Path, ModuleType]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:  # alembic's scripts: no refusals, not importable alone
            continue
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((path, importlib.import_module(name)))
    return found


def _resolve(node: ast.expr, module: ModuleType) -> object:
    """What a `Name` or `a.b` refers to in the module, or None."""
    if isinstance(node, ast.Name):
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, module)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _written(node: ast.expr, module: ModuleType) -> str | None:
    """The message as written in the code: a literal, an f-string's text or a module
    constant; None when it is computed (another error's detail, a decision's reason)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    if isinstance(node, ast.Name) and isinstance(getattr(module, node.id, None), str):
        return str(getattr(module, node.id))
    return None


@functools.cache
def _refusals() -> list[tuple[str, str]]:
    """(where, message) of every refusal whose message is written in the dossier's code."""
    out = []
    for path, module in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            kind = _resolve(node.func, module)
            if not (inspect.isclass(kind) and issubclass(kind, ServiceError | DossierError)):
                continue
            # `InvalidInput(field, reason)` and its kinds: the message is the second argument.
            at = 1 if issubclass(kind, InvalidInput) else 0
            message = _written(node.args[at], module) if len(node.args) > at else None
            if message is not None:
                out.append((f"{path.relative_to(SOURCE)}:{node.lineno}", message))
    return out


def test_the_walk_finds_the_refusals() -> None:
    # Guards the walk itself: were it to find nothing, the test below would pass vacuously.
    assert len(_refusals()) > 60


def test_every_refusal_is_worded_in_english_and_dutch() -> None:
    english_only = [f"{where}: {m!r}" for where, m in _refusals() if " / " not in m]
    assert not english_only, "refusals without ' / Nederlands':\n" + "\n".join(english_only)
