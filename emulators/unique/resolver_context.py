"""What every resolver receives as `info.context`, plus the error and access helpers they share."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from graphql import GraphQLError

from .access import holds_access, reads_are_checked, scope_read_grants
from .store import Store


@dataclass
class ResolverContext:
    store: Store
    assume: dict            # current assumption values (assumptions.py)
    user_id: str            # the authenticated (service) user
    base_url: str           # "http://127.0.0.1:PORT", for writeUrl/readUrl

    def write_url(self, blob_key: str) -> str:
        return f"{self.base_url}/scoped/upload?key={quote(blob_key, safe='')}"

    def read_url(self, blob_key: str) -> str:
        return f"{self.base_url}/scoped/read?key={quote(blob_key, safe='')}"


def user_error(message: str, code: str = "BAD_USER_INPUT") -> GraphQLError:
    """An error the client caused; reported in `errors[]` with extensions.code, HTTP 200."""
    return GraphQLError(message, extensions={"code": code})


def require_scope(context: ResolverContext, scope_id: str) -> dict:
    scope = context.store.get_scope(scope_id)
    if scope is None:
        raise user_error(f"Scope {scope_id} not found", "NOT_FOUND")
    return scope


def require_access(context: ResolverContext, scope_id: str | None, access_type: str) -> None:
    """Gatekeeper in enforce mode (assumption `gatekeeper`): the user needs `access_type` on the
    scope or one of its ancestors, directly or through a group. In the default `off` mode everything is allowed."""
    if context.assume["gatekeeper"] != "enforce" or holds_access(context.store, context.user_id, scope_id, access_type):
        return
    raise user_error(f"User {context.user_id} lacks {access_type} access on scope {scope_id}", "FORBIDDEN")


def require_read(context: ResolverContext, scope_id: str) -> None:
    """Assumption `scope_read=needs_access`: reading the scope needs a read-granting access on it or an
    ancestor (access.py). In the default `open` mode every scope is readable."""
    if reads_are_checked(context.assume) and not scope_read_grants(context.store, context.assume, context.user_id,
                                                                   scope_id):
        raise user_error(f"User {context.user_id} lacks READ access on scope {scope_id}", "FORBIDDEN")
