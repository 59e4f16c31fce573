"""Object counts per family from the Confluence emulator's truth (contracts §1.4). Pure."""

from __future__ import annotations

from typing import Any, Mapping

from bench.lower_bound import DatasetCounts


def counts_from_truth(truth: Mapping[str, Any], include_archived: bool = False) -> DatasetCounts:
    """What a full sync must deliver: archived pages only when the config asks for them.

    Blog posts have no archived state on the v2 list (default `current`), so only current ones count.
    """
    page_statuses = {"current", "archived"} if include_archived else {"current"}
    pages = sum(1 for p in truth.get("pages", {}).values() if p.get("status", "current") in page_statuses)
    blog_posts = sum(1 for b in truth.get("blog_posts", {}).values() if b.get("status", "current") == "current")
    comments = truth.get("comments", {}).values()
    groups = truth.get("groups", {})
    return DatasetCounts(
        per_family={
            "spaces": len(truth.get("spaces", {})),
            "pages": pages,
            "blog_posts": blog_posts,
            "footer_comments": sum(1 for c in comments if c.get("location") == "footer"),
            "inline_comments": sum(1 for c in comments if c.get("location") == "inline"),
            "attachments": len(truth.get("attachments", {})),
            "labels": len(truth.get("labels", {})),
            "users": len(truth.get("users", {})),
            "groups": len(groups),
            "audit": len(truth.get("audit", [])),
        },
        group_member_counts=tuple(len(g.get("members", [])) for g in groups.values()),
    )


def current_page_ids(truth: Mapping[str, Any]) -> list[str]:
    """Ids of current pages, in a stable order (numeric where ids are numeric)."""
    ids = [pid for pid, p in truth.get("pages", {}).items() if p.get("status", "current") == "current"]
    return sorted(ids, key=lambda i: (len(i), i))
