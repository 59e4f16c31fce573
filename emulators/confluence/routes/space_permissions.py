"""Space permissions: Cloud v2 `GET /spaces/{id}/permissions` (cursor pages of
SpacePermissionAssignment) and Data Center `GET /rest/api/space/{spaceKey}/permissions` (one JSON
array of SpacePermission, DC 9.1+, CONFSERVER-78176). Data: emulators/confluence/space_permissions.py.
Wire names live here rather than in serializers/ to keep this opt-in surface in one additive module.
"""
from emulators.confluence.json_response import JSONResponse

from ..errors import ApiError, not_found
from ..queries import SortedIds
from ..routing import Route
from ..space_permissions import grants
from .v2_common import PREFIX, page_of, spec

DC_SPEC = "confluence-dc-10.0.3.swagger.v3.json"


def _readable_space(ctx, space):
    if space is None or not ctx.instance.visible_to(ctx.user, space):
        return None
    return space


def cloud_space_permissions(ctx):
    space_id = ctx.path_params["id"]
    if not space_id.isdigit():
        raise ApiError(400, f"Provided value {{{space_id}}} for 'id' is not the correct type. Expected type is long.")
    space = _readable_space(ctx, ctx.instance.spaces.get(space_id))
    if space is None:
        raise not_found("space", space_id)
    by_id = {grant.id: grant for grant in grants(ctx.instance, space)}
    ordered = SortedIds([((int(grant_id),), grant_id) for grant_id in by_id])
    return page_of(ctx, ordered, False, lambda grant_id: {
        "id": grant_id,
        "principal": {"type": by_id[grant_id].principal_type, "id": by_id[grant_id].principal_id},
        "operation": {"key": by_id[grant_id].operation, "targetType": by_id[grant_id].target_type}})


def dc_space_permissions(ctx):
    """Admin only on a real site (space admins too); the emulator answers for its admins."""
    space = _readable_space(ctx, ctx.instance.space_by_key.get(ctx.path_params["spaceKey"]))
    if space is None:
        raise ApiError(404, f"No space with key : {ctx.path_params['spaceKey']}")
    if not (ctx.user and ctx.user.is_admin):
        raise ApiError(403, "Permission denied: space permissions need the Confluence Administrator permission")
    out = []
    for grant in grants(ctx.instance, space):
        if grant.principal_type == "access-class":   # DC knows anonymous access only (no licensed-users class)
            if grant.principal_id != "ANONYMOUS":
                continue
            subject = {"type": "anonymous", "displayName": "Anonymous"}
        elif grant.principal_type == "group":
            group = ctx.instance.groups[grant.principal_id]
            subject = {"type": "group", "displayName": group.name, "name": group.name}
        else:
            user = ctx.instance.users[grant.principal_id]
            subject = {"type": "user", "displayName": user.display_name, "username": user.username,
                       "userKey": user.user_key}
        out.append({"operation": {"targetType": grant.target_type, "operationKey": grant.operation},
                    "subject": subject, "spaceKey": space.key, "spaceId": int(space.id)})
    return JSONResponse(out)


ROUTES = [
    Route("GET", f"{PREFIX}/spaces/{{id}}/permissions", cloud_space_permissions, "v2", spec("/spaces/{id}/permissions")),
    Route("GET", "/rest/api/space/{spaceKey}/permissions", dc_space_permissions, "dc",
          (DC_SPEC, "/rest/api/space/{spaceKey}/permissions", "get")),
]
