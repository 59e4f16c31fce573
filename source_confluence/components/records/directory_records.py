"""Spaces, labels, users, groups (members nested) and audit records in one shape for Cloud and Data Center."""
from dataclasses import InitVar, dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from airbyte_cdk.sources.declarative.requesters import Requester
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from source_confluence.components.records.wire_values import absolute, iso_utc, user_id


def _replace(record: Dict[str, Any], shaped: Dict[str, Any]) -> None:
    record.clear()
    record.update(shaped)


@dataclass
class SpaceShaper(RecordTransformation):
    """v2 `{description: {plain: {value}}, homepageId}` or v1 `{description: {plain: {value}}, homepage: {id}}` → flat."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        description = ((record.get("description") or {}).get("plain") or {}).get("value")
        homepage = record.get("homepageId") or (record.get("homepage") or {}).get("id")
        _replace(record, {
            "id": str(record["id"]),
            "key": record.get("key"),
            "name": record.get("name"),
            "type": record.get("type"),
            "status": record.get("status"),
            "description": description,
            "homepageId": str(homepage) if homepage else None,
            "icon": record.get("icon"),
            "authorId": record.get("authorId") or user_id(record.get("creator")),
            "createdAt": iso_utc(record.get("createdAt") or record.get("creationDate")),
            "webUrl": absolute(config["__web_base"], (record.get("_links") or {}).get("webui")),
        })


@dataclass
class LabelShaper(RecordTransformation):
    """{id, name, prefix} (+ usage when the listing carries it)."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        label = record.get("label") if isinstance(record.get("label"), dict) else record
        _replace(record, {"id": str(label["id"]), "name": label.get("name"), "prefix": label.get("prefix"),
                          "usage": record.get("usage", record.get("count"))})


@dataclass
class UserShaper(RecordTransformation):
    """A user (bare, or wrapped as `{"user": {...}}` by /search/user) → id = accountId (Cloud) or userKey (DC)."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        user = record.get("user") if isinstance(record.get("user"), dict) else record
        _replace(record, {
            "id": user_id(user),
            "accountId": user.get("accountId"),
            "username": user.get("username"),
            "displayName": user.get("displayName") or user.get("publicName"),
            "publicName": user.get("publicName"),
            "email": user.get("email") or None,  # "" when hidden by the user's privacy settings
            "accountType": user.get("accountType") or user.get("type"),
            "accountStatus": user.get("accountStatus") or user.get("status"),
            "timeZone": user.get("timeZone"),
            "profilePicture": user.get("profilePicture"),
        })


@dataclass
class GroupMembersNester(RecordTransformation):
    """Adds `members: [{id, displayName}]` to each group: one member listing per group (groups are few).

    Cloud: GET group/{groupId}/membersByGroupId · Data Center: GET group/{groupName}/member.
    """

    members_requester: Requester
    config: Config = field(default_factory=dict)
    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        is_dc = (config or {}).get("deployment_type") == "datacenter"
        path = f"{record['name']}/member" if is_dc else f"{record['id']}/membersByGroupId"
        members: Optional[List[Dict[str, Any]]] = []
        start = 0
        while True:
            response = self.members_requester.send_request(path=self._url(path), request_params={"start": start, "limit": 200})
            if response is not None and response.status_code in (403, 404):
                members = None   # refused or gone: unknown, not empty (the error handler logged why)
                break
            body = response.json() if response is not None and response.content else {}
            page = body.get("results") or []
            members += [{"id": user_id(u), "displayName": u.get("displayName")} for u in page]
            if not page or not (body.get("_links") or {}).get("next"):
                break
            start += len(page)
        group_id = record.get("id") or record.get("name")
        _replace(record, {"id": str(group_id), "name": record.get("name"), "type": record.get("type"),
                          "usageType": record.get("usageType"), "members": members})

    def _url(self, path: str) -> str:
        return self.members_requester.get_url(stream_slice=None).rstrip("/") + "/" + path


@dataclass
class AuditShaper(RecordTransformation):
    """Audit rows have no id: `<creationDate ms>-<sha1(summary, author, remote address)[:8]>` is stable across syncs."""

    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        import hashlib

        digest = hashlib.sha1(repr((record.get("summary"), user_id(record.get("author")),
                                    record.get("remoteAddress"))).encode()).hexdigest()[:8]
        record.setdefault("id", f"{record.get('creationDate')}-{digest}")
        record["id"] = str(record["id"])
        record["createdAt"] = iso_utc(record.get("creationDate"))
