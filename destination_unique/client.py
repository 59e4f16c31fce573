"""Every request the destination makes to Unique (protocol §2, §3): one session, one retry policy.

Transient failures (429, 5xx, connection errors) are retried up to `http_max_retries` times, waiting
`base × 2^(n-1)` seconds or the Retry-After the server sent. Anything else raises `UniqueApiError`
with the status and a short excerpt of the body. Secrets (client secret, bearer token) never reach a
log line or an exception message.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import IO, Any, Callable, Iterable, Iterator

import requests
from requests.adapters import HTTPAdapter

from destination_unique import queries
from destination_unique.settings import ClientCredentialsAuth, Settings

logger = logging.getLogger("airbyte")
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_SIZE = 100
DELETE_BATCH = 20
SCOPE_PATH_BATCH = 100
TIMEOUT_SECONDS = (10, 300)
ZITADEL_SCOPES = ("openid profile email urn:zitadel:iam:user:resourceowner urn:zitadel:iam:org:projects:roles "
                  "urn:zitadel:iam:org:project:id:{project}:aud")


class UniqueApiError(Exception):
    """A Unique request failed for good (non-transient status, GraphQL error, or retries exhausted).

    `status`: the HTTP status, if an answer came; `code`: the first GraphQL error's `extensions.code`
    (e.g. FORBIDDEN, NOT_FOUND); `unreachable`: no answer at all (connection error or timeout).
    """

    def __init__(self, operation: str, detail: str, status: int | None = None, code: str | None = None,
                 unreachable: bool = False):
        super().__init__(f"Unique {operation} failed: {detail}")
        self.operation, self.status, self.code, self.unreachable = operation, status, code, unreachable

    @property
    def is_refused(self) -> bool:
        """The server understood the request and refused it for lack of access."""
        return self.status == 403 or self.code == "FORBIDDEN"

    @property
    def is_not_found(self) -> bool:
        return self.code == "NOT_FOUND"


def _excerpt(response: requests.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:300]}"


class UniqueClient:
    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep):
        self._settings = settings
        self._sleep = sleep
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(16, settings.concurrency * 2))
        self._session.mount("http://", adapter)  # ignore-https-check: in-cluster service URLs (settings.py allows them only there)
        self._session.mount("https://", adapter)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
        self.graphql_url = f"{settings.ingestion_url}/graphql"
        self.scope_management_graphql_url = f"{settings.scope_management_url}/graphql"
        self.file_diff_url = f"{settings.ingestion_url}/v2/content/file-diff"

    def close(self) -> None:
        self._session.close()

    # ── transport ────────────────────────────────────────────────────
    def _send(self, operation: str, method: str, url: str, *, body_factory: Callable[[], Any] | None = None,
              **kwargs: Any) -> requests.Response:
        """One request with the retry policy; `body_factory` re-opens a streamed body for each attempt."""
        attempt = 0
        while True:
            attempt += 1
            try:
                if body_factory is not None:
                    kwargs["data"] = body_factory()
                response = self._session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt > self._settings.http_max_retries:
                    raise UniqueApiError(operation, f"{type(error).__name__} after {attempt} attempts",
                                         unreachable=True) from None
                self._wait(attempt, None, operation, type(error).__name__)
                continue
            if response.status_code in TRANSIENT_STATUSES and attempt <= self._settings.http_max_retries:
                self._wait(attempt, response.headers.get("Retry-After"), operation, f"HTTP {response.status_code}")
                continue
            if not response.ok:
                raise UniqueApiError(operation, _excerpt(response), response.status_code)
            return response

    def _wait(self, attempt: int, retry_after: str | None, operation: str, reason: str) -> None:
        seconds = self._settings.http_backoff_base_seconds * 2 ** (attempt - 1)
        if retry_after is not None:
            try:
                seconds = max(0.0, float(retry_after))
            except ValueError:
                pass
        logger.info(f"Unique {operation}: {reason}, retry {attempt} of {self._settings.http_max_retries} in {seconds:.1f}s")
        self._sleep(seconds)

    def _auth_headers(self) -> dict[str, str]:
        auth = self._settings.auth
        if isinstance(auth, ClientCredentialsAuth):
            return {"Authorization": f"Bearer {self._access_token(auth)}"}
        return {"x-company-id": auth.company_id, "x-user-id": auth.user_id, "x-service-id": auth.service_id}

    def _access_token(self, auth: ClientCredentialsAuth) -> str:
        with self._token_lock:
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            response = self._send("token", "POST", auth.token_url, auth=(auth.client_id, auth.client_secret),
                                  data={"grant_type": "client_credentials",
                                        "scope": ZITADEL_SCOPES.format(project=auth.project_id)})
            payload = response.json()
            if not payload.get("access_token"):
                raise UniqueApiError("token", "the token endpoint returned no access_token")
            lifetime = float(payload.get("expires_in") or 300)
            self._token = payload["access_token"]
            self._token_expires_at = time.monotonic() + max(0.0, lifetime - min(60.0, lifetime / 10))
            return self._token

    def _graphql(self, operation: str, query: str, variables: dict | None = None, *, url: str | None = None) -> dict:
        response = self._send(operation, "POST", url or self.graphql_url, headers=self._auth_headers(),
                              json={"query": query, "variables": variables or {}})
        payload = response.json()
        if payload.get("errors"):
            messages = "; ".join(str(error.get("message")) for error in payload["errors"])[:500]
            code = ((payload["errors"][0] or {}).get("extensions") or {}).get("code")
            raise UniqueApiError(operation, f"GraphQL error: {messages}", code=code if isinstance(code, str) else None)
        return payload.get("data") or {}

    # ── health and identity ──────────────────────────────────────────
    def health(self) -> None:
        self._graphql("health (ingestion)", "{ __typename }")
        self._graphql("health (scope management)", "{ __typename }", url=self.scope_management_graphql_url)

    def me(self) -> str:
        data = self._graphql("me", queries.ME, url=self.scope_management_graphql_url)
        return data["me"]["user"]["id"]

    # ── scopes ───────────────────────────────────────────────────────
    def grant_scope_access(self, scope_id: str, user_id: str, access_types: Iterable[str]) -> None:
        accesses = [{"accessType": kind, "entityId": user_id, "entityType": "USER"} for kind in access_types]
        self._graphql("createScopeAccesses", queries.CREATE_SCOPE_ACCESSES,
                      {"scopeId": scope_id, "scopeAccesses": accesses, "applyToSubScopes": False,
                       "skipFileAccessPropagation": True})

    def _scopes(self, where: dict, take: int = PAGE_SIZE) -> Iterator[dict]:
        skip = 0
        while True:
            data = self._graphql("paginatedScope", queries.PAGINATED_SCOPE, {"skip": skip, "take": take, "where": where})
            nodes = data["paginatedScope"]["nodes"]
            yield from nodes
            skip += len(nodes)
            if not nodes or skip >= data["paginatedScope"]["totalCount"]:
                return

    def get_scope(self, scope_id: str) -> dict | None:
        return next(self._scopes({"id": {"equals": scope_id}}, take=1), None)

    def find_scope_by_external_id(self, external_id: str) -> dict | None:
        return next(self._scopes({"externalId": {"equals": external_id}}, take=1), None)

    def child_scopes(self, parent_id: str) -> list[dict]:
        return list(self._scopes({"parentId": {"equals": parent_id}}))

    def update_scope(self, scope_id: str, *, external_id: Any = ..., parent_id: str | None = None) -> dict:
        update: dict[str, Any] = {}
        if external_id is not ...:
            update["externalId"] = external_id
        if parent_id is not None:
            update["parrentScope"] = {"connect": {"id": parent_id}}  # sic (protocol §3.8)
        return self._graphql("updateScope", queries.UPDATE_SCOPE, {"id": scope_id, "input": update})["updateScope"]

    def generate_scopes(self, paths: list[str], inherit_access: bool = True) -> list[dict]:
        """Scopes for absolute paths, in input order (the server keeps it; protocol §3.8)."""
        created: list[dict] = []
        for start in range(0, len(paths), SCOPE_PATH_BATCH):
            batch = paths[start:start + SCOPE_PATH_BATCH]
            data = self._graphql("generateScopesBasedOnPaths", queries.GENERATE_SCOPES,
                                 {"paths": batch, "inheritAccess": inherit_access})
            created.extend(data["generateScopesBasedOnPaths"])
        return created

    def delete_folder(self, scope_id: str, recursive: bool) -> list[dict]:
        """Returns the failed folders (empty on success)."""
        data = self._graphql("deleteFolder", queries.DELETE_FOLDER, {"scopeId": scope_id, "recursive": recursive})
        return data["deleteFolder"]["failedFolders"]

    def bulk_move(self, scope_ids: list[str], target_scope_id: str) -> dict:
        return self._graphql("bulkMove", queries.BULK_MOVE,
                             {"input": {"scopeIds": scope_ids, "targetScopeId": target_scope_id}})["bulkMove"]

    # ── diff ─────────────────────────────────────────────────────────
    def file_diff(self, partial_key: str, source_kind: str, source_name: str, file_list: list[dict]) -> dict:
        response = self._send("file-diff", "POST", self.file_diff_url, headers=self._auth_headers(),
                              json={"partialKey": partial_key, "sourceKind": source_kind, "sourceName": source_name,
                                    "fileList": file_list})
        payload = response.json()
        return {name: list(payload.get(name) or []) for name in ("newFiles", "updatedFiles", "movedFiles", "deletedFiles")}

    # ── content ──────────────────────────────────────────────────────
    def upsert_content(self, variables: dict, file_url: str | None = None) -> dict:
        """contentUpsert: without `file_url` it registers (→ id, writeUrl, readUrl), with it it finalizes."""
        operation = "contentUpsert (finalize)" if file_url else "contentUpsert (register)"
        data = self._graphql(operation, queries.CONTENT_UPSERT, {**variables, "fileUrl": file_url})
        if not (data.get("contentUpsert") or {}).get("id"):
            raise UniqueApiError(operation, "no content id in the reply")
        return data["contentUpsert"]

    def upload(self, write_url: str, open_body: Callable[[], IO[bytes] | bytes], size: int, mime_type: str) -> None:
        """PUT the bytes to the pre-signed writeUrl: no auth header (protocol §3.3)."""
        headers = {"Content-Type": mime_type, "Content-Length": str(size), "x-ms-blob-type": "BlockBlob"}
        self._send("upload", "PUT", write_url, headers=headers, body_factory=open_body)

    def _contents(self, where: dict, take: int = PAGE_SIZE) -> Iterator[dict]:
        skip = 0
        while True:
            data = self._graphql("paginatedContent", queries.PAGINATED_CONTENT, {"skip": skip, "take": take, "where": where})
            nodes = data["paginatedContent"]["nodes"]
            yield from nodes
            skip += len(nodes)
            if not nodes or skip >= data["paginatedContent"]["totalCount"]:
                return

    def content_ids_for_keys(self, keys: list[str]) -> dict[str, str]:
        """Full key → content id, looked up 100 keys at a time; unknown keys are absent."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), PAGE_SIZE):
            for node in self._contents({"key": {"in": keys[start:start + PAGE_SIZE]}}):
                found[node["key"]] = node["id"]
        return found

    def count_with_prefix(self, prefix: str) -> int:
        data = self._graphql("paginatedContent (count)", queries.PAGINATED_CONTENT,
                             {"skip": 0, "take": 0, "where": {"key": {"startsWith": prefix}}})
        return int(data["paginatedContent"]["totalCount"])

    def first_ids_with_prefix(self, prefix: str) -> list[str]:
        data = self._graphql("paginatedContent", queries.PAGINATED_CONTENT,
                             {"skip": 0, "take": PAGE_SIZE, "where": {"key": {"startsWith": prefix}}})
        return [node["id"] for node in data["paginatedContent"]["nodes"]]

    def content_ids_owned_by(self, scope_id: str) -> list[str]:
        where = {"ownerId": {"equals": scope_id}, "ownerType": {"equals": "SCOPE"}}
        return [node["id"] for node in self._contents(where)]

    def delete_contents(self, content_ids: list[str]) -> tuple[int, int]:
        """Deletes in batches of 20; returns (deleted, failed). A failed batch is logged, the rest go on."""
        deleted = failed = 0
        for start in range(0, len(content_ids), DELETE_BATCH):
            batch = content_ids[start:start + DELETE_BATCH]
            try:
                data = self._graphql("contentDeleteByContentIds", queries.DELETE_CONTENTS, {"contentIds": batch})
                returned = len(data.get("contentDeleteByContentIds") or [])
            except UniqueApiError as error:
                logger.error(f"Deleting {len(batch)} contents failed: {error}")
                returned = 0
            deleted += returned
            failed += len(batch) - returned
        return deleted, failed

    def update_content_url(self, content_id: str, url: str) -> None:
        self._graphql("contentUpdate", queries.CONTENT_UPDATE, {"contentId": content_id, "input": {"url": url}})

    # ── access mirroring (access/mirror.py; protocol §3.5, §3.7, §3.8, §3.9) ──
    def users_by_email(self, emails: Iterable[str]) -> dict[str, dict]:
        """Lower-case e-mail → paginatedUsers node ({id, active, email}), 100 e-mails per request."""
        wanted = sorted({email.lower() for email in emails if email})
        found: dict[str, dict] = {}
        for start in range(0, len(wanted), PAGE_SIZE):
            batch, skip = wanted[start:start + PAGE_SIZE], 0
            while True:
                data = self._graphql("paginatedUsers", queries.PAGINATED_USERS,
                                     {"skip": skip, "take": PAGE_SIZE, "where": {"email": {"in": batch}}},
                                     url=self.scope_management_graphql_url)["paginatedUsers"]
                for node in data["nodes"]:
                    if node.get("email"):
                        found.setdefault(node["email"].lower(), node)
                skip += len(data["nodes"])
                if not data["nodes"] or skip >= data["totalCount"]:
                    break
        return found

    def probe_users(self) -> None:
        self._graphql("paginatedUsers", queries.PAGINATED_USERS, {"skip": 0, "take": 1},
                      url=self.scope_management_graphql_url)

    def scopes_with_accesses(self, paths: list[str]) -> list[dict]:
        """Scopes for absolute paths (missing ones created WITHOUT inheriting access), with their accesses."""
        out: list[dict] = []
        for start in range(0, len(paths), SCOPE_PATH_BATCH):
            data = self._graphql("generateScopesBasedOnPaths", queries.SCOPES_WITH_ACCESSES,
                                 {"paths": paths[start:start + SCOPE_PATH_BATCH], "inheritAccess": False})
            out.extend(data["generateScopesBasedOnPaths"])
        return out

    def change_scope_accesses(self, scope_id: str, accesses: list[dict], *, add: bool) -> None:
        """accesses: [{accessType, entityId, entityType}], never applied to sub-scopes."""
        if not accesses:
            return
        operation, query = (("createScopeAccesses", queries.CREATE_SCOPE_ACCESSES) if add
                            else ("deleteScopeAccesses", queries.DELETE_SCOPE_ACCESSES))
        self._graphql(operation, query, {"scopeId": scope_id, "scopeAccesses": accesses, "applyToSubScopes": False,
                                         "skipFileAccessPropagation": True})

    def contents_with_prefix(self, prefix: str) -> Iterator[dict]:
        """Every stored content under a key prefix: {id, key, ownerId}, 100 per request."""
        return self._contents({"key": {"startsWith": prefix}})

    def move_content(self, content_id: str, owner_id: str) -> None:
        """contentUpdate with a new ownerId: bytes and chunks stay, only the owner scope changes (§3.7)."""
        self._graphql("contentUpdate", queries.MOVE_CONTENT, {"contentId": content_id, "ownerId": owner_id, "input": {}})
