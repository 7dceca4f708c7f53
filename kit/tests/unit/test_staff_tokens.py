"""Staff tokens the console signs with its own private key (ES256 or EdDSA), verified by the
services with its public key only: no signing secret shared with anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from pydantic import SecretStr, ValidationError

from voorportaal_kit.auth import (
    AuthenticationError,
    AuthSettings,
    TokenVerifier,
    generate_staff_key_pair,
    issue_staff_token,
    issue_token,
    load_staff_signing_key,
)
from voorportaal_kit.settings import DEV_JWT_SECRET

PRIVATE, PUBLIC = generate_staff_key_pair()
OTHER_PRIVATE, _ = generate_staff_key_pair()


def asymmetric_only(public: bytes = PUBLIC) -> AuthSettings:
    """A service that holds no HS256 secret at all: only the console's public key."""
    return AuthSettings(algorithms=["ES256"], staff_public_key_pem=public.decode())


def staff(private: bytes = PRIVATE, **overrides: object) -> str:
    args: dict[str, object] = {
        "issuer": "voorportaal-console",
        "audience": "voorportaal",
        "subject": "cm-anna",
        "roles": ["casemanager"],
        "name": "Anna Jansen",
        "team": "team-noord",
    }
    args.update(overrides)
    return issue_staff_token(load_staff_signing_key(private), **args)  # type: ignore[arg-type]


def test_a_console_token_verifies_with_the_consoles_public_key_only() -> None:
    principal = TokenVerifier(asymmetric_only()).verify(staff())
    assert principal.subject == "cm-anna"
    assert principal.roles == frozenset({"casemanager"})
    assert principal.team == "team-noord"
    assert jwt.get_unverified_header(staff())["alg"] == "ES256"


def test_an_ed25519_console_key_signs_eddsa_tokens() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = staff(private)
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert TokenVerifier(asymmetric_only(public)).verify(token).subject == "cm-anna"


def test_an_hs256_token_with_the_old_shared_secret_is_refused() -> None:
    old = issue_token(AuthSettings(hs256_secret=SecretStr(DEV_JWT_SECRET)), "sv-x", ["supervisor"])
    with pytest.raises(AuthenticationError, match="signing algorithm not allowed"):
        TokenVerifier(asymmetric_only()).verify(old)


def test_a_token_signed_by_another_key_is_refused() -> None:
    with pytest.raises(AuthenticationError, match="bad signature"):
        TokenVerifier(asymmetric_only()).verify(staff(OTHER_PRIVATE))


def test_a_console_token_for_another_audience_or_expired_is_refused() -> None:
    verifier = TokenVerifier(asymmetric_only())
    with pytest.raises(AuthenticationError, match="wrong audience"):
        verifier.verify(staff(audience="elsewhere"))
    past = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(AuthenticationError, match="expired"):
        verifier.verify(staff(now=past))


def test_a_console_token_carries_staff_roles_only() -> None:
    with pytest.raises(ValueError, match="staff roles only"):
        staff(roles=["citizen"])
    # Built by hand with the console's key: still refused by the services.
    forged = jwt.encode(
        {
            "iss": "voorportaal-console",
            "aud": "voorportaal",
            "sub": "x",
            "iat": int(datetime.now(UTC).timestamp()),
            "exp": int(datetime.now(UTC).timestamp()) + 60,
            "roles": ["agency:uwv"],
        },
        load_staff_signing_key(PRIVATE),
        algorithm="ES256",
    )
    with pytest.raises(AuthenticationError, match="staff roles only"):
        TokenVerifier(asymmetric_only()).verify(forged)


def test_the_console_key_is_tied_to_its_issuer() -> None:
    # A token claiming another issuer is not checked against the console's key (and with no
    # other key configured, ES256 tokens of other issuers find no key at all).
    settings = AuthSettings(
        algorithms=["HS256"], hs256_secret=SecretStr("s" * 40), staff_public_key_pem=PUBLIC.decode()
    )
    with pytest.raises(AuthenticationError, match="signing algorithm not allowed"):
        TokenVerifier(settings).verify(staff(issuer="someone-else"))
    assert TokenVerifier(settings).verify(staff()).subject == "cm-anna"


def test_the_public_key_comes_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "console.pub").write_bytes(PUBLIC)
    settings = AuthSettings(algorithms=["ES256"], staff_public_key_file=tmp_path / "console.pub")
    assert TokenVerifier(settings).verify(staff()).subject == "cm-anna"
    with pytest.raises(ValidationError, match="staff_public_key_file: cannot read"):
        AuthSettings(staff_public_key_file=tmp_path / "missing.pub", hs256_secret="s" * 40)


def test_a_key_of_another_kind_is_refused() -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    pem = p384.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValidationError, match="EC P-256"):
        asymmetric_only(pem)
    with pytest.raises(ValueError, match="EC P-256"):
        load_staff_signing_key(
            p384.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def test_hs256_staff_tokens_can_be_switched_off_without_an_oidc_provider() -> None:
    settings = AuthSettings(
        hs256_secret=SecretStr("s" * 40),
        hs256_staff_tokens=False,
        staff_public_key_pem=PUBLIC.decode(),
    )
    with pytest.raises(ValueError, match="citizen links only"):
        issue_token(settings, "cm-1", ["casemanager"])
    link = issue_token(settings, "intake:1", ["citizen"], case_id="vp-123456")
    assert TokenVerifier(settings).verify(link).case_id == "vp-123456"
