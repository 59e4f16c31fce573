"""The request lower bound of a sync and the time it implies. Pure functions, no I/O.

The lower bound is what a perfect client pays for a dataset: every object family listed once,
site-wide, at the largest page size the API allows for that listing (issue #5):

    lower_bound = Σ_family ⌈n_family / page_size_family⌉  (+ the requests every run must make)

Group members are the exception to "one site-wide listing": the API lists them per group, so
that family costs Σ_group max(1, ⌈members_g / page_size⌉) (an empty group still costs one call).

    bound_time_seconds = lower_bound × latency ÷ concurrency

`critical_path_seconds` is the longest chain of requests that must run one after another
(a cursor listing cannot be parallelised): no concurrency beats it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

# Families in the order the report lists them. `formula` is printed verbatim in the report.
FAMILY_FORMULAS: dict[str, str] = {
    "spaces": "⌈spaces / cap(GET /wiki/api/v2/spaces)⌉",
    "pages": "⌈pages (current; + archived if include_archived) / cap(GET /wiki/api/v2/pages)⌉",
    "blog_posts": "⌈blog posts (current) / cap(GET /wiki/api/v2/blogposts)⌉",
    "footer_comments": "⌈footer comments, every reply level / cap(GET /wiki/api/v2/footer-comments)⌉",
    "inline_comments": "⌈inline comments, every reply level / cap(GET /wiki/api/v2/inline-comments)⌉",
    "attachments": "⌈attachments / cap(GET /wiki/api/v2/attachments)⌉",
    "labels": "⌈labels / cap(GET /wiki/api/v2/labels)⌉",
    "users": "⌈users / cap(user search, or POST /wiki/api/v2/users-bulk: 250 ids)⌉",
    "groups": "⌈groups / cap(GET /wiki/rest/api/group)⌉",
    "group_members": "Σ_group max(1, ⌈members / cap(GET /wiki/rest/api/group/{id}/membersByGroupId)⌉)",
    "audit": "⌈audit records / cap(GET /wiki/rest/api/audit)⌉",
}


@dataclass(frozen=True)
class DatasetCounts:
    """How many objects of each family the sync must deliver (from the emulator's truth)."""

    per_family: Mapping[str, int]
    group_member_counts: tuple[int, ...] = ()


@dataclass(frozen=True)
class FamilyBound:
    family: str
    objects: int
    page_size: int
    requests: int


@dataclass(frozen=True)
class LowerBound:
    families: tuple[FamilyBound, ...]
    fixed_requests: int

    @property
    def total(self) -> int:
        return sum(f.requests for f in self.families) + self.fixed_requests

    @property
    def longest_chain(self) -> int:
        """Requests of the longest sequential listing (one cursor chain)."""
        return max((f.requests for f in self.families if f.family != "group_members"), default=0)


def pages_needed(objects: int, page_size: int) -> int:
    """Requests to list `objects` items at `page_size` per page; an empty listing still costs one."""
    if page_size < 1:
        raise ValueError(f"page size must be at least 1, got {page_size}")
    return max(1, math.ceil(objects / page_size))


def lower_bound(counts: DatasetCounts, page_sizes: Mapping[str, int], fixed_requests: int = 0) -> LowerBound:
    """Σ over families of ⌈n / page size⌉, group members per group, plus `fixed_requests`."""
    families = []
    for family in FAMILY_FORMULAS:
        page_size = page_sizes[family]
        if family == "group_members":
            requests = sum(pages_needed(m, page_size) for m in counts.group_member_counts)
            objects = sum(counts.group_member_counts)
        else:
            objects = counts.per_family.get(family, 0)
            requests = pages_needed(objects, page_size)
        families.append(FamilyBound(family, objects, page_size, requests))
    return LowerBound(tuple(families), fixed_requests)


def incremental_lower_bound(changed_per_stream: Mapping[str, int], page_size: int, fixed_requests: int = 0) -> int:
    """One search per incremental stream finds (and, with expansions, delivers) what changed."""
    return sum(pages_needed(n, page_size) for n in changed_per_stream.values()) + fixed_requests


def bound_time_seconds(requests: int, latency_ms: float, concurrency: int) -> float:
    """The time `requests` take at `latency_ms` each with `concurrency` in flight."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    return requests * latency_ms / 1000.0 / concurrency


def critical_path_seconds(bound: LowerBound, latency_ms: float) -> float:
    """The longest cursor chain at `latency_ms` per request: a floor no concurrency lowers."""
    return bound.longest_chain * latency_ms / 1000.0


# Which families each stream lists. A sync reads streams independently, so a catalog that holds
# several streams over the same family (pages, pages_content, content_index) pays for it again.
STREAM_FAMILIES: dict[str, tuple[str, ...]] = {
    "spaces": ("spaces",), "pages": ("pages",), "blog_posts": ("blog_posts",),
    "comments": ("footer_comments", "inline_comments"), "attachments": ("attachments",), "labels": ("labels",),
    "users": ("users",), "groups": ("groups", "group_members"), "audit": ("audit",),
    "pages_content": ("pages",), "content_index": ("pages", "blog_posts", "attachments"),
}


def catalog_bound(bound: LowerBound, streams: list[str]) -> dict:
    """Σ over the catalog's streams of their families' bounds: the floor for independent streams."""
    requests_per_family = {f.family: f.requests for f in bound.families}
    per_stream = {stream: sum(requests_per_family[f] for f in STREAM_FAMILIES[stream])
                  for stream in streams if stream in STREAM_FAMILIES}
    return {"total": sum(per_stream.values()) + bound.fixed_requests, "per_stream": per_stream,
            "unaccounted_streams": [s for s in streams if s not in STREAM_FAMILIES]}
