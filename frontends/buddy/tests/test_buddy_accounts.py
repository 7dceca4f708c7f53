"""Local staff accounts: salted scrypt hashes, and the seeded demo accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from buddy.accounts import (
    AccountsFileError,
    AccountStore,
    hash_password,
    load_accounts,
    verify_password,
)
from buddy.settings import DEFAULT_ACCOUNTS_FILE


def test_hash_verifies_its_own_password_only() -> None:
    stored = hash_password("geheim-wachtwoord")
    assert verify_password("geheim-wachtwoord", stored)
    assert not verify_password("geheim-wachtwoorD", stored)
    assert "geheim" not in stored


def test_same_password_gets_a_different_salt_each_time() -> None:
    assert hash_password("zelfde") != hash_password("zelfde")


@pytest.mark.parametrize(
    "stored", ["", "plain-text", "pbkdf2$1$2$3$x$y", "scrypt$16384$8$1$!!!$???", "scrypt$a$b$c$d$e"]
)
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_seeded_accounts_have_roles_and_teams_and_no_plain_passwords() -> None:
    accounts = load_accounts(DEFAULT_ACCOUNTS_FILE)
    roles = sorted(a.role for a in accounts.values())
    assert roles == ["casemanager", "casemanager", "casemanager", "supervisor"]
    assert {a.team for a in accounts.values() if a.role == "casemanager"} == {
        "team-noord",
        "team-zuid",
    }
    text = DEFAULT_ACCOUNTS_FILE.read_text()
    assert "anna-noord-2024" not in text
    assert all(a.password_hash.startswith("scrypt$") for a in accounts.values())


def test_store_authenticates_by_name_and_password() -> None:
    store = AccountStore.from_file(DEFAULT_ACCOUNTS_FILE)
    account = store.authenticate(" Anna ", "anna-noord-2024")
    assert account is not None
    assert (account.subject, account.role, account.team) == ("cm-anna", "casemanager", "team-noord")
    assert store.authenticate("anna", "bram-noord-2024") is None
    assert store.authenticate("nobody", "anna-noord-2024") is None
    assert store.authenticate("anna", "x" * 10_000) is None


def test_account_repr_keeps_the_name_out_of_logs() -> None:
    account = AccountStore.from_file(DEFAULT_ACCOUNTS_FILE).authenticate("anna", "anna-noord-2024")
    assert "Anna" not in repr(account)


def test_teams_for_the_dossier_setting() -> None:
    teams = AccountStore.from_file(DEFAULT_ACCOUNTS_FILE).teams()
    assert teams["cm-chantal"] == "team-zuid"
    assert teams["sv-sophie"] == "team-noord"


def test_accounts_file_with_unknown_role_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text(
        '[[accounts]]\nusername = "x"\nsubject = "op-x"\nname = "X"\nrole = "operator"\n'
        f'team = "t"\npassword_hash = "{hash_password("pw")}"\n'
    )
    with pytest.raises(AccountsFileError, match="role"):
        load_accounts(path)
