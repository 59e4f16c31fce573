"""Where mirrored content lives in Unique. READ on a scope reaches every scope below it, so each
audience gets its own scope BESIDE the others, under a space container that nobody but the service
user may read:

    /Root/ENG                 container (externalId confc:{tenant}:{spaceId}:ENG; no grants)
    /Root/ENG/space           unrestricted content: READ for the space's readers
    /Root/ENG/r-3f9a0c1b2d    content restricted to one audience: READ for exactly that audience
    /Root/ENG/service-only    content whose audience is empty or cannot be computed: no grants

A restricted scope's name is a hash of its grants, so its grants never change: a new audience gets a
new scope and the emptied one is removed. Only `space` has its grants updated in place.
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from destination_unique.access.audience import Grant

SPACE_SCOPE = "space"
SERVICE_ONLY_SCOPE = "service-only"
RESTRICTED_PREFIX = "r-"


def audience_scope_name(grants: Iterable[Grant]) -> str:
    ordered = sorted(grants)
    if not ordered:
        return SERVICE_ONLY_SCOPE
    digest = hashlib.sha256("\n".join(f"{kind}:{entity}" for kind, entity in ordered).encode()).hexdigest()
    return RESTRICTED_PREFIX + digest[:10]


def is_managed_name(name: str) -> bool:
    return name in (SPACE_SCOPE, SERVICE_ONLY_SCOPE) or (name.startswith(RESTRICTED_PREFIX) and len(name) == 12)
