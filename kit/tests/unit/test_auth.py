"""Behaviour of the kit's auth primitives: token verification, issuing, middleware and guards.

All tokens are signed and checked with real crypto; JWKS comes from a real HTTP server on
127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from litestar import Litestar, Request, get
from litestar.params import FromPath
from litestar.testing import TestClient
from pydantic import ValidationError

from voorportaal_kit.auth import (
    ANY_AGENCY,
    AuthenticationError,
    AuthSettings,
    Principal,
    Role,
    SigningKeysUnavailableError,
    TokenVerifier,
    auth_middleware,
    can_issue_citizen_links,
    issue_token,
    requires_agency_param,
    requires_case_access,
    requires_role,
)

CASE_X = "case-x-000001"
CASE_Y = "case-y-000002"


# --------------------------------------------------------------------------- factories


@cache
def _secret() -> str:
    return secrets.token_urlsafe(32)


def hs_settings(**overrides: Any) -> AuthSettings:
    return AuthSettings(hs256_secret=_secret(), **overrides)


@cache
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def pem_settings(alg: str, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> AuthSettings:
    return AuthSettings(algorithms=[alg], public_key_pem=public_pem(key))


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for the default settings; `None` values drop a claim."""
    now = int(datetime.now(UTC).timestamp())
    base: dict[str, Any] = {
        "iss": "voorportaal-local",
        "aud": "voorportaal",
        "sub": "staff-42",
        "iat": now,
        "exp": now + 600,
        "jti": "token-1",
        "roles": ["casemanager"],
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def hs_token(**overrides: Any) -> str:
    return jwt.encode(claims(**overrides), _secret(), algorithm="HS256")


def rs_token(kid: str | None = None, **overrides: Any) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims(**overrides), rsa_key(), algorithm="RS256", headers=headers)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def reason_of(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthenticationError) as caught:
        verifier.verify(token)
    return caught.value.reason


@pytest.fixture
def verifier() -> TokenVerifier:
    return TokenVerifier(hs_settings())


# --------------------------------------------------------------------------- JWKS server


