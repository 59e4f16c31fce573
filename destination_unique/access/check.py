"""What `check` adds in access mode `mirror` (it receives no catalog, so the streams are checked by the
first `write`): the settings were validated by parse_settings; here the service user must be able to
list Unique users, which is how Confluence users are matched (by e-mail). Unique documents no group
listing, so the mapping table's group ids cannot be verified here; an unknown id grants nothing."""

from __future__ import annotations

from destination_unique.client import UniqueApiError, UniqueClient
from destination_unique.settings import Settings


def check_access(settings: Settings) -> str | None:
    if not settings.access.is_mirror:
        return None
    client = UniqueClient(settings)
    try:
        client.probe_users()
        return None
    except UniqueApiError as error:
        return ("access.mode is 'mirror', which matches Confluence users to Unique users by e-mail, but the "
                f"service user cannot list Unique users (paginatedUsers): {error}")
    finally:
        client.close()
