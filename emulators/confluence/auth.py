"""Credentials and what a failure looks like (contracts §1.3, confluence-api.md §3).

Cloud site paths take Basic email:classic-token; scoped tokens and OAuth bearers only work
through the gateway `/ex/confluence/{cloudId}/wiki/...`. Data Center takes Bearer PAT or Basic
username:password. Failure bodies are the measured ones (confluence-api.md §3.6).
"""
from __future__ import annotations

import base64
import binascii
import itertools
import json
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, Response
from emulators.confluence.json_response import JSONResponse

from .routing import Route

CLOUD_CLASSIC_TOKENS = {"demo@example.com": "demo-token", "viewer@example.com": "viewer-token"}
CLOUD_SCOPED_TOKENS = {"demo@example.com": "demo-scoped-token"}
OAUTH_CLIENT = ("demo-client", "demo-client-secret")
OAUTH_SEED_REFRESH_TOKEN = "demo-refresh-token"
OAUTH_USER = "demo@example.com"
OAUTH_SCOPES = "read:page:confluence read:space:confluence read:comment:confluence " \
               "read:attachment:confluence read:label:confluence read:user:confluence " \
               "read:hierarchical-content:confluence read:content.metadata:confluence " \
               "search:confluence read:confluence-groups offline_access"
DC_PATS = {"demo-pat": "admin"}
DC_PASSWORDS = {"admin": "admin-password", "viewer": "viewer-password"}
PUBLIC_TEMPLATES = {"/_edge/tenant_info", "/oauth/token", "/oauth/token/accessible-resources",
                    "/rest/applinks/1.0/manifest"}

_SITE_FORBIDDEN = ("com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: "
                   "403 FORBIDDEN \"Request rejected because caller cannot access Confluence\"")
_TOMCAT_401 = ("<!doctype html><html lang=\"en\"><head><title>HTTP Status 401 – Unauthorized</title>"
               "</head><body><h1>HTTP Status 401 – Unauthorized</h1></body></html>")


class AuthFailure(Exception):
    """Carries the exact response a real server gives for these credentials."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def _site_forbidden() -> AuthFailure:
    return AuthFailure(JSONResponse({"statusCode": 403, "message": _SITE_FORBIDDEN}, status_code=403))


def _gateway_unauthorized() -> AuthFailure:
    return AuthFailure(JSONResponse({"code": 401, "message": "Unauthorized; scope does not match"},
                                    status_code=401))


def _dc_unauthorized() -> AuthFailure:
    return AuthFailure(JSONResponse({"statusCode": 401, "message": "Basic Authentication Failure - "
                                     "Reason : AUTHENTICATED_FAILED"}, status_code=401,
                                    headers={"WWW-Authenticate": 'Basic realm="Protected"'}))


def _basic(header: str) -> tuple[str, str] | None:
    """(user, secret) or None when the header cannot be decoded."""
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    user, colon, secret = decoded.partition(":")
    return (user, secret) if colon else None


class TokenStore:
    """OAuth 2.0 (3LO) tokens. Refresh tokens rotate: each one issued works once. The seed
    refresh token from the README always works so demos and repeated test runs can start."""

    def __init__(self):
        self._serial = itertools.count(1)
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()

    def refresh(self, refresh_token: str) -> dict | None:
        if refresh_token != OAUTH_SEED_REFRESH_TOKEN:
            if refresh_token not in self.refresh_tokens:
                return None
            self.refresh_tokens.discard(refresh_token)
        serial = next(self._serial)
        access, rotated = f"emu-access-{serial}", f"emu-refresh-{serial}"
        self.access_tokens.add(access)
        self.refresh_tokens.add(rotated)
        return {"access_token": access, "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": rotated, "scope": OAUTH_SCOPES}


def authenticate(emulator, request, route: Route, via_gateway: bool):
    """The model.User making this request, or AuthFailure with the real failure response."""
    header = request.headers.get("authorization", "")
    scheme = header.split(" ", 1)[0].lower()
    instance = emulator.instance
    if emulator.options.mode == "datacenter":
        if scheme == "bearer":
            username = DC_PATS.get(header.split(" ", 1)[1].strip() if " " in header else "")
        elif scheme == "basic":
            pair = _basic(header)
            username = pair[0] if pair and DC_PASSWORDS.get(pair[0]) == pair[1] else None
        else:
            username = None
        user = instance.user_for_login(username) if username else None
        if user is None:
            raise _dc_unauthorized()
        return user
    if via_gateway:
        if scheme == "bearer" and header.split(" ", 1)[1].strip() in emulator.tokens.access_tokens:
            return instance.user_for_login(OAUTH_USER)
        pair = _basic(header) if scheme == "basic" else None
        if pair and CLOUD_SCOPED_TOKENS.get(pair[0]) == pair[1]:
            return instance.user_for_login(pair[0])
        raise _gateway_unauthorized()
    if scheme == "basic":
        pair = _basic(header)
        if pair is None:
            raise AuthFailure(HTMLResponse(_TOMCAT_401, status_code=401))
        if CLOUD_CLASSIC_TOKENS.get(pair[0]) == pair[1]:
            return instance.user_for_login(pair[0])
    if scheme == "bearer":   # the site host answers 401 to a 3LO token (confluence-api.md §3.3)
        raise AuthFailure(JSONResponse({"statusCode": 401, "message": "Unauthorized"}, status_code=401))
    raise _site_forbidden()   # wrong, scoped-on-site, or missing Basic: measured 403 (§3.6)


def _form_or_json(body: bytes, content_type: str) -> dict:
    if "json" in content_type:
        try:
            return json.loads(body or b"{}")
        except ValueError:
            return {}
    return {key: values[0] for key, values in parse_qs(body.decode(errors="replace")).items()}


def oauth_token(ctx) -> Response:
    fields = _form_or_json(ctx.body, ctx.headers.get("content-type", ""))
    client_ok = (fields.get("client_id"), fields.get("client_secret")) == OAUTH_CLIENT
    if fields.get("grant_type") != "refresh_token" or not client_ok:
        return JSONResponse({"error": "unauthorized_client",
                             "error_description": "client is not authorized"}, status_code=401)
    issued = ctx.extras["emulator"].tokens.refresh(fields.get("refresh_token", ""))
    if issued is None:
        return JSONResponse({"error": "invalid_grant",
                             "error_description": "Unknown or invalid refresh token."}, status_code=403)
    return JSONResponse(issued)


def accessible_resources(ctx) -> Response:
    header = ctx.headers.get("authorization", "")
    token = header.split(" ", 1)[1].strip() if header.lower().startswith("bearer ") else ""
    if token not in ctx.extras["emulator"].tokens.access_tokens:
        return JSONResponse({"code": 401, "message": "Unauthorized"}, status_code=401)
    return JSONResponse([{"id": ctx.instance.cloud_id, "name": "emulated", "url": ctx.site_base,
                          "scopes": OAUTH_SCOPES.split(),
                          "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png"}])


def tenant_info(ctx) -> Response:
    return JSONResponse({"cloudId": ctx.instance.cloud_id})


ROUTES = [
    Route("POST", "/oauth/token", oauth_token, "gateway"),
    Route("GET", "/oauth/token/accessible-resources", accessible_resources, "gateway"),
    Route("GET", "/_edge/tenant_info", tenant_info, "gateway"),
]
