"""Filtered, sorted id lists over the model (no HTTP): what list endpoints page through.

A `SortedIds` keeps unique sort keys ascending; `window()` serves either direction from a key,
so a page costs O(log n + limit). Site-wide lists are cached per mutation generation.
"""
from __future__ import annotations

import bisect
from typing import Callable, Iterable

from .links import epoch_ms


def numeric_id(item_id: str) -> int:
    return int(item_id[3:] if item_id.startswith("att") else item_id)


SORT_KEYS: dict[str, Callable] = {
    "id": lambda item: (numeric_id(item.id),),
    "created-date": lambda item: (epoch_ms(item.created_at), numeric_id(item.id)),
    "modified-date": lambda item: (epoch_ms(item.last_modified_at), numeric_id(item.id)),
    "title": lambda item: (item.title, numeric_id(item.id)),
    "key": lambda item: (item.key, numeric_id(item.id)),
    "name": lambda item: (item.name, numeric_id(item.id)),
}


def parse_sort(value: str | None, allowed: tuple[str, ...], default: str = "id") -> tuple[str, bool]:
    """("modified-date", True) for "-modified-date"; ValueError when not in `allowed`."""
    value = value or default
    descending = value.startswith("-")
    name = value.lstrip("-")
    if name not in allowed:
        raise ValueError(f"sort must be one of {', '.join(allowed)} (optionally prefixed with -), got {value!r}")
    return name, descending


class SortedIds:
    """Ids in ascending sort-key order; keys are unique tuples ending in the numeric id."""

    def __init__(self, keyed: list[tuple[tuple, str]]):
        keyed.sort(key=lambda pair: pair[0])
        self.keys = [key for key, _ in keyed]
        self.ids = [item_id for _, item_id in keyed]

    def __len__(self) -> int:
        return len(self.ids)

    def window(self, after_key: tuple | None, limit: int, descending: bool):
        """(ids, last key, has_more) of the page after `after_key` in the requested direction."""
        if not descending:
            start = 0 if after_key is None else bisect.bisect_right(self.keys, after_key)
            end = min(start + limit, len(self.ids))
            if end <= start:
                return [], None, False
            return self.ids[start:end], self.keys[end - 1], end < len(self.ids)
        end = len(self.ids) if after_key is None else bisect.bisect_left(self.keys, after_key)
        start = max(0, end - limit)
        if end <= start:
            return [], None, False
        return self.ids[start:end][::-1], self.keys[start], start > 0


def ordered(items: Iterable, sort_name: str) -> SortedIds:
    key = SORT_KEYS[sort_name]
    return SortedIds([(key(item), item.id) for item in items])


def ordered_cached(instance, cache_key: tuple, items: Callable[[], Iterable], sort_name: str) -> SortedIds:
    return instance.cached((*cache_key, sort_name), lambda: ordered(items(), sort_name))


def visible_items(instance, user, table: dict, ids: Iterable[str], statuses: tuple[str, ...]):
    """Items of `table` with one of `statuses` that `user` may read (silent filtering)."""
    for item_id in ids:
        item = table.get(item_id)
        if item is not None and item.status in statuses and instance.visible_to(user, item):
            if hasattr(item, "container_id"):
                container = instance.contents[item.container_id]
                if container.status not in ("current", "archived"):
                    continue
            yield item


def descendants(instance, root_id: str, max_depth: int) -> list[tuple[str, int]]:
    """(id, depth) breadth-first under root, depth 1 = direct children."""
    out, frontier = [], [root_id]
    for depth in range(1, max_depth + 1):
        frontier = [child for parent in frontier for child in instance.children.get(parent, ())]
        out.extend((child, depth) for child in frontier)
    return out
