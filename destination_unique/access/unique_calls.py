"""The Unique requests of access mirroring (protocol §3.5, §3.7, §3.8, §3.9), over UniqueClient's
transport and retry policy. Cost per sync: users ⌈emails/100⌉, scopes ⌈paths/100⌉ (+1 child listing
per space), one grant change per scope that differs, ⌈stored items/100⌉ listings per space, one
contentUpdate per item whose audience changed.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from destination_unique.client import PAGE_SIZE, SCOPE_PATH_BATCH, UniqueClient

PAGINATED_USERS = """
query PaginatedUsers($skip: Int, $take: Int, $where: UserWhereInput) {
  paginatedUsers(skip: $skip, take: $take, where: $where) { totalCount nodes { id active email } }
}"""

SCOPES_WITH_ACCESSES = """
mutation GenerateScopesBasedOnPaths($paths: [String!]!, $inheritAccess: Boolean) {
  generateScopesBasedOnPaths(paths: $paths, inheritAccess: $inheritAccess) {
    id name parentId externalId scopeAccess { entityId type entityType }
  }
}"""

SCOPE_ACCESSES = """
mutation {op}($scopeId: String!, $scopeAccesses: [ScopeAccessChangeDto!]!, $applyToSubScopes: Boolean,
              $skipFileAccessPropagation: Boolean) {{
  {field}(scopeId: $scopeId, scopeAccesses: $scopeAccesses, applyToSubScopes: $applyToSubScopes,
          skipFileAccessPropagation: $skipFileAccessPropagation)
}}"""

MOVE_CONTENT = """
mutation ContentUpdate($contentId: String!, $ownerId: String, $input: ContentUpdateInput!) {
  contentUpdate(contentId: $contentId, ownerId: $ownerId, input: $input) { id ownerId ownerType }
}"""

STORED_CONTENT = """
query PaginatedContent($skip: Int!, $take: Int!, $where: ContentWhereInput) {
  paginatedContent(skip: $skip, take: $take, where: $where) { totalCount nodes { id key ownerId } }
}"""


def users_by_email(client: UniqueClient, emails: Iterable[str]) -> dict[str, dict]:
    """Lower-case e-mail → paginatedUsers node, 100 e-mails per request (paged when more come back)."""
    wanted = sorted({email.lower() for email in emails if email})
    found: dict[str, dict] = {}
    for start in range(0, len(wanted), PAGE_SIZE):
        batch, skip = wanted[start:start + PAGE_SIZE], 0
        while True:
            data = client.graphql("paginatedUsers", PAGINATED_USERS,
                                  {"skip": skip, "take": PAGE_SIZE, "where": {"email": {"in": batch}}},
                                  scope_management=True)["paginatedUsers"]
            for node in data["nodes"]:
                if node.get("email"):
                    found.setdefault(node["email"].lower(), node)
            skip += len(data["nodes"])
            if not data["nodes"] or skip >= data["totalCount"]:
                break
    return found


def probe_users(client: UniqueClient) -> None:
    client.graphql("paginatedUsers", PAGINATED_USERS, {"skip": 0, "take": 1}, scope_management=True)


def scopes_with_accesses(client: UniqueClient, paths: list[str]) -> list[dict]:
    """Create what is missing (without inheriting access) and return every scope with its accesses."""
    out: list[dict] = []
    for start in range(0, len(paths), SCOPE_PATH_BATCH):
        data = client.graphql("generateScopesBasedOnPaths", SCOPES_WITH_ACCESSES,
                              {"paths": paths[start:start + SCOPE_PATH_BATCH], "inheritAccess": False})
        out.extend(data["generateScopesBasedOnPaths"])
    return out


def change_accesses(client: UniqueClient, scope_id: str, accesses: list[dict], *, add: bool) -> None:
    """accesses: [{accessType, entityId, entityType}]; never applied to sub-scopes."""
    if not accesses:
        return
    field = "createScopeAccesses" if add else "deleteScopeAccesses"
    client.graphql(field, SCOPE_ACCESSES.format(op=field[0].upper() + field[1:], field=field),
                   {"scopeId": scope_id, "scopeAccesses": accesses, "applyToSubScopes": False,
                    "skipFileAccessPropagation": True})


def stored_contents(client: UniqueClient, prefix: str) -> Iterator[dict]:
    skip = 0
    while True:
        data = client.graphql("paginatedContent", STORED_CONTENT,
                              {"skip": skip, "take": PAGE_SIZE, "where": {"key": {"startsWith": prefix}}})
        nodes = data["paginatedContent"]["nodes"]
        yield from nodes
        skip += len(nodes)
        if not nodes or skip >= data["paginatedContent"]["totalCount"]:
            return


def move_content(client: UniqueClient, content_id: str, owner_id: str) -> None:
    """contentUpdate with a new ownerId: the stored bytes and chunks stay, only the owner scope changes."""
    client.graphql("contentUpdate", MOVE_CONTENT, {"contentId": content_id, "ownerId": owner_id, "input": {}})
