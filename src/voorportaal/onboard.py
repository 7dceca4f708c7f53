"""`voorportaal onboard-agency <code>`: what a new agency (or municipality) needs beside its
directory entry — its referral topic and dead-letter topic, its principal with its ACLs (the
generated Strimzi resources) and its own HMAC key — in one step.

The directory entry itself (`services/routing/src/voorportaal_routing/data/v1/directory.toml`:
the organisation, its services, eligibility, service area, response norm, with `source` and
`checked`) is content: it arrives by a reviewed pull request like every routing rule, so this
command starts from it and refuses a code the directory does not know.

A municipality is onboarded by its CBS code (`voorportaal onboard-agency GM0014 --name
Groningen`): it becomes a tenant (appended to routing's `data/tenants.toml`) and so its own
agency of every per-municipality organisation — `gemeente-gm0014`, `wijkteam-gm0014`,
`schuldhulp-gm0014` — each with its topic, principal with ACLs and key.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voorportaal import k8s
from voorportaal_contracts.topics import MUNICIPAL_AGENCIES, municipal_agency_code, referral_topic

KEY_BYTES = 32


class OnboardingError(Exception):
    """The agency cannot be onboarded as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Onboarded:
    """What the command changed."""

    code: str
    topic: str
    principal: str
    changed_manifests: list[Path]
    keys_file: Path


def add_key(keys_file: Path, code: str) -> None:
    """Append a new random key for `code` to the agency keys file (TOML `<code> = "<hex>"`,
    what `VOORPORTAAL_ROUTING_AGENCY_KEYS_FILE` reads), readable by its owner only."""
    existing: dict[str, object] = {}
    if keys_file.exists():
        existing = tomllib.loads(keys_file.read_text(encoding="utf-8"))
    if code in existing:
        raise OnboardingError(
            f"keys file: {code} has a key already in {keys_file}; "
            "to replace it follow docs/operations/rotate-keys.md"
        )
    # A file whose last line has no newline would swallow the new line into it.
    separator = "\n" if keys_file.exists() and not keys_file.read_bytes().endswith(b"\n") else ""
    fd = os.open(keys_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(f'{separator}{code} = "{secrets.token_hex(KEY_BYTES)}"\n')
    keys_file.chmod(0o600)


def onboard_municipality(
    municipality_code: str,
    name: str,
    tenants_file: Path,
    keys_file: Path,
    k8s_dir: Path,
    agency_codes: Callable[[], list[str]],
) -> list[Onboarded]:
    """Make a municipality a tenant: its entry in the tenants file, a key for each of its
    agencies, and the Strimzi topics and users regenerated (`agency_codes` reads the directory
    again after the tenants file changed). Nothing is written when anything is wrong."""
    if not re.fullmatch(r"GM\d{4}", municipality_code):
        raise OnboardingError(
            f"code: {municipality_code!r} must be a CBS municipality code (GM and four digits)"
        )
    if not re.fullmatch(r"[^\"\\\n]{1,100}", name):
        raise OnboardingError("name: 1-100 characters, no quotes, backslashes or line breaks")
    tenants: dict[str, Any] = {}
    if tenants_file.exists():
        tenants = tomllib.loads(tenants_file.read_text(encoding="utf-8"))
    if any(t.get("code") == municipality_code for t in tenants.get("tenant", [])):
        raise OnboardingError(f"code: {municipality_code} is a tenant already in {tenants_file}")
    if not keys_file.parent.is_dir():
        raise OnboardingError(f"keys file: directory {keys_file.parent} does not exist")
    codes = [municipal_agency_code(kind, municipality_code) for kind in MUNICIPAL_AGENCIES]
    existing = tomllib.loads(keys_file.read_text(encoding="utf-8")) if keys_file.exists() else {}
    taken = [code for code in codes if code in existing]
    if taken:
        raise OnboardingError(
            f"keys file: {', '.join(taken)} has a key already in {keys_file}; "
            "to replace it follow docs/operations/rotate-keys.md"
        )
    separator = (
        "\n" if tenants_file.exists() and not tenants_file.read_bytes().endswith(b"\n") else ""
    )
    with tenants_file.open("a", encoding="utf-8") as out:
        out.write(f'{separator}\n[[tenant]]\ncode = "{municipality_code}"\nname = "{name}"\n')
    for code in codes:
        add_key(keys_file, code)
    changed = k8s.write(k8s_dir, k8s.render(agency_codes()))
    return [
        Onboarded(code, referral_topic(code), f"agency-{code}", changed, keys_file)
        for code in codes
    ]


def onboard(code: str, directory_codes: list[str], keys_file: Path, k8s_dir: Path) -> Onboarded:
    """Check the directory entry, write the topic and principal, add the key."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,31}", code):
        raise OnboardingError(f"code: {code!r} must be 2-32 lowercase letters, digits or hyphens")
    if code not in directory_codes:
        raise OnboardingError(
            f"code: {code} is not in routing's directory; add the organisation to "
            "services/routing/src/voorportaal_routing/data/v1/directory.toml first "
            "(a reviewed change, with source and checked date)"
        )
    if not keys_file.parent.is_dir():
        raise OnboardingError(f"keys file: directory {keys_file.parent} does not exist")
    add_key(keys_file, code)
    changed = k8s.write(k8s_dir, k8s.render(directory_codes))
    return Onboarded(code, referral_topic(code), f"agency-{code}", changed, keys_file)


def next_steps(done: Onboarded) -> str:
    """What the operator runs next (the cluster is theirs to change)."""
    return f"""\
onboarded {done.code}: topic {done.topic} (and {done.topic}.dlq), principal {done.principal},
key in {done.keys_file}
next:
  kubectl -n voorportaal apply -f infra/k8s/strimzi/topics.yaml -f infra/k8s/strimzi/users.yaml
  kubectl -n voorportaal wait kafkauser/{done.principal} --for=condition=Ready
  kubectl -n voorportaal create secret generic voorportaal-agency-keys \\
    --from-file=agency-keys.toml={done.keys_file} --dry-run=client -o yaml | kubectl apply -f -
  kubectl -n voorportaal rollout restart deploy/voorportaal-routing
hand to the agency, over a channel agreed with them (never e-mail in clear):
  its Kafka password:  kubectl -n voorportaal get secret {done.principal} \\
                         -o jsonpath='{{.data.password}}' | base64 -d
  the cluster CA:      kubectl -n voorportaal get secret {k8s.CLUSTER_CA_SECRET} \\
                         -o jsonpath='{{.data.ca\\.crt}}' | base64 -d
  its signing key:     the line for {done.code} in {done.keys_file}
  its AsyncAPI page:   https://<routing host>/agencies/{done.code}/asyncapi.json
commit the changed manifests: {", ".join(str(p) for p in done.changed_manifests) or "none"}
  (and, for a municipality, routing's data/tenants.toml)"""
