"""Authentication and authorisation primitives shared by every Voorportaal service.

A request carries a JWT bearer token. Staff tokens come from the console, signed with its own
private key (ES256/EdDSA; the services hold only the public key, `staff_public_key_file`), or
from the government OIDC provider (RS256/ES256, keys from its JWKS endpoint); no service holds
a secret that could mint a staff token in production. The citizen's intake link is HS256 with
the suite's own secret (citizen role only beside a public key); in development `voorportaal
token` and the demo data sign HS256 staff tokens too.

`TokenVerifier` turns a token into a `Principal`; `JWTAuthMiddleware` does that for every
Litestar request (401 on failure) and the guards below check roles, agency and case scope (403
on failure).

Nothing here logs or reports personal data: errors name the claim or check that failed, never
a claim's value other than a role name; `Principal.name` is kept out of its repr.
"""

from __future__ import annotations

from voorportaal_kit.auth.guards import (
    CITIZEN_LINK_PREFIX,
    PUBLIC_PATHS,
    JWTAuthMiddleware,
    auth_middleware,
    requires_agency_param,
    requires_case_access,
    requires_role,
)
from voorportaal_kit.auth.principal import (
    AGENCY_PREFIX,
    ANY_AGENCY,
    STAFF_ROLES,
    Principal,
    Role,
    is_valid_role,
)
from voorportaal_kit.auth.settings import (
    STAFF_TOKEN_ROLES,
    AuthSettings,
    hs256_is_citizen_only,
    staff_public_key_text,
    verifies_staff_by_public_key,
)
from voorportaal_kit.auth.tokens import (
    StaffSigningKey,
    can_issue_citizen_links,
    generate_staff_key_pair,
    issue_staff_token,
    issue_token,
    load_staff_signing_key,
)
from voorportaal_kit.auth.verifier import (
    AuthenticationError,
    SigningKeysUnavailableError,
    TokenVerifier,
)

__all__ = [
    "AGENCY_PREFIX",
    "ANY_AGENCY",
    "CITIZEN_LINK_PREFIX",
    "PUBLIC_PATHS",
    "STAFF_ROLES",
    "STAFF_TOKEN_ROLES",
    "AuthSettings",
    "AuthenticationError",
    "JWTAuthMiddleware",
    "Principal",
    "Role",
    "SigningKeysUnavailableError",
    "StaffSigningKey",
    "TokenVerifier",
    "auth_middleware",
    "can_issue_citizen_links",
    "generate_staff_key_pair",
    "hs256_is_citizen_only",
    "is_valid_role",
    "issue_staff_token",
    "issue_token",
    "load_staff_signing_key",
    "requires_agency_param",
    "requires_case_access",
    "requires_role",
    "staff_public_key_text",
    "verifies_staff_by_public_key",
]
