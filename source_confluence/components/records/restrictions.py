"""content_restrictions: each page's and blog post's own read/update restrictions, the read
restrictions it inherits from its ancestors, and who can therefore read it.

The rule (Confluence "view restrictions are inherited"; Elastic `_resolve_effective_read_access`
and Onyx `page_access.py`, peers doc §2.1): a page is readable only by principals allowed at EVERY
restricted level — its own read restriction and each restricted ancestor's — i.e. the intersection.
Update (edit) restrictions are not inherited. No read restriction anywhere = space permissions apply.

One CQL listing (`type IN (page, blogpost)`, restrictions + ancestors expanded, largest page) brings
every item's own restrictions; inheritance needs the ancestors' entries too, so the retriever keeps a
small entry per item (id, ancestors, principals) and emits once the listing is done. No request
per page (the N+1 langchain#6278 hit rate limits with).

    page 2 (own read: u1, u2) under page 1 (own read: u2, u3)
    → inheritedRead [{fromContentId: "1", users: [u2, u3]}], effectiveRead {isRestricted: true, userIds: [u2]}

`readRestrictionsKnown` is false when the item's own read restriction or an ancestor's was not in the
listing (expansion not honoured, list cut short) or an ancestor is missing from it: a consumer must
then treat the audience as unknown, never as "no restriction" (destination access mode: fail closed).
"""
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from airbyte_cdk.sources.declarative.retrievers import SimpleRetriever
from airbyte_cdk.sources.types import Record, StreamSlice


def _principals(restrictions: Mapping[str, Any], operation: str) -> dict[str, list[str]]:
    by_kind = ((restrictions or {}).get(operation) or {}).get("restrictions") or {}
    users = [u.get("accountId") or u.get("userKey") or u.get("username")
             for u in (by_kind.get("user") or {}).get("results", [])]
    groups = [g.get("id") or g.get("name") for g in (by_kind.get("group") or {}).get("results", [])]
    return {"users": sorted(u for u in users if u), "groups": sorted(g for g in groups if g)}


def _read_known(restrictions: Any) -> bool:
    """Whether the listing really carried the item's read restriction: the `read` block with its user
    and group lists, none of them cut short. A block left in `_expandable` (an expansion the server
    did not honour) or truncated means "unavailable" — never "no restriction"."""
    read = (restrictions or {}).get("read") if isinstance(restrictions, Mapping) else None
    by_kind = (read or {}).get("restrictions") if isinstance(read, Mapping) else None
    if not isinstance(by_kind, Mapping):
        return False
    for kind in ("user", "group"):
        block = by_kind.get(kind)
        if not isinstance(block, Mapping) or not isinstance(block.get("results"), list):
            return False
        total = block.get("totalSize")
        if (block.get("_links") or {}).get("next") or (isinstance(total, int) and total > len(block["results"])):
            return False
    return True


def _is_empty(principals: Mapping[str, list]) -> bool:
    return not principals["users"] and not principals["groups"]


def own_entry(content: Mapping[str, Any]) -> dict[str, Any]:
    space = content.get("space") or {}
    return {"id": str(content["id"]), "type": content.get("type"), "title": content.get("title"),
            "spaceKey": space.get("key"), "spaceId": str(space["id"]) if space.get("id") is not None else None,
            "ancestorIds": [str(a["id"]) for a in content.get("ancestors") or []],
            "ownRead": _principals(content.get("restrictions") or {}, "read"),
            "ownUpdate": _principals(content.get("restrictions") or {}, "update"),
            "ownReadKnown": _read_known(content.get("restrictions"))}


def with_inheritance(entry: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    inherited, unknown = [], []
    known = entry["ownReadKnown"]
    for ancestor_id in entry["ancestorIds"]:
        ancestor = by_id.get(ancestor_id)
        if ancestor is None:
            unknown.append(ancestor_id)   # not in the listing (folder, archived, hidden): cannot tell
            continue
        known = known and ancestor["ownReadKnown"]
        if not _is_empty(ancestor["ownRead"]):
            inherited.append({"fromContentId": ancestor_id, **ancestor["ownRead"]})
    levels = ([entry["ownRead"]] if not _is_empty(entry["ownRead"]) else []) + inherited
    effective: dict[str, Any] = {"isRestricted": bool(levels)}
    if levels:
        effective["userIds"] = sorted(set.intersection(*(set(level["users"]) for level in levels)))
        effective["groupIds"] = sorted(set.intersection(*(set(level["groups"]) for level in levels)))
    out = {key: value for key, value in entry.items() if key not in ("ancestorIds", "ownReadKnown")}
    return {**out, "ancestorIds": entry["ancestorIds"], "inheritedRead": inherited,
            "unresolvedAncestorIds": unknown, "effectiveRead": effective,
            "readRestrictionsKnown": known and not unknown}


@dataclass
class InheritedRestrictionsRetriever(SimpleRetriever):
    """A SimpleRetriever over the CQL listing that emits records only after the last page."""

    def read_records(self, records_schema: Mapping[str, Any],
                     stream_slice: Optional[StreamSlice] = None) -> Iterable[Record]:
        by_id: dict[str, dict[str, Any]] = {}
        for content in super().read_records(records_schema, stream_slice):
            entry = own_entry(content)
            by_id[entry["id"]] = entry
        for entry in by_id.values():
            yield Record(data=with_inheritance(entry, by_id), stream_name=self.name, associated_slice=stream_slice)
