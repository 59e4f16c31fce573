"""The largest page size the API allows per object family, read from the emulator's policy table.

`emulators.confluence.pagination.CAPS` is the one table of page-size caps (contracts §1.7); the
bench never restates the numbers, it only says which listing serves which family.
"""

from __future__ import annotations

# family → the Cloud route template that lists it site-wide (the API's own list for that family).
FAMILY_ROUTES: dict[str, str] = {
    "spaces": "GET /wiki/api/v2/spaces",
    "pages": "GET /wiki/api/v2/pages",
    "blog_posts": "GET /wiki/api/v2/blogposts",
    "footer_comments": "GET /wiki/api/v2/footer-comments",
    "inline_comments": "GET /wiki/api/v2/inline-comments",
    "attachments": "GET /wiki/api/v2/attachments",
    "labels": "GET /wiki/api/v2/labels",
    "users": "GET /wiki/rest/api/search/user",
    "groups": "GET /wiki/rest/api/group",
    "group_members": "GET /wiki/rest/api/group/{groupId}/membersByGroupId",
    "audit": "GET /wiki/rest/api/audit",
}
SEARCH_ROUTE = "GET /wiki/rest/api/content/search"


def _cap_for(route: str) -> int:
    from emulators.confluence.pagination import CAPS

    return int(CAPS[route])


def family_page_sizes() -> dict[str, int]:
    return {family: _cap_for(route) for family, route in FAMILY_ROUTES.items()}


def search_page_size() -> int:
    return _cap_for(SEARCH_ROUTE)
