"""Small conversions shared by the record shapers: timestamps, user ids, absolute links, Markdown."""
import datetime
import functools
from typing import Any, Mapping, Optional

from source_confluence.components.bodies import markdown_processes
from source_confluence.components.bodies.markdown import log_fallback, storage_to_markdown

# `pages` and `pages_content` convert the same bodies, in the same order (both list by lastmodified):
# the second conversion is a cache hit. Keyed by the body itself, so an edited body is converted anew.
MARKDOWN_CACHE_ENTRIES = 512   # the two streams read the same shared pages at the same time


def iso_utc(value: Any) -> Optional[str]:
    """Confluence timestamps (ISO with offset, or epoch millis) → `2026-10-01T12:00:00.000Z`."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        moment = datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)
    else:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_id(user: Optional[Mapping[str, Any]]) -> Optional[str]:
    """Cloud users are known by accountId, Data Center users by userKey (or username)."""
    if not user:
        return None
    return user.get("accountId") or user.get("userKey") or user.get("username")


def absolute(base: str, link: Optional[str]) -> Optional[str]:
    if not link:
        return None
    if "://" in link:
        return link
    return base.rstrip("/") + "/" + link.lstrip("/")


def storage_markdown(html: Optional[str]) -> str:
    """Storage-format XHTML → Markdown (components/bodies/markdown.py), converted in a Markdown process
    when one has it (components/bodies/markdown_processes.py)."""
    return _cached_markdown(html) if html else ""


@functools.lru_cache(maxsize=MARKDOWN_CACHE_ENTRIES)
def _cached_markdown(html: str) -> str:
    converted = markdown_processes.converted(html)    # from a Markdown process when its page was announced
    if converted is None:
        return storage_to_markdown(html)
    markdown, fallback = converted
    if fallback:
        log_fallback(fallback)
    return markdown
