"""Local staff accounts: loaded from a TOML file that holds only salted scrypt hashes.

Used on developers' machines, in tests and for demos; production signs staff in through the
government OIDC provider instead (see `settings.ConsoleSettings.auth_mode`).

    uv run python -m buddy.accounts hash          # asks for a password, prints its hash
    uv run python -m buddy.accounts teams-json    # the dossier's VOORPORTAAL_DOSSIER_TEAMS
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import secrets
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from voorportaal_kit.auth import Role

# scrypt cost: ~16 MiB and tens of milliseconds per check; stored with each hash so it can be
# raised later without invalidating existing ones.
_N: Final = 2**14
_R: Final = 8
_P: Final = 1
_DKLEN: Final = 32
_SALT_BYTES: Final = 16
_SCHEME: Final = "scrypt"
_MAX_PASSWORD_CHARS: Final = 256

CONSOLE_ROLES: Final = frozenset({Role.CASEMANAGER.value, Role.SUPERVISOR.value})
"""The roles that may use the console."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_DKLEN, maxmem=64 * 1024 * 1024
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A self-describing salted scrypt hash: `scrypt$n$r$p$<salt>$<key>` (base64)."""
    if not password:
        raise ValueError("password must not be empty")
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (constant-time compare; False for any malformed hash)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


# Checked when the user name is unknown, so an unknown name costs as much time as a wrong
# password and response times do not tell which names exist.
_DUMMY_HASH: Final = hash_password("not-a-password", salt=b"\0" * _SALT_BYTES)


@dataclass(frozen=True, slots=True)
class Account:
    """A staff member who may sign in to the console."""

    username: str
    subject: str
    """Stable id used as the token subject and in audit logs (never the name)."""
    name: str
    role: str
    team: str
    password_hash: str

    def __repr__(self) -> str:  # the name is personal data; keep it out of logs
        return f"Account(subject={self.subject!r}, role={self.role!r}, team={self.team!r})"


class AccountsFileError(ValueError):
    """The accounts file is missing a field or holds a bad value."""


def load_accounts(path: Path) -> dict[str, Account]:
    """The accounts in `path`, by lower-case user name."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    accounts: dict[str, Account] = {}
    for index, raw in enumerate(data.get("accounts", [])):
        try:
            account = Account(
                username=str(raw["username"]).strip().lower(),
                subject=str(raw["subject"]),
                name=str(raw["name"]),
                role=str(raw["role"]),
                team=str(raw["team"]),
                password_hash=str(raw["password_hash"]),
            )
        except KeyError as exc:
            raise AccountsFileError(f"accounts[{index}]: missing field {exc.args[0]!r}") from None
        if account.role not in CONSOLE_ROLES:
            raise AccountsFileError(
                f"accounts[{index}]: role must be one of {sorted(CONSOLE_ROLES)}"
            )
        if not account.password_hash.startswith(f"{_SCHEME}$"):
            raise AccountsFileError(f"accounts[{index}]: password_hash must be a scrypt hash")
        if account.username in accounts:
            raise AccountsFileError(f"accounts[{index}]: duplicate username")
        accounts[account.username] = account
    return accounts


class AccountStore:
    """Looks up and authenticates local accounts."""

    def __init__(self, accounts: dict[str, Account]) -> None:
        self._accounts = accounts

    @classmethod
    def from_file(cls, path: Path) -> AccountStore:
        """The store for the accounts in a TOML file."""
        return cls(load_accounts(path))

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account when name and password match, else None (same cost either way)."""
        key = username.strip().lower()
        account = self._accounts.get(key)
        if len(password) > _MAX_PASSWORD_CHARS:
            return None
        ok = verify_password(password, account.password_hash if account else _DUMMY_HASH)
        return account if ok and account is not None else None

    def by_subject(self, subject: str) -> Account | None:
        """The account with this subject id."""
        return next((a for a in self._accounts.values() if a.subject == subject), None)

    def colleagues(self, subject: str) -> list[Account]:
        """The other casemanagers of `subject`'s team: whom a case can be handed over to."""
        me = self.by_subject(subject)
        if me is None:
            return []
        return sorted(
            (
                a
                for a in self._accounts.values()
                if a.team == me.team and a.subject != subject and a.role == "casemanager"
            ),
            key=lambda a: a.name,
        )

    def casemanagers(self) -> list[Account]:
        """Every casemanager, by name: whom a supervisor can give a case to."""
        return sorted(
            (a for a in self._accounts.values() if a.role == "casemanager"), key=lambda a: a.name
        )

    def teams(self) -> dict[str, str]:
        """Team of each subject: the dossier's `teams` setting, which names the team of a
        handover's receiver (the tokens carry the caller's own team)."""
        return {a.subject: a.team for a in self._accounts.values()}


def main(argv: list[str]) -> int:
    """`hash` prints a new hash for a password read from the terminal; `teams-json` the teams."""
    from buddy.settings import get_settings

    if argv[:1] == ["hash"]:
        password = getpass.getpass("password: ")
        print(hash_password(password))
        return 0
    if argv[:1] == ["teams-json"]:
        store = AccountStore.from_file(get_settings().accounts_file)
        print(json.dumps(store.teams(), sort_keys=True))
        return 0
    print("usage: python -m buddy.accounts hash|teams-json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
