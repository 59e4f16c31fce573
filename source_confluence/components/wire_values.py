"""Small conversions shared by the record shapers: timestamps, user ids, absolute links, Markdown."""
import datetime
from typing import Any, Mapping, Optional


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
    """Storage-format XHTML → Markdown, through the team's converter (components/markdown.py)."""
    if not html:
        return ""
    try:
        from .markdown import storage_to_markdown  # written by a teammate; imported lazily on purpose
    except ImportError:
        from markdownify import markdownify

        return markdownify(html).strip()
    return storage_to_markdown(html)
