"""Cloud REST v1 routes (`/wiki/rest/api`, also through the gateway prefix): confluence-api.md §4.2,
§4.3, §6. Endpoints deleted from the current v1 spec but still answering on live sites (§1) are
served as `v1-legacy` and validated against the 2023 legacy spec.
"""
from ..routing import Route
from . import v1_content as content
from . import v1_directory as directory

CURRENT = "confluence-cloud-v1.swagger.v3.json"
LEGACY = "confluence-cloud-v1-legacy-2023-08.swagger.v3.json"
P = "/wiki/rest/api"


def _route(path: str, handler, spec_file: str) -> Route:
    return Route("GET", P + path, handler, "v1" if spec_file == CURRENT else "v1-legacy",
                 (spec_file, P + path, "get"))


ROUTES = [
    _route("/content/search", content.content_search, CURRENT),
    _route("/search", content.search, CURRENT),
    _route("/search/user", directory.search_user, CURRENT),
    _route("/user", directory.user_get, CURRENT),
    _route("/user/current", directory.user_current, CURRENT),
    _route("/user/bulk", directory.user_bulk, CURRENT),
    _route("/user/memberof", directory.user_memberof, CURRENT),
    _route("/group", directory.group_list, CURRENT),
    _route("/group/{groupId}/membersByGroupId", directory.group_members_by_id, CURRENT),
    _route("/label", directory.label_list, CURRENT),
    _route("/audit", directory.audit, CURRENT),
    _route("/settings/systemInfo", directory.system_info, CURRENT),
    _route("/content", content.content_list, LEGACY),
    _route("/content/{id}", content.content_get, LEGACY),
    _route("/content/{id}/child/comment", content.child_comments, LEGACY),
    _route("/content/{id}/child/attachment", content.child_attachments, LEGACY),
    _route("/content/{id}/child/{type}", content.child_pages, LEGACY),
    _route("/content/{id}/label", content.content_labels, LEGACY),
    _route("/content/{id}/history", content.content_history, LEGACY),
    _route("/content/{id}/restriction/byOperation", content.content_restrictions, LEGACY),
    _route("/space", content.space_list, LEGACY),
    _route("/space/{spaceKey}", content.space_get, LEGACY),
    _route("/space/{spaceKey}/content", content.space_content, LEGACY),
]