@dataclass
class JwksServer:
    url: str
    requests: list[str]


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key().public_key(), as_dict=True)
    body = json.dumps({"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}).encode()
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield JwksServer(f"http://127.0.0.1:{server.server_port}/jwks.json", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def jwks_settings(url: str) -> AuthSettings:
    return AuthSettings(algorithms=["RS256"], jwks_url=url)


# --------------------------------------------------------------------------- verification


def test_valid_hs256_token_round_trips_into_a_principal() -> None:
    settings_ = hs_settings()
    token = issue_token(
        settings_,
        "staff-42",
        [Role.CASEMANAGER, Role.agency("uwv")],
        name="Jan Jansen",
        ttl_seconds=600,
    )

    principal = TokenVerifier(settings_).verify(token)

    assert principal.subject == "staff-42"
    assert principal.roles == frozenset({"casemanager", "agency:uwv"})
    assert principal.name == "Jan Jansen"
    assert principal.case_id is None
    assert principal.token_id
    assert principal.has_role(Role.SUPERVISOR, Role.CASEMANAGER)
    assert not principal.has_role(Role.SUPERVISOR)
    assert principal.agency_codes == frozenset({"uwv"})
    assert principal.is_agency("uwv")
    assert not principal.is_agency("svb")


def test_expired_token_is_rejected_with_reason(verifier: TokenVerifier) -> None:
    past = int(datetime.now(UTC).timestamp()) - 3600
    assert reason_of(verifier, hs_token(iat=past - 600, exp=past)) == "token expired"


def test_token_expired_within_leeway_is_still_accepted(verifier: TokenVerifier) -> None:
    now = int(datetime.now(UTC).timestamp())
    assert verifier.verify(hs_token(iat=now - 600, exp=now - 10)).subject == "staff-42"


def test_token_issued_in_the_future_is_rejected(verifier: TokenVerifier) -> None:
    later = int(datetime.now(UTC).timestamp()) + 3600
    assert reason_of(verifier, hs_token(iat=later, exp=later + 600)) == "token not yet valid"


def test_token_outliving_the_maximum_lifetime_is_rejected() -> None:
    verifier = TokenVerifier(hs_settings(max_token_lifetime_seconds=3600))
    now = int(datetime.now(UTC).timestamp())
    reason = reason_of(verifier, hs_token(iat=now, exp=now + 7200))
    assert reason == "token lifetime exceeds the maximum"


def test_wrong_issuer_is_rejected(verifier: TokenVerifier) -> None:
    assert reason_of(verifier, hs_token(iss="someone-else")) == "wrong issuer"


def test_wrong_audience_is_rejected(verifier: TokenVerifier) -> None:
    assert reason_of(verifier, hs_token(aud="another-app")) == "wrong audience"


def test_token_signed_with_another_secret_has_bad_signature(verifier: TokenVerifier) -> None:
    forged = jwt.encode(claims(), secrets.token_urlsafe(32), algorithm="HS256")
    assert reason_of(verifier, forged) == "bad signature"


def test_tampered_payload_has_bad_signature(verifier: TokenVerifier) -> None:
    header, _, signature = hs_token().split(".")
    payload = b64(json.dumps(claims(roles=["supervisor"])).encode())
    assert reason_of(verifier, f"{header}.{payload}.{signature}") == "bad signature"


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub"])
def test_token_missing_a_required_claim_is_rejected(verifier: TokenVerifier, claim: str) -> None:
    assert reason_of(verifier, hs_token(**{claim: None})) == f"missing claim '{claim}'"


def test_token_without_roles_is_rejected(verifier: TokenVerifier) -> None:
    assert reason_of(verifier, hs_token(roles=None)) == "missing claim 'roles'"


def test_token_with_empty_roles_is_rejected(verifier: TokenVerifier) -> None:
    assert reason_of(verifier, hs_token(roles=[])) == "token carries no roles"


def test_roles_claim_that_is_not_a_list_is_rejected(verifier: TokenVerifier) -> None:
    reason = reason_of(verifier, hs_token(roles="casemanager"))
    assert reason == "claim 'roles' must be a list of strings"


@pytest.mark.parametrize("role", ["admin", "agency:", "agency:X", "agency:a", "Casemanager"])
def test_token_with_unknown_role_is_rejected(verifier: TokenVerifier, role: str) -> None:
    assert reason_of(verifier, hs_token(roles=["casemanager", role])).startswith("unknown role")


def test_unsigned_alg_none_token_is_rejected(verifier: TokenVerifier) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims()).encode())
    assert reason_of(verifier, f"{header}.{payload}.") == "signing algorithm not allowed"


def test_hs256_token_is_rejected_when_only_rs256_is_accepted() -> None:
    verifier = TokenVerifier(pem_settings("RS256", rsa_key()))
    assert reason_of(verifier, hs_token()) == "signing algorithm not allowed"


def test_public_key_used_as_hmac_secret_does_not_verify() -> None:
    # Algorithm confusion: sign HS256 with the public key an RS256 verifier trusts.
    settings_ = AuthSettings(
        algorithms=["RS256", "HS256"],
        hs256_secret=_secret(),
        public_key_pem=public_pem(rsa_key()),
    )
    # PyJWT refuses to sign with a PEM as HMAC secret, so forge the signature by hand.
    signing_input = ".".join(
        b64(json.dumps(part).encode()) for part in ({"alg": "HS256", "typ": "JWT"}, claims())
    )
    mac = hmac.new(public_pem(rsa_key()).encode(), signing_input.encode(), hashlib.sha256)
    forged = f"{signing_input}.{b64(mac.digest())}"
    assert reason_of(TokenVerifier(settings_), forged) == "bad signature"


def test_rs256_token_verifies_with_public_key_pem() -> None:
    verifier = TokenVerifier(pem_settings("RS256", rsa_key()))
    assert verifier.verify(rs_token(roles=["supervisor"])).roles == frozenset({"supervisor"})


def test_es256_token_verifies_with_public_key_pem() -> None:
    verifier = TokenVerifier(pem_settings("ES256", ec_key()))
    token = jwt.encode(claims(), ec_key(), algorithm="ES256")
    assert verifier.verify(token).subject == "staff-42"


def test_rs256_token_signed_by_another_key_has_bad_signature() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    verifier = TokenVerifier(pem_settings("RS256", other))
    assert reason_of(verifier, rs_token()) == "bad signature"


def test_rs256_token_verifies_through_jwks_url_fetched_lazily_and_cached(
    jwks_server: JwksServer,
) -> None:
    verifier = TokenVerifier(jwks_settings(jwks_server.url))
    assert jwks_server.requests == []  # nothing fetched at start-up

    first = verifier.verify(rs_token(kid="key-1", sub="staff-1"))
    second = verifier.verify(rs_token(kid="key-1", sub="staff-2"))

    assert (first.subject, second.subject) == ("staff-1", "staff-2")
    assert jwks_server.requests == ["/jwks.json"]


def test_jwks_token_with_unknown_key_id_is_rejected(jwks_server: JwksServer) -> None:
    verifier = TokenVerifier(jwks_settings(jwks_server.url))
    reason = reason_of(verifier, rs_token(kid="rotated-away"))
    assert reason == "no signing key matches the token's key id"


def test_unreachable_jwks_endpoint_is_reported_as_unavailable_keys() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    verifier = TokenVerifier(jwks_settings(f"http://127.0.0.1:{port}/jwks.json"))
    with pytest.raises(SigningKeysUnavailableError):
        verifier.verify(rs_token(kid="key-1"))


def test_keycloak_realm_access_roles_are_accepted_and_defaults_ignored(
    verifier: TokenVerifier,
) -> None:
    realm_access = {
        "roles": ["offline_access", "uma_authorization", "default-roles-rijk", "agency:svb"]
    }
    principal = verifier.verify(hs_token(roles=None, realm_access=realm_access))
    assert principal.roles == frozenset({"agency:svb"})


def test_keycloak_realm_access_with_unknown_role_is_rejected(verifier: TokenVerifier) -> None:
    token = hs_token(roles=None, realm_access={"roles": ["hr-admin"]})
    assert reason_of(verifier, token).startswith("unknown role")


def test_citizen_token_carries_its_case(verifier: TokenVerifier) -> None:
    principal = verifier.verify(hs_token(sub="citizen-7", roles=["citizen"], case_id=CASE_X))
    assert principal.case_id == CASE_X
    assert principal.has_role(Role.CITIZEN)
    assert not principal.is_staff


def test_citizen_token_without_case_id_is_rejected(verifier: TokenVerifier) -> None:
    reason = reason_of(verifier, hs_token(roles=["citizen"]))
    assert reason == "citizen token without claim 'case_id'"


def test_error_messages_do_not_contain_the_name(verifier: TokenVerifier) -> None:
    token = hs_token(aud="another-app", name="Jan Jansen", roles=["citizen"], case_id=CASE_X)
    assert "Jansen" not in reason_of(verifier, token)


def test_principal_repr_leaves_out_the_name() -> None:
    principal = Principal("citizen-7", frozenset({"citizen"}), name="Jan Jansen", case_id=CASE_X)
    assert "Jansen" not in repr(principal)


def test_any_agency_wildcard_matches_only_agency_roles() -> None:
    assert Principal("s", frozenset({"agency:uwv"})).has_role(ANY_AGENCY)
    assert not Principal("s", frozenset({"casemanager"})).has_role(ANY_AGENCY)


_GARBAGE_SEGMENT = st.binary(max_size=64).map(b64)
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=16),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_JSON_SEGMENT = st.dictionaries(
    st.sampled_from(["alg", "kid", "typ", "crit", "exp", "iat", "roles", "sub", "aud", "iss"]),
    _JSON_VALUES,
).map(lambda obj: b64(json.dumps(obj).encode()))
_GARBAGE_TOKENS = (
    st.text()
    | st.tuples(_JSON_SEGMENT, _JSON_SEGMENT, _GARBAGE_SEGMENT).map(".".join)
    | st.tuples(_GARBAGE_SEGMENT, _GARBAGE_SEGMENT, _GARBAGE_SEGMENT).map(".".join)
)


