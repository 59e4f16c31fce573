"""Real requests for every served operation, built from the emulator's truth (contracts §1.4).

`plan(route, picks)` turns a Route of the emulator's table into concrete requests: path values are
chosen from the truth so that bodies are non-trivial (a page with children, comments, attachments
and labels; a footer comment with replies; a label that is used; a group with members), and each
operation is asked twice where the query matters: once as a client that sends only what is required
(`default`) and once with the richest documented query (`rich`: body-format=storage, include-*,
expand=...). A path value no rule knows is a KeyError, i.e. a failing test, never a silent skip.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Operations that are deliberately outside Atlassian's REST specs, with the reason. Routes whose
# `api` is not a spec API (gateway helpers, the /__emulator control plane) are outside by family.
OUTSIDE_SPECS_BY_API = {
    "gateway": "Atlassian identity/gateway helpers (/_edge/tenant_info, /oauth/token, accessible-resources) "
               "are not part of the Confluence REST specs (confluence-api.md §3)",
    "control": "the emulator's own control plane /__emulator/... (contracts §1.4-1.6), not Confluence",
}
OUTSIDE_SPECS = {
    "GET /wiki/download/attachments/{container_id}/{filename}":
        "attachment bytes at the v2 `downloadLink` (relative to /wiki, §5.1); a site path, not a REST operation",
    "GET /download/attachments/{container_id}/{filename}":
        "DC attachment bytes (the `_links.download` of DC attachments); a site path, not a REST operation",
    "GET /rest/api/content/{id}/child/attachment/{attachment_id}/download":
        "DC download by id: bytes; NOT in the DC 10.0.3 spec (see SPEC_FIDELITY.md, findings)",
    "GET /rest/applinks/1.0/manifest": "DC applinks plugin manifest (XML/JSON), documented in confluence-api.md §11 "
                                       "but not in the DC REST spec",
}

V1_CONTENT_EXPAND = ("body.storage,version,space,history,history.lastUpdated,ancestors,metadata.labels,"
                     "container,children.page,extensions.position")
V2_SINGLE_INCLUDES = {f"include-{name}": "true" for name in (
    "labels", "properties", "operations", "likes", "versions", "version",
    "favorited-by-current-user-status", "collaborators")}

# (regex over the route template, rich query). First match wins; templates without a match have only
# the default request. "{...}" placeholders in values are filled from Picks (see Picks.fill).
RICH_QUERIES: list[tuple[str, dict]] = [
    (r"/wiki/api/v2/(pages|blogposts)/\{id\}", {"body-format": "storage", **V2_SINGLE_INCLUDES}),
    (r"/wiki/api/v2/(footer|inline)-comments/\{comment_id\}", {"body-format": "storage", **V2_SINGLE_INCLUDES}),
    (r"/wiki/api/v2/attachments/\{id\}", V2_SINGLE_INCLUDES),
    (r"/wiki/api/v2/spaces(/\{id\})?", {"description-format": "plain", "include-icon": "true"}),
    (r"/wiki/api/v2/pages/\{id\}/descendants", {"depth": "5"}),
    (r"/wiki/api/v2/.*(pages|blogposts|comments|versions|children)", {"body-format": "storage"}),
    (r".*/rest/api/content/search", {"cql": "type = page", "expand": V1_CONTENT_EXPAND}),
    (r".*/rest/api/search", {"cql": "type = page", "expand": "content.version,content.space,content.body.storage"}),
    (r".*/rest/api/content/scan", {"type": "page", "expand": V1_CONTENT_EXPAND}),
    (r".*/rest/api/content(/\{id\})?", {"type": "page", "expand": V1_CONTENT_EXPAND}),
    (r".*/rest/api/content/\{id\}/child/comment",
     {"location": ["footer", "inline"], "expand": "body.storage,version,extensions.inlineProperties,"
                                                  "extensions.resolution,container,ancestors"}),
    (r".*/rest/api/content/\{id\}/child/attachment", {"expand": "version,container,metadata.mediaType"}),
    (r".*/rest/api/content/\{id\}/child/\{type\}", {"expand": "version,body.storage,space"}),
    (r".*/rest/api/content/\{id\}/history", {"expand": "lastUpdated,previousVersion,contributors.publishers"}),
    (r".*/rest/api/space(/\{spaceKey\})?", {"expand": "description.plain,homepage,icon,metadata.labels"}),
    (r".*/rest/api/space/\{spaceKey\}/content", {"expand": "version,body.storage"}),
    (r".*/rest/api/user/current", {"expand": "operations,personalSpace"}),
]

# Query parameters the operation cannot do without (spec `required: true` or needed for a non-empty body).
REQUIRED_QUERIES: list[tuple[str, dict]] = [
    (r".*/rest/api/(content/)?search", {"cql": "type = page"}),
    (r".*/rest/api/search/user", {"cql": "type = user"}),
    (r"/wiki/rest/api/user(/memberof)?", {"accountId": "{account_id}"}),
    (r"/wiki/rest/api/user/bulk", {"accountId": ["{account_id}", "{other_account_id}"]}),
    (r"/rest/api/user(/memberof)?", {"username": "{username}"}),
    (r".*/rest/api/label", {"name": "{label_name}"}),
    (r".*/rest/api/content/\{id\}/restriction/byOperation", {}),
]

JSON_BODIES = {
    "POST /wiki/api/v2/users-bulk": {"accountIds": ["{account_id}", "{other_account_id}"]},
    "POST /wiki/api/v2/content/convert-ids-to-types": {"contentIds": ["{page_id}", "{blogpost_id}",
                                                                      "{attachment_id}", "{footer_comment_id}"]},
}


@dataclass
class Picks:
    """Ids chosen from the truth; `values` maps placeholder names to them."""
    values: dict[str, str] = field(default_factory=dict)

    def fill(self, value):
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        if isinstance(value, str) and value.startswith("{") and value.endswith("}") and " " not in value:
            return self.values[value[1:-1]]
        return value

    def fill_template(self, template: str) -> str:
        """Every "{pick}" in a path replaced by the picked id."""
        return re.sub(r"\{([^}]+)\}", lambda found: self.values[found.group(1)], template)


def _most(candidates, score):
    ranked = sorted(candidates)
    if not ranked:
        raise LookupError("no candidate in the truth")
    return max(ranked, key=score)      # the first best one: ties go to the smallest id


def picks_from_truth(truth: dict, usernames: list[str] | None = None) -> Picks:
    """Choose the richest objects of each kind (ties broken by id, so runs are deterministic)."""
    comments, attachments = truth["comments"], truth["attachments"]
    children: dict[str, int] = {}
    for item in (*truth["pages"].values(), *truth["other_content"].values()):
        if item.get("parentId"):
            children[item["parentId"]] = children.get(item["parentId"], 0) + 1
    replies: dict[str, int] = {}
    for comment in comments.values():
        if comment["parentCommentId"]:
            replies[comment["parentCommentId"]] = replies.get(comment["parentCommentId"], 0) + 1

    def count(table, key, wanted, **match):
        return sum(1 for row in table.values() if row.get(key) == wanted
                   and all(row.get(k) == v for k, v in match.items()))

    def roots(cid, location):
        return count(comments, "containerId", cid, location=location, parentCommentId=None)

    pages, blogs = truth["pages"], truth["blog_posts"]
    current_pages = [p for p, row in pages.items() if row["status"] == "current"]
    # The best container per sub-resource, so that e.g. /blogposts/{id}/labels is asked about a
    # blog post that has labels; "any" is the richest overall (for the object itself).
    sub_scores = {
        "footer-comments": lambda table, cid: roots(cid, "footer"),
        "inline-comments": lambda table, cid: roots(cid, "inline"),
        "comments": lambda table, cid: (roots(cid, "footer") > 0 and roots(cid, "inline") > 0, roots(cid, "inline")),
        "attachments": lambda table, cid: count(attachments, "containerId", cid),
        "labels": lambda table, cid: len(table[cid]["labels"]),
        "versions": lambda table, cid: table[cid]["version"],
        "children": lambda table, cid: children.get(cid, 0),
        "ancestors": lambda table, cid: (table[cid].get("parentType") == "page", table[cid].get("parentId") is not None),
        "any": lambda table, cid: (roots(cid, "footer") > 0, roots(cid, "inline") > 0,
                                   count(attachments, "containerId", cid) > 0, len(table[cid]["labels"]) > 0,
                                   children.get(cid, 0) > 0, not table[cid]["bodyEmpty"], table[cid]["version"]),
    }
    containers = {}
    for kind, table, candidates in (("page", pages, current_pages), ("blogpost", blogs, list(blogs))):
        for sub, score in sub_scores.items():
            containers[f"{kind}:{sub}"] = _most(candidates, lambda cid: score(table, cid)) if candidates else ""
    page_id, blogpost_id = containers["page:any"], containers["blogpost:any"]
    space_id = _most(truth["spaces"], lambda s: sum(1 for p in pages.values() if p["spaceId"] == s))
    blog_space_id = _most(truth["spaces"], lambda s: sum(1 for b in blogs.values() if b["spaceId"] == s))
    label_names = {f"{row['prefix']}:{row['name']}": lid for lid, row in truth["labels"].items()}
    page_label = _most(label_names, lambda n: sum(n in p["labels"] for p in pages.values()))
    blog_label = _most(label_names, lambda n: sum(n in b["labels"] for b in blogs.values()))
    footer = [c for c, row in comments.items() if row["location"] == "footer"]
    inline = [c for c, row in comments.items() if row["location"] == "inline"]
    groups = truth["groups"]
    group_id = _most(groups, lambda g: len(groups[g]["members"]))
    users = truth["users"]
    account_ids = sorted(users, key=lambda a: (users[a]["emailHidden"], a))
    attachment_id = _most(attachments, lambda a: (attachments[a]["version"], attachments[a]["containerId"] == page_id))
    values = {
        "page_id": page_id, "blogpost_id": blogpost_id, "space_id": space_id, "blog_space_id": blog_space_id,
        "space_key": truth["spaces"][space_id]["key"],
        **containers,
        "attachment_id": attachment_id, "attachment_container": attachments[attachment_id]["containerId"],
        "footer_comment_id": _most(footer, lambda c: replies.get(c, 0)),
        "inline_comment_id": _most(inline, lambda c: replies.get(c, 0)),
        "page_label_id": label_names[page_label], "blog_label_id": label_names[blog_label],
        "label_name": truth["labels"][label_names[page_label]]["name"],
        "group_id": group_id, "group_name": groups[group_id]["name"],
        "account_id": account_ids[0], "other_account_id": account_ids[-1],
        "username": (usernames or ["admin"])[0],
    }
    for kind in ("folder", "database", "whiteboard", "embed"):
        found = [i for i, row in truth["other_content"].items() if row["type"] == kind]
        values[kind] = _most(found, lambda i: children.get(i, 0)) if found else ""
    return Picks(values)


# Path value per (segment before the placeholder, placeholder name). The child/{type} value is "page".
PATH_VALUES = {
    ("pages", "id"): "page_id", ("blogposts", "id"): "blogpost_id", ("spaces", "id"): "space_id",
    ("attachments", "id"): "attachment_id", ("footer-comments", "id"): "footer_comment_id",
    ("footer-comments", "comment_id"): "footer_comment_id", ("inline-comments", "id"): "inline_comment_id",
    ("inline-comments", "comment_id"): "inline_comment_id", ("folders", "id"): "folder",
    ("databases", "id"): "database", ("whiteboards", "id"): "whiteboard", ("embeds", "id"): "embed",
    ("content", "id"): "page_id", ("space", "spaceKey"): "space_key", ("group", "groupId"): "group_id",
    ("group", "groupName"): "group_name", ("attachment", "attachment_id"): "attachment_id",
}
# Sub-resources that need a better-suited object than the default one: (template regex, placeholder,
# pick name); "\\1"-style groups are expanded from the match.
V1_SUBS = {"child/comment": "comments", "child/attachment": "attachments", "child/{type}": "children",
           "label": "labels", "history": "versions"}
PATH_OVERRIDES = [
    (r"/wiki/api/v2/(page|blogpost)s/\{id\}/(footer-comments|inline-comments|attachments|labels|versions|ancestors)",
     "id", r"\1:\2"),
    (r"/wiki/api/v2/pages/\{id\}/(children|direct-children|descendants)", "id", "page:children"),
    *[(r".*/rest/api/content/\{id\}/" + re.escape(sub), "id", f"page:{pick}") for sub, pick in V1_SUBS.items()],
    (r".*/content/\{id\}/child/attachment/\{attachment_id\}/download", "id", "attachment_container"),
    (r"/wiki/api/v2/labels/\{id\}/blogposts", "id", "blog_label_id"),
    (r"/wiki/api/v2/labels/\{id\}/attachments", "id", "attachment_label_id"),
    (r"/wiki/api/v2/attachments/\{id\}/labels", "id", "labelled_attachment_id"),
    (r"/wiki/api/v2/labels/\{id\}.*", "id", "page_label_id"),
]


@dataclass(frozen=True)
class PlannedRequest:
    variant: str
    method: str
    path: str                         # route template with values, without the DC context path
    params: dict
    json: dict | None = None


def _fill_path(template: str, picks: Picks) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "type":
            return "page"
        segment = template[:match.start()].rstrip("/").rsplit("/", 1)[-1]
        key = next((found.expand(key) for pattern, placeholder, key in PATH_OVERRIDES
                    if placeholder == name and (found := re.fullmatch(pattern, template))), None) \
            or PATH_VALUES[(segment, name)]
        if not picks.values.get(key):
            raise LookupError(f"the truth has no object for {{{name}}} in {template} ({key})")
        return picks.values[key]

    return re.sub(r"\{([^}]+)\}", value, template)


def _first(table, template: str) -> dict | None:
    return next((dict(query) for pattern, query in table if re.fullmatch(pattern, template)), None)


def plan(route, picks: Picks) -> list[PlannedRequest]:
    """The default and (when it differs) the rich request for one route."""
    path = _fill_path(route.template, picks)
    required = picks.fill(_first(REQUIRED_QUERIES, route.template) or {})
    body = picks.fill(JSON_BODIES[route.key]) if route.method != "GET" else None
    planned = [PlannedRequest("default", route.method, path, required, body)]
    rich = _first(RICH_QUERIES, route.template)
    if rich:
        planned.append(PlannedRequest("rich", route.method, path, {**required, **picks.fill(rich)}, body))
    return planned

# Operations whose tiny-profile answer may legitimately have `results: []` (checked by hand; each
# still gets its envelope validated).
MAY_BE_EMPTY: dict[str, str] = {}
