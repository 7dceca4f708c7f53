"""`voorportaal onboard-agency`: a directory agency gets its topic, its principal with ACLs and
its own key in one command; anything else is refused with the field and the reason."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import yaml
from click.testing import CliRunner

from voorportaal.cli import agency_codes, main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["onboard-agency", *args])
    return result.exit_code, result.output


def test_a_directory_agency_gets_topic_principal_with_acls_and_a_key(tmp_path: Path) -> None:
    keys = tmp_path / "agency-keys.toml"
    keys.write_text('uwv = "existing-key-of-uwv-0123456789abcdef0123456789"')  # no newline
    code, out = _run("svb", "--keys-file", str(keys), "--k8s-dir", str(tmp_path / "k8s"))
    assert code == 0, out
    held = tomllib.loads(keys.read_text())
    assert held["uwv"] == "existing-key-of-uwv-0123456789abcdef0123456789"
    assert len(bytes.fromhex(held["svb"])) == 32
    assert held["svb"] not in out, "the key is never printed"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    topics = list(yaml.safe_load_all((tmp_path / "k8s/strimzi/topics.yaml").read_text()))
    assert {"referrals.svb", "referrals.svb.dlq"} <= {t["spec"]["topicName"] for t in topics if t}
    users = {
        u["metadata"]["name"]: u
        for u in yaml.safe_load_all((tmp_path / "k8s/strimzi/users.yaml").read_text())
        if u
    }
    read = {
        acl["resource"]["name"]
        for acl in users["agency-svb"]["spec"]["authorization"]["acls"]
        if "Read" in acl["operations"] and acl["resource"]["type"] == "topic"
    }
    assert read == {"referrals.svb"}
    assert "kubectl -n voorportaal apply -f infra/k8s/strimzi/topics.yaml" in out


def test_an_agency_with_a_key_already_is_not_given_a_second_one(tmp_path: Path) -> None:
    keys = tmp_path / "agency-keys.toml"
    args = ("duo", "--keys-file", str(keys), "--k8s-dir", str(tmp_path / "k8s"))
    assert _run(*args)[0] == 0
    before = keys.read_text()
    code, out = _run(*args)
    assert code == 1
    assert "keys file: duo has a key already" in out
    assert keys.read_text() == before


def test_a_code_the_directory_does_not_know_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    keys = tmp_path / "agency-keys.toml"
    assert "nieuw-bureau" not in agency_codes()
    code, out = _run("nieuw-bureau", "--keys-file", str(keys), "--k8s-dir", str(tmp_path / "k8s"))
    assert code == 1
    assert "code: nieuw-bureau is not in routing's directory" in out
    assert not keys.exists()
    assert not (tmp_path / "k8s").exists()


def test_a_code_that_is_no_agency_code_is_refused(tmp_path: Path) -> None:
    code, out = _run("UWV!", "--keys-file", str(tmp_path / "k.toml"))
    assert code == 1
    assert "code: 'UWV!' must be 2-32 lowercase letters" in out


def test_a_municipality_becomes_its_own_gemeente_wijkteam_and_schuldhulp(tmp_path: Path) -> None:
    keys, tenants, k8s = tmp_path / "keys.toml", tmp_path / "tenants.toml", tmp_path / "k8s"
    tenants.write_text('[[tenant]]\ncode = "GM0363"\nname = "Amsterdam"')  # no newline
    args = ("--keys-file", str(keys), "--k8s-dir", str(k8s), "--tenants-file", str(tenants))
    code, out = _run("GM1680", "--name", "Aa en Hunze", *args)
    assert code == 0, out
    held = tomllib.loads(tenants.read_text())["tenant"]
    assert held == [
        {"code": "GM0363", "name": "Amsterdam"},
        {"code": "GM1680", "name": "Aa en Hunze"},
    ]
    own = ["gemeente-gm1680", "wijkteam-gm1680", "schuldhulp-gm1680"]
    assert sorted(tomllib.loads(keys.read_text())) == sorted(own)
    users = {
        u["metadata"]["name"]: u
        for u in yaml.safe_load_all((k8s / "strimzi/users.yaml").read_text())
        if u
    }
    for agency in own:
        read = {
            acl["resource"]["name"]
            for acl in users[f"agency-{agency}"]["spec"]["authorization"]["acls"]
            if "Read" in acl["operations"] and acl["resource"]["type"] == "topic"
        }
        assert read == {f"referrals.{agency}"}
    assert "agency-gemeente" not in users and "agency-gemeente-gm0363" in users
    assert "agency-gemeente-gm0599" not in users, "only the tenants file's municipalities"
    topics = {
        t["spec"]["topicName"]
        for t in yaml.safe_load_all((k8s / "strimzi/topics.yaml").read_text())
        if t
    }
    assert "referrals.gemeente-gm1680" in topics and "referrals.gemeente" not in topics
    assert "onboarded gemeente-gm1680: topic referrals.gemeente-gm1680" in out
    # Twice is refused before anything changes.
    before = (tenants.read_text(), keys.read_text())
    code, out = _run("GM1680", "--name", "Aa en Hunze", *args)
    assert code == 1 and "code: GM1680 is a tenant already" in out
    assert (tenants.read_text(), keys.read_text()) == before


def test_a_municipality_needs_a_cbs_code_and_a_name(tmp_path: Path) -> None:
    args = ("--keys-file", str(tmp_path / "k.toml"), "--tenants-file", str(tmp_path / "t.toml"))
    code, out = _run("GM0014", *args)
    assert code == 1 and "name: a municipality needs --name" in out
    code, out = _run("GM14", "--name", "Groningen", *args)
    assert code == 1 and "must be a CBS municipality code" in out
    code, out = _run("GM0014", "--name", 'Gro"ningen', *args)
    assert code == 1 and "name: 1-100 characters" in out
    assert not (tmp_path / "t.toml").exists() and not (tmp_path / "k.toml").exists()