@cache
def _mixed_verifier() -> TokenVerifier:
    return TokenVerifier(
        AuthSettings(
            algorithms=["HS256", "RS256", "ES256"],
            hs256_secret=_secret(),
            public_key_pem=public_pem(rsa_key()),
        )
    )


@settings(max_examples=300, deadline=None)
@given(_GARBAGE_TOKENS)
def test_garbage_never_verifies_and_only_raises_authentication_error(token: str) -> None:
    with pytest.raises(AuthenticationError):
        _mixed_verifier().verify(token)


# --------------------------------------------------------------------------- settings and issuing


def test_short_hs256_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        AuthSettings(hs256_secret="x" * 31)


def test_hs256_without_secret_is_refused() -> None:
    with pytest.raises(ValidationError, match="HS256 requires hs256_secret"):
        AuthSettings()


def test_asymmetric_algorithm_without_key_source_is_refused() -> None:
    with pytest.raises(ValidationError, match="require jwks_url, public_key_pem"):
        AuthSettings(algorithms=["RS256"])


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_never_allowed_in_settings(alg: str) -> None:
    with pytest.raises(ValidationError, match="never allowed"):
        AuthSettings(algorithms=["HS256", alg], hs256_secret=_secret())


def test_plain_http_jwks_url_is_refused_outside_loopback() -> None:
    with pytest.raises(ValidationError, match="https"):
        AuthSettings(algorithms=["RS256"], jwks_url="http://idp.example.nl/jwks")
    AuthSettings(algorithms=["RS256"], jwks_url="https://idp.example.nl/jwks")


