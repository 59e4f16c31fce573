"""Comments and attachments, shaped to one record format whatever API listed them.

Comments — Cloud v2 site-wide `/footer-comments` + `/inline-comments` (replies included, each with
`parentCommentId`), Data Center v1 CQL `type=comment` (parent = the last comment among `ancestors`):
    {"id": "9", "pageId": "7", "parentCommentId": "8", "version": {...}, "properties": {"inlineMarkerRef": "m"}}
    → {"id": "9", "containerId": "7", "containerType": "page", "parentCommentId": "8", "location": "inline", ...}
Attachments — v1 CQL `type=attachment` (space and container come with it):
    {"id": "att5", "container": {"id": "7", "type": "page"}, "extensions": {"mediaType": "..", "fileSize": 12}}
    → {"id": "att5", "containerId": "7", "mediaType": "..", "fileSize": 12, "downloadUrl": "https://…", ...}
  (a v2 attachment object — pageId, mediaType, fileSize, createdAt at the top level — gives the same record,
  without space)
"""
from dataclasses import InitVar, dataclass
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlsplit

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.transformations import RecordTransformation
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from airbyte_cdk.sources.types import Config, StreamSlice, StreamState

from source_confluence.components.records.content_records import body_markdown, common_fields, storage_body, storage_of
from source_confluence.components.records.wire_values import absolute, iso_utc, user_id


def _v2_comment(record: Mapping[str, Any], location: Optional[str], config: Mapping[str, Any]) -> Dict[str, Any]:
    version = record.get("version") or {}
    properties = record.get("properties") or {}
    container_id = record.get("pageId") or record.get("blogPostId")
    storage = storage_of(record)
    return {
        "id": str(record["id"]),
        # Without the listing's location: inline comments carry a marker (footer ones have
        # `resolutionStatus: "open"` too, cloud__v2-footer-comments__1).
        "location": location or ("inline" if properties.get("inlineMarkerRef") or properties.get("inline-marker-ref") else "footer"),
        "containerId": str(container_id) if container_id else None,
        "containerType": "page" if record.get("pageId") else ("blogpost" if record.get("blogPostId") else None),
        "parentCommentId": str(record["parentCommentId"]) if record.get("parentCommentId") else None,
        "title": record.get("title"),
        "status": record.get("status"),
        "inlineMarkerRef": properties.get("inlineMarkerRef") or properties.get("inline-marker-ref"),
        "inlineOriginalSelection": properties.get("inlineOriginalSelection") or properties.get("inline-original-selection"),
        "resolutionStatus": record.get("resolutionStatus"),
        "authorId": version.get("authorId"),
        "createdAt": iso_utc(version.get("createdAt")) if version.get("number") == 1 else None,
        "lastModifiedAt": iso_utc(version.get("createdAt")),
        "version": {"number": version.get("number"), "createdAt": iso_utc(version.get("createdAt")),
                    "authorId": version.get("authorId")},
        "body": storage_body(storage),
        "body_markdown": body_markdown(storage),
        "webUrl": absolute(config["__web_base"], (record.get("_links") or {}).get("webui")),
    }


def _v1_comment(record: Mapping[str, Any], config: Mapping[str, Any]) -> Dict[str, Any]:
    container = record.get("container") or {}
    extensions = record.get("extensions") or {}
    inline = extensions.get("inlineProperties") or {}
    version = record.get("version") or {}
    parents = [a for a in record.get("ancestors") or [] if a.get("type") == "comment"]
    storage = storage_of(record)
    common = common_fields(record, config)
    return {
        "id": str(record["id"]),
        "location": extensions.get("location") or "footer",
        "containerId": str(container["id"]) if container.get("id") is not None else None,
        "containerType": container.get("type"),
        "parentCommentId": str(parents[-1]["id"]) if parents else None,
        "title": record.get("title"),
        "status": record.get("status"),
        "inlineMarkerRef": inline.get("markerRef"),
        "inlineOriginalSelection": inline.get("originalSelection"),
        "resolutionStatus": (extensions.get("resolution") or {}).get("status"),
        "authorId": user_id((record.get("history") or {}).get("createdBy")) or user_id(version.get("by")),
        "createdAt": common["createdAt"],
        "lastModifiedAt": common["lastModifiedAt"],
        "version": {"number": version.get("number"), "createdAt": common["lastModifiedAt"],
                    "authorId": user_id(version.get("by"))},
        "body": storage_body(storage),
        "body_markdown": body_markdown(storage),
        "webUrl": common["webUrl"],
    }


