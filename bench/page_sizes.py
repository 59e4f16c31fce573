"""The largest page size the API allows per object family, read from the emulator's policy table.

`emulators.confluence.pagination.CAPS` is the one table of page-size caps (contracts §1.7), keyed by
API style and list kind; the bench never restates the numbers, it only says which listing serves
which family (the route, and the CAPS entry that route pages by).
"""

from __future__ import annotations

# family → (Cloud route that lists it site-wide, CAPS style, CAPS kind)
FAMILY_LISTINGS: dict[str, tuple[str, str, str]] = {
    "spaces": ("GET /wiki/api/v2/spaces", "v2", "default"),
    "pages": ("GET /wiki/api/v2/pages", "v2", "default"),
    "blog_posts": ("GET /wiki/api/v2/blogposts", "v2", "default"),
    "footer_comments": ("GET /wiki/api/v2/footer-comments", "v2", "default"),
    "inline_comments": ("GET /wiki/api/v2/inline-comments", "v2", "default"),
    "attachments": ("GET /wiki/api/v2/attachments", "v2", "attachments"),
    "labels": ("GET /wiki/api/v2/labels", "v2", "default"),
    "users": ("GET /wiki/rest/api/search/user", "v1", "search"),
    "groups": ("GET /wiki/rest/api/group", "v1", "group"),
    "group_members": ("GET /wiki/rest/api/group/{groupId}/membersByGroupId", "v1", "member"),
    "audit": ("GET /wiki/rest/api/audit", "v1", "audit"),
}
SEARCH_LISTING = ("GET /wiki/rest/api/content/search", "v1", "search")


def _maximum(style: str, kind: str) -> int:
    from emulators.confluence.pagination import CAPS

    return int(CAPS[style][kind].maximum)


def family_page_sizes() -> dict[str, int]:
    return {family: _maximum(style, kind) for family, (_, style, kind) in FAMILY_LISTINGS.items()}


def search_page_size() -> int:
    return _maximum(*SEARCH_LISTING[1:])