def test_private_key_pasted_as_public_key_is_refused() -> None:
    private_pem = rsa_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValidationError, match="not a PEM-encoded public key"):
        AuthSettings(algorithms=["RS256"], public_key_pem=private_pem.decode())


def test_issuing_without_a_secret_is_refused() -> None:
    settings_ = pem_settings("RS256", rsa_key())
    with pytest.raises(ValueError, match="hs256_secret"):
        issue_token(settings_, "staff-42", [Role.OPERATOR])


def test_issuing_a_citizen_token_without_case_is_refused() -> None:
    with pytest.raises(ValueError, match="case_id"):
        issue_token(hs_settings(), "citizen-7", [Role.CITIZEN])


def test_issuing_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        issue_token(hs_settings(), "staff-42", ["root"])


def test_issued_token_expires_after_its_ttl() -> None:
    settings_ = hs_settings()
    issued_at = datetime.now(UTC) - timedelta(hours=2)
    token = issue_token(settings_, "staff-42", [Role.OPERATOR], ttl_seconds=3600, now=issued_at)
    assert reason_of(TokenVerifier(settings_), token) == "token expired"


# --------------------------------------------------------------------------- Litestar


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/whoami", sync_to_thread=False)
def whoami(request: Request[Principal, str, Any]) -> dict[str, str]:
    return {"subject": request.user.subject}


@get(
    "/cases/{case_id:str}",
    guards=[requires_role(Role.CASEMANAGER, Role.SUPERVISOR)],
    sync_to_thread=False,
)
def staff_case(case_id: FromPath[str]) -> dict[str, str]:
    return {"case_id": case_id}


