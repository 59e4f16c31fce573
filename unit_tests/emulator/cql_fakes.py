"""A dict-backed item accessor and builders for CQL unit tests (no emulator model needed)."""

from datetime import datetime, timezone

from emulators.confluence.cql import CqlContext, parse, search

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc)


def an_item(item_id: str, **fields) -> dict:
    item = {"id": [item_id], "type": ["page"], "title": [f"Page {item_id}"], "space": ["ENG"],
            "lastmodified": [NOW], "created": [NOW], "visible": True}
    for name, value in fields.items():
        item[name.replace("__", ".")] = value if isinstance(value, (list, bool)) else [value]
    item.setdefault("space.key", item["space"])
    item.setdefault("content", item["id"])
    item.setdefault("text", item["title"])
    return item


class DictAccessor:
    def values(self, item, field):
        return item.get(field, [])

    def last_modified_at(self, item):
        return item["lastmodified"][0]

    def is_indexed(self, item):
        return item.get("indexed", True)

    def is_visible_to(self, item, viewer):
        return item["visible"] or viewer == "admin"


def ids(cql: str, items: list[dict], tz: str = "UTC", now: datetime = NOW, **context) -> list[str]:
    found = search(parse(cql), items, DictAccessor(),
                   CqlContext(now_utc=now, user_timezone=tz, current_user=context.pop("me", "acc-me"),
                              **context))
    return [item["id"][0] for item in found]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
