"""Request builders: one per endpoint the source calls; query parameters are matched exactly."""
from typing import Any, Dict, Optional

from airbyte_cdk.test.mock_http import HttpRequest

from .config import DC_BASE, SITE

EXPAND_CONTENT = "body.storage,version,space,ancestors,metadata.labels,history"


class RequestBuilder:
    def __init__(self, url: str, params: Optional[Dict[str, Any]] = None) -> None:
        self._url = url
        self._params: Dict[str, Any] = dict(params or {})

    @classmethod
    def cloud_v1(cls, resource: str) -> "RequestBuilder":
        return cls(f"{SITE}/wiki/rest/api/{resource}")

    @classmethod
    def cloud_v2(cls, resource: str) -> "RequestBuilder":
        return cls(f"{SITE}/wiki/api/v2/{resource}")

    @classmethod
    def dc_v1(cls, resource: str) -> "RequestBuilder":
        return cls(f"{DC_BASE}/rest/api/{resource}")

    @classmethod
    def content_search(cls, cql: str, expand: str = EXPAND_CONTENT, limit: int = 250, base: str = "cloud") -> "RequestBuilder":
        builder = cls.cloud_v1("content/search") if base == "cloud" else cls.dc_v1("content/search")
        return builder.with_params(cql=cql, expand=expand, limit=limit)

    def with_params(self, **params: Any) -> "RequestBuilder":
        self._params.update(params)
        return self

    def build(self) -> HttpRequest:
        return HttpRequest(self._url, query_params=self._params or None)
