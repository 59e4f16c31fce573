"""What `check` verifies, and one clear message per way it can fail.

`check` does what `write` does before it changes anything: both services answer (`{ __typename }`),
the credentials work (`me`), the Confluence instance id resolves, the service user grants itself
MANAGE, READ and WRITE on the root scope (and READ on each ancestor), then reads the root and its
ancestors and compares the ownership mark. The self-grants are its only side effect, the same grants
every `write` makes first (protocol §4.2); it never claims the root, creates scopes or touches content.

    unreachable service      → "Cannot reach Unique …"
    bad credentials          → "Unique refused the credentials …"
    root scope missing       → "Root scope '…' does not exist in Unique …"
    root of another instance → "Root scope '…' belongs to '…' … another Confluence instance owns it …"
    access refused           → "The service user '…' may not read the root scope '…' … Ask a Unique administrator …"
"""

from __future__ import annotations

from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.instance_identity import confluence_instance_id
from destination_unique.root_scope import RootScope, SyncAborted
from destination_unique.settings import ClientCredentialsAuth, Settings

CREDENTIAL_STATUSES = frozenset({401, 403})


def check_connection(settings: Settings) -> str | None:
    """None when a sync can start; else the message that tells the user what to fix.
    Raises ConfigError for a Confluence instance id that cannot be resolved."""
    client = UniqueClient(settings)
    try:
        try:
            client.health()
            client.me()
        except UniqueApiError as error:
            return describe_service_failure(error, settings)
        root = RootScope(client, settings, confluence_instance_id(settings))
        try:
            root.preflight()
        except SyncAborted as aborted:
            return str(aborted)
        except UniqueApiError as error:
            return describe_service_failure(error, settings)
        return None
    finally:
        client.close()


def describe_service_failure(error: UniqueApiError, settings: Settings) -> str:
    """Unreachable, refused credentials, a wrong URL, or anything else Unique answered."""
    if error.unreachable:
        urls = f"ingestion_url ({settings.ingestion_url}), scope_management_url ({settings.scope_management_url})"
        if isinstance(settings.auth, ClientCredentialsAuth):
            urls += f" and token_url ({settings.auth.token_url})"
        return (f"Cannot reach Unique: {error}. Check {urls}, and that this worker can reach them "
                "(DNS, firewall, proxy).")
    is_token_refused = error.operation == "token" and error.status in (400, 401, 403)
    if error.status in CREDENTIAL_STATUSES or is_token_refused or error.code in ("UNAUTHENTICATED", "UNAUTHORIZED"):
        fields = ("client_id, client_secret, project_id and token_url" if isinstance(settings.auth, ClientCredentialsAuth)
                  else "company_id and user_id (the service user's id)")
        return (f"Unique refused the credentials: {error}. Check {fields}; the service user needs the Zitadel "
                "roles chat.admin.all, chat.knowledge.read and chat.knowledge.write.")
    if error.status == 404:
        return (f"{error}. The URL does not serve this Unique operation: check ingestion_url and "
                "scope_management_url (including any path prefix such as /ingestion).")
    return f"{error}. Check the URLs and credentials."
