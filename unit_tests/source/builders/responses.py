"""Response bodies in the shapes the Confluence specs document (confluence-api.md §5-6)."""
import json
from typing import Any, Dict, List, Optional

from airbyte_cdk.test.mock_http import HttpResponse


def v1_content(content_id: str, *, kind: str = "page", title: Optional[str] = None, when: str = "2026-10-01T12:00:00.000Z",
               version: int = 1, space_key: str = "ENG", space_id: int = 100, ancestors: List[str] = (),
               labels: List[str] = (), body: str = "<p>Hello</p>", created: Optional[str] = None) -> Dict[str, Any]:
    return {
        "id": content_id, "type": kind, "status": "current", "title": title or f"{kind} {content_id}",
        "space": {"id": space_id, "key": space_key, "name": f"{space_key} space"},
        "history": {"createdDate": created or when, "createdBy": {"accountId": "acc-1"}},
        "version": {"number": version, "when": when, "by": {"accountId": "acc-2"}, "message": ""},
        "ancestors": [{"id": a, "type": "page"} for a in ancestors],
        "metadata": {"labels": {"results": [{"id": f"l-{n}", "name": n, "prefix": "global"} for n in labels]}},
        "body": {"storage": {"value": body, "representation": "storage"}},
        "_links": {"webui": f"/spaces/{space_key}/pages/{content_id}"},
    }


def v1_attachment(att_id: str, container_id: str, *, size: int = 10, media_type: str = "text/plain") -> Dict[str, Any]:
    record = v1_content(att_id, kind="attachment", title=f"{att_id}.txt")
    record.update({"container": {"id": container_id, "type": "page"},
                   "extensions": {"mediaType": media_type, "fileSize": size},
                   "_links": {"webui": f"/pages/{container_id}?preview={att_id}",
                              "download": f"/download/attachments/{container_id}/{att_id}.txt?version=1&api=v2"}})
    return record


def cloud_search_page(results: List[Dict[str, Any]], next_cursor: Optional[str] = None) -> HttpResponse:
    links: Dict[str, Any] = {"base": "https://acme.atlassian.net/wiki", "context": "/wiki"}
    if next_cursor:
        links["next"] = f"/rest/api/content/search?cql=x&limit=250&cursor={next_cursor}"
    return HttpResponse(json.dumps({"results": results, "start": 0, "limit": 250, "size": len(results), "_links": links}))


def offset_page(results: List[Dict[str, Any]], start: int = 0, has_next: bool = False, next_start: Optional[int] = None) -> HttpResponse:
    links: Dict[str, Any] = {"base": "https://wiki.corp.example/confluence", "context": "/confluence"}
    if has_next:
        links["next"] = f"/rest/api/x?limit=200&start={next_start if next_start is not None else start + len(results)}"
    return HttpResponse(json.dumps({"results": results, "start": start, "limit": 200, "size": len(results), "_links": links}))


def v2_page(results: List[Dict[str, Any]], next_cursor: Optional[str] = None, resource: str = "spaces") -> HttpResponse:
    links: Dict[str, Any] = {"base": "https://acme.atlassian.net/wiki"}
    if next_cursor:
        links["next"] = f"/wiki/api/v2/{resource}?limit=250&cursor={next_cursor}"
    return HttpResponse(json.dumps({"results": results, "_links": links}))


def error(status: int, headers: Optional[Dict[str, str]] = None) -> HttpResponse:
    return HttpResponse(json.dumps({"statusCode": status, "message": "error"}), status_code=status, headers=headers or {})