@get(
    "/agencies/{agency_code:str}/referrals",
    guards=[requires_role(ANY_AGENCY, Role.OPERATOR, Role.SUPERVISOR), requires_agency_param()],
    sync_to_thread=False,
)
def agency_referrals(agency_code: FromPath[str]) -> dict[str, str]:
    return {"agency": agency_code}


@get(
    "/citizen/cases/{case_id:str}",
    guards=[requires_role(Role.CITIZEN, Role.CASEMANAGER), requires_case_access()],
    sync_to_thread=False,
)
def citizen_case(case_id: FromPath[str]) -> dict[str, str]:
    return {"case_id": case_id}


@pytest.fixture
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar(
        route_handlers=[health, whoami, staff_case, agency_referrals, citizen_case],
        middleware=[auth_middleware(TokenVerifier(hs_settings()))],
    )
    with TestClient(app) as test_client:
        yield test_client


def bearer(*roles: str, case_id: str | None = None) -> dict[str, str]:
    subject = "citizen-7" if Role.CITIZEN in roles else "staff-42"
    token = issue_token(hs_settings(), subject, roles, case_id=case_id)
    return {"Authorization": f"Bearer {token}"}


def test_request_without_token_gets_401(client: TestClient[Litestar]) -> None:
    response = client.get("/cases/" + CASE_X)
    assert response.status_code == 401
    assert response.json()["detail"] == "missing bearer token"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_request_with_bad_token_gets_401_with_reason(client: TestClient[Litestar]) -> None:
    forged = jwt.encode(claims(), secrets.token_urlsafe(32), algorithm="HS256")
    response = client.get("/cases/" + CASE_X, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid token: bad signature"


def test_non_bearer_authorization_gets_401(client: TestClient[Litestar]) -> None:
    response = client.get("/whoami", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401


def test_wrong_role_gets_403(client: TestClient[Litestar]) -> None:
    response = client.get("/cases/" + CASE_X, headers=bearer(Role.OPERATOR))
    assert response.status_code == 403


def test_right_role_gets_200(client: TestClient[Litestar]) -> None:
    response = client.get("/cases/" + CASE_X, headers=bearer(Role.CASEMANAGER))
    assert response.status_code == 200
    assert response.json() == {"case_id": CASE_X}


def test_authenticated_principal_reaches_the_handler(client: TestClient[Litestar]) -> None:
    response = client.get("/whoami", headers=bearer(Role.OPERATOR))
    assert response.json() == {"subject": "staff-42"}


@pytest.mark.parametrize("path", ["/health", "/schema/openapi.json"])
def test_public_paths_need_no_token(client: TestClient[Litestar], path: str) -> None:
    assert client.get(path).status_code == 200


def test_agency_cannot_reach_another_agencys_referrals(client: TestClient[Litestar]) -> None:
    response = client.get("/agencies/svb/referrals", headers=bearer(Role.agency("uwv")))
    assert response.status_code == 403


def test_agency_reaches_its_own_referrals(client: TestClient[Litestar]) -> None:
    response = client.get("/agencies/uwv/referrals", headers=bearer(Role.agency("uwv")))
    assert response.status_code == 200


def test_operator_reaches_any_agencys_referrals(client: TestClient[Litestar]) -> None:
    response = client.get("/agencies/svb/referrals", headers=bearer(Role.OPERATOR))
    assert response.status_code == 200


def test_citizen_cannot_reach_another_case(client: TestClient[Litestar]) -> None:
    response = client.get(f"/citizen/cases/{CASE_Y}", headers=bearer(Role.CITIZEN, case_id=CASE_X))
    assert response.status_code == 403


def test_citizen_reaches_own_case(client: TestClient[Litestar]) -> None:
    response = client.get(f"/citizen/cases/{CASE_X}", headers=bearer(Role.CITIZEN, case_id=CASE_X))
    assert response.status_code == 200


def test_staff_pass_the_case_guard_to_the_service_layer(client: TestClient[Litestar]) -> None:
    response = client.get(f"/citizen/cases/{CASE_Y}", headers=bearer(Role.CASEMANAGER))
    assert response.status_code == 200


def test_signed_link_token_in_query_is_accepted_under_citizen(
    client: TestClient[Litestar],
) -> None:
    link = issue_token(hs_settings(), "citizen-7", [Role.CITIZEN], case_id=CASE_X)
    response = client.get(f"/citizen/cases/{CASE_X}", params={"token": link})
    assert response.status_code == 200


def test_token_in_query_is_ignored_outside_citizen(client: TestClient[Litestar]) -> None:
    link = issue_token(hs_settings(), "staff-42", [Role.CASEMANAGER])
    response = client.get(f"/cases/{CASE_X}", params={"token": link})
    assert response.status_code == 401


def test_staff_token_in_citizen_link_is_refused(client: TestClient[Litestar]) -> None:
    staff = issue_token(hs_settings(), "staff-42", [Role.CASEMANAGER])
    response = client.get(f"/citizen/cases/{CASE_X}", params={"token": staff})
    assert response.status_code == 401


def test_unanchored_exclude_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="anchored"):
        auth_middleware(TokenVerifier(hs_settings()), exclude=["/health"])


def test_guard_with_unknown_role_is_refused_at_definition() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        requires_role("admin")


def test_jwks_backed_app_accepts_provider_token(jwks_server: JwksServer) -> None:
    app = Litestar(
        route_handlers=[whoami],
        middleware=[auth_middleware(TokenVerifier(jwks_settings(jwks_server.url)))],
    )
    with TestClient(app) as test_client:
        token = rs_token(kid="key-1", sub="staff-9")
        response = test_client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"subject": "staff-9"}


