"""A tiny OIDC provider for the console's tests, on 127.0.0.1: discovery, an authorization
endpoint that signs in whoever the test sets (no form), a token endpoint that checks the client,
the redirect URI and the PKCE verifier (S256 only), and its JWKS. It can be told to answer
wrongly (`tamper`) so the tests see the console refuse."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url_sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcProvider:
    """The provider; `user` is who signs in next, `tamper` one of `nonce`, `audience`, `key`."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = ""
        self.user: dict[str, Any] = {}
        self.tamper = ""
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self._codes: dict[str, dict[str, Any]] = {}
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        """Serve in a thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def reset(self, user: dict[str, Any], tamper: str = "") -> None:
        """Forget earlier requests; sign in `user` next."""
        self.user, self.tamper = user, tamper
        self.authorize_requests.clear()
        self.token_requests.clear()
        self._codes.clear()

    # ------------------------------------------------------------------ endpoints

    def _discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def _jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]}

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("redirect_uri") != (
            self.redirect_uri
        ):
            return 400, {}, b"unknown client or redirect_uri"
        if query.get("response_type") != "code":
            return 400, {}, b"response_type must be code"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            back = {"error": "invalid_request", "state": query.get("state", "")}
            return 302, {"Location": f"{self.redirect_uri}?{urlencode(back)}"}, b""
        code = secrets.token_urlsafe(24)
        self._codes[code] = {
            "challenge": query["code_challenge"],
            "nonce": query.get("nonce", ""),
            "redirect_uri": query["redirect_uri"],
            "user": dict(self.user),
        }
        back = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{self.redirect_uri}?{urlencode(back)}"}, b""

    def _token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        grant = self._codes.pop(form.get("code", ""), None)  # a code is good once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if _b64url_sha256(form.get("code_verifier", "")) != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": "someone-else" if self.tamper == "audience" else self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": "not-the-nonce" if self.tamper == "nonce" else grant["nonce"],
            **grant["user"],
        }
        key = self._other_key if self.tamper == "key" else self._key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test-key"})
        return 200, {"id_token": id_token, "access_token": secrets.token_urlsafe(16)}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status: int, body: Any) -> None:
                headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
                self._send(status, json.dumps(body).encode(), headers)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, provider._discovery())
                elif url.path == "/jwks":
                    self._json(200, provider._jwks())
                elif url.path == "/authorize":
                    status, headers, body = provider._authorize(query)
                    self._send(status, body, headers)
                else:
                    self._send(404, b"", {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                if urlsplit(self.path).path == "/token":
                    status, body = provider._token(form, self.headers.get("Authorization", ""))
                    self._json(status, body)
                else:
                    self._send(404, b"", {})

            def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
                return

        return Handler
