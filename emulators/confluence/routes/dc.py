"""Data Center routes (`[context]/rest/api`, `/rest/api/latest` alias resolved by app.py): the v1
surface with the §11 differences — offset pagination everywhere (content/search and search too),
silent page-size caps and an under-counted `start` in `_links.next` (v1_content.DC_POLICY),
`content/scan` cursor listing, `child/comment?depth=all`, usernames, applinks manifest.
No v2 and no `/wiki` in this mode (app.py answers 404).
"""
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from starlette.responses import Response
from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError
from ..pagination import CAPS
from ..routing import Route
from ..serializers.v1 import DEFAULT_CONTENT_EXPAND, V1Writer, parse_expand
from . import v1_content as content
from . import v1_directory as directory

SPEC = "confluence-dc-10.0.3.swagger.v3.json"
P = "/rest/api"


def content_scan(ctx):
    """`GET /rest/api/content/scan`: cursor `cursortype:false:<last id>` (spec-dc example)."""
    inst = ctx.instance
    kind = ctx.query.get("type") or "page"
    space_key, status = ctx.query.get("spaceKey"), ctx.query.get("status") or "current"
    cap = CAPS["dc"]["content"]
    try:
        limit = min(max(1, int(ctx.query.get("limit") or cap.default)), cap.maximum)
        after = int((ctx.query.get("cursor") or "cursortype:false:0").rsplit(":", 1)[1])
    except (ValueError, IndexError):
        raise ApiError(400, "Invalid cursor or limit") from None
    items = sorted((c for c in inst.contents.values() if c.type == kind and c.status == status
                    and (not space_key or inst.spaces[c.space_id].key == space_key)
                    and inst.visible_to(ctx.user, c) and int(c.id) > after), key=lambda c: int(c.id))
    window = items[:limit]
    writer, expand = V1Writer(ctx), parse_expand(ctx.query.get("expand")) if ctx.query.get("expand") is not None \
        else DEFAULT_CONTENT_EXPAND
    cursor = f"cursortype:false:{after}"
    next_cursor = f"cursortype:false:{window[-1].id}" if len(items) > limit else None
    rest = [(k, v) for k, v in ctx.query.multi_items() if k not in ("cursor", "limit")]
    links = {"base": ctx.wiki_base, "context": ctx.context_path, "self": f"{ctx.wiki_base}{P}/content/scan"}
    if next_cursor:
        links["next"] = f"{P}/content/scan?" + urlencode([("limit", limit), ("cursor", next_cursor), *rest])
    body = {"results": [writer.content(c, expand) for c in window], "cursor": cursor, "limit": limit,
            "size": len(window)}
    if next_cursor:
        body["nextCursor"] = next_cursor
    if after:
        body["prevCursor"] = f"cursortype:true:{window[0].id}" if window else cursor
    body["_links"] = links
    return JSONResponse(body)


def applinks_manifest(ctx):
    """Anonymous; JSON with `Accept: application/json`, XML otherwise (§11)."""
    fields = {"id": f"dc-{ctx.instance.cloud_id or 'emulator'}", "name": "Emulated Confluence",
              "typeId": "confluence", "version": "10.0.3", "buildNumber": 10003, "applinksVersion": "10.0.3",
              "publicSignup": False, "url": ctx.wiki_base,
              "iconUrl": f"{ctx.wiki_base}/images/icons/favicon.png"}
    accept = (ctx.headers.get("accept", "") if ctx.headers is not None else "")
    if "application/json" in accept:
        return JSONResponse({**fields, "inboundAuthenticationTypes": ["BasicAuthenticationProvider"],
                             "outboundAuthenticationTypes": ["BasicAuthenticationProvider"]})
    inner = "".join(f"<{k}>{escape(str(v).lower() if isinstance(v, bool) else str(v))}</{k}>" for k, v in fields.items())
    xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><manifest>" + inner +
           "<incomingAuthenticationType>BasicAuthenticationProvider</incomingAuthenticationType>"
           "<outgoingAuthenticationType>BasicAuthenticationProvider</outgoingAuthenticationType></manifest>")
    return Response(xml, media_type="application/xml")


def _route(path: str, handler, in_spec: bool = True) -> Route:
    return Route("GET", P + path, handler, "dc", (SPEC, P + path, "get") if in_spec else None)


ROUTES = [
    _route("/content/search", content.content_search),
    _route("/search", content.search),
    _route("/content/scan", content_scan),
    _route("/content", content.content_list),
    _route("/content/{id}", content.content_get),
    _route("/content/{id}/child/comment", content.child_comments),
    _route("/content/{id}/child/attachment", content.child_attachments),
    _route("/content/{id}/child/{type}", content.child_pages),
    _route("/content/{id}/label", content.content_labels),
    _route("/content/{id}/history", content.content_history),
    _route("/content/{id}/restriction/byOperation", content.content_restrictions),
    _route("/space", content.space_list),
    _route("/space/{spaceKey}", content.space_get),
    _route("/space/{spaceKey}/content", content.space_content),
    _route("/user", directory.user_get),
    _route("/user/current", directory.user_current),
    _route("/user/list", directory.user_list),
    _route("/user/memberof", directory.user_memberof),
    _route("/group", directory.group_list),
    _route("/group/{groupName}/member", directory.group_members_by_name),
    _route("/audit", directory.audit),
    _route("/server-information", directory.server_information),
    # Not in the REST spec (applinks plugin); anonymous (auth.PUBLIC_TEMPLATES).
    Route("GET", "/rest/applinks/1.0/manifest", applinks_manifest, "dc", None),
]
