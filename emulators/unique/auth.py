"""Authentication (protocol §2.2): a Zitadel-style client-credentials token, or in-cluster headers.

POST /oauth/v2/token  (HTTP Basic demo-client:demo-secret, form grant_type=client_credentials,
scope containing urn:zitadel:iam:org:project:id:demo-project:aud) → {access_token, token_type, expires_in}.
Every API call then needs `Authorization: Bearer <token>`, or x-company-id: demo-company plus
x-user-id: demo-user. Tokens are stored in the database, so they survive a restart.
"""
from __future__ import annotations

import base64
import binascii
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse

from .store import COMPANY_ID, SERVICE_USER_ID

CLIENT_ID = "demo-client"
CLIENT_SECRET = "demo-secret"
PROJECT_ID = "demo-project"
AUDIENCE_SCOPE = f"urn:zitadel:iam:org:project:id:{PROJECT_ID}:aud"


def authenticated_user(request: Request, store) -> str | None:
    """The user id behind the request's credentials, or None (→ 401)."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return store.token_user(authorization[7:].strip())
    if request.headers.get("x-company-id") == COMPANY_ID and request.headers.get("x-user-id") == SERVICE_USER_ID:
        return SERVICE_USER_ID
    return None


def unauthorized() -> JSONResponse:
    return JSONResponse({"statusCode": 401, "message": "Unauthorized"}, status_code=401)


async def issue_token(request: Request, store, ttl_seconds: int) -> JSONResponse:
    if not _has_client_credentials(request.headers.get("authorization", "")):
        return JSONResponse({"error": "invalid_client", "error_description": "client authentication failed"},
                            status_code=401)
    form = {name: values[-1] for name, values in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type",
                             "error_description": "grant_type must be client_credentials"}, status_code=400)
    if AUDIENCE_SCOPE not in form.get("scope", "").split():
        return JSONResponse({"error": "invalid_scope",
                             "error_description": f"scope must contain {AUDIENCE_SCOPE}"}, status_code=400)
    token = store.issue_token(SERVICE_USER_ID, ttl_seconds)
    return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": ttl_seconds})


def _has_client_credentials(authorization: str) -> bool:
    if not authorization.lower().startswith("basic "):
        return False
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    client_id, _, client_secret = decoded.partition(":")
    return secrets.compare_digest(client_id, CLIENT_ID) and secrets.compare_digest(client_secret, CLIENT_SECRET)