def test_unreachable_key_provider_gets_503_not_401() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    verifier = TokenVerifier(jwks_settings(f"http://127.0.0.1:{port}/jwks.json"))
    app = Litestar(route_handlers=[whoami], middleware=[auth_middleware(verifier)])
    with TestClient(app) as test_client:
        token = rs_token(kid="key-1")
        response = test_client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503


def test_beside_an_oidc_provider_our_own_tokens_are_citizen_links_only() -> None:
    settings_ = AuthSettings(
        algorithms=["RS256", "HS256"],
        hs256_secret=_secret(),
        public_key_pem=public_pem(rsa_key()),
        issuer="https://login.example.nl/realms/voorportaal",
    )
    assert can_issue_citizen_links(settings_)
    verifier = TokenVerifier(settings_)
    link = issue_token(settings_, "intake:1", ["citizen"], case_id="vp-123")
    assert verifier.verify(link).case_id == "vp-123"
    assert jwt.decode(link, options={"verify_signature": False})["iss"] == "voorportaal-links"
    with pytest.raises(ValueError, match="citizen links only"):
        issue_token(settings_, "cm-1", ["casemanager"])
    # Whoever holds the shared secret still cannot mint a staff identity.
    staff = hs_token(iss="voorportaal-links", roles=["casemanager"])
    assert reason_of(verifier, staff) == "a self-signed token may carry only the citizen role"
    # Nor pass a self-signed token off as the provider's.
    posing = hs_token(iss=settings_.issuer, roles=["citizen"], case_id="vp-123")
    assert reason_of(verifier, posing) == "wrong issuer"
    provider = rs_token(iss=settings_.issuer, roles=["supervisor"])
    assert verifier.verify(provider).roles == frozenset({"supervisor"})
    assert not can_issue_citizen_links(pem_settings("RS256", rsa_key()))


def test_a_staff_token_can_carry_the_team() -> None:
    settings_ = hs_settings()
    token = issue_token(settings_, "cm-1", ["casemanager"], team="team-noord")
    assert TokenVerifier(settings_).verify(token).team == "team-noord"
    assert (
        TokenVerifier(settings_).verify(issue_token(settings_, "cm-2", ["casemanager"])).team
        is None
    )