@dataclass
class CommentShaper(RecordTransformation):
    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        is_v1 = "container" in record or record.get("type") == "comment"
        location = (stream_slice or {}).get("location") if stream_slice is not None else None
        shaped = _v1_comment(record, config) if is_v1 else _v2_comment(record, location, config)
        record.clear()
        record.update(shaped)


def staging_name(record: Mapping[str, Any]) -> str:
    """`<containerId>/<attachmentId>-<title>` with every path separator and odd byte made harmless."""
    from source_confluence.components.files.file_transfer import safe_file_name

    return f"{safe_file_name(str(record.get('containerId') or 'none'))}/{safe_file_name(record['id'] + '-' + (record.get('title') or ''))}"


def same_host_link(api_root: str, link: Optional[str], attachment_id: str) -> Optional[str]:
    """The download URL, only if it is on the API's own host: our credentials go with the request."""
    target = absolute(api_root, link)
    if target and urlsplit(target)[:2] != urlsplit(api_root)[:2]:
        raise AirbyteTracedException(
            message=f"Attachment {attachment_id} has a download link on another host ({urlsplit(target).netloc}); "
                    "refusing to send Confluence credentials there.",
            internal_message=f"foreign download host {urlsplit(target).netloc!r}, api root {urlsplit(api_root).netloc!r}",
            failure_type=FailureType.system_error)
    return target


@dataclass
class AttachmentShaper(RecordTransformation):
    parameters: InitVar[Mapping[str, Any]] = None

    def transform(self, record: Dict[str, Any], config: Optional[Config] = None,
                  stream_state: Optional[StreamState] = None, stream_slice: Optional[StreamSlice] = None) -> None:
        container = record.get("container") or {}
        extensions = record.get("extensions") or {}
        version = record.get("version") or {}
        links = record.get("_links") or {}
        common = common_fields(record, config)
        # A v2 attachment object (Cloud /api/v2/attachments) carries at the top level what v1 nests.
        container_id = container.get("id") if container.get("id") is not None else (record.get("pageId") or record.get("blogPostId"))
        container_type = container.get("type") or ("page" if record.get("pageId") else ("blogpost" if record.get("blogPostId") else None))
        modified = common["lastModifiedAt"] or iso_utc(version.get("createdAt"))
        shaped = {
            "id": str(record["id"]),
            "title": record.get("title"),
            "status": record.get("status"),
            "mediaType": extensions.get("mediaType") or (record.get("metadata") or {}).get("mediaType") or record.get("mediaType"),
            "fileSize": extensions.get("fileSize", record.get("fileSize")),
            "comment": extensions.get("comment", record.get("comment")),
            "containerId": str(container_id) if container_id is not None else None,
            "containerType": container_type,
            "spaceId": common["spaceId"],
            "spaceKey": common["spaceKey"],
            "version": {"number": version.get("number"), "createdAt": modified},
            "createdAt": common["createdAt"] or iso_utc(record.get("createdAt")),
            "lastModifiedAt": modified,
            "downloadUrl": absolute(config["__web_base"], links.get("download")),
            "webUrl": common["webUrl"],
        }
        if (config.get("attachments") or {}).get("download_files"):
            # Fetched with our credentials: through the gateway when that is where the API lives.
            shaped["__download_target"] = same_host_link(config["__api_root"], links.get("download"), shaped["id"])
            shaped["__staging_name"] = staging_name(shaped)
        record.clear()
        record.update(shaped)
