"""Walk a CQL `content/search` listing outside a stream (Cloud: cursor from `_links.next`; DC: the
offset rule of paginators.next_offset).

    for item in cql_results(requester, {"cql": 'label = "x"', "limit": 250}, is_datacenter=False): ...
"""
from typing import Any, Dict, Iterator, Mapping, Optional
from urllib.parse import parse_qs, urlparse

from airbyte_cdk.sources.declarative.requesters import Requester

from source_confluence.components.listing.paginators import next_offset
from source_confluence.components.listing.response_bodies import json_body


def cql_results(requester: Requester, params: Mapping[str, Any], is_datacenter: bool) -> Iterator[Dict[str, Any]]:
    token: Optional[Any] = None
    while True:
        page_params = dict(params)
        if token is not None:
            page_params["start" if is_datacenter else "cursor"] = token
        response = requester.send_request(request_params=page_params)
        body = json_body(response)
        results = body.get("results") or []
        yield from results
        next_link = (body.get("_links") or {}).get("next")
        if not results or not next_link:
            return
        new_token = (next_offset(body, next_link) if is_datacenter
                     else (parse_qs(urlparse(next_link).query).get("cursor") or [None])[0])
        if new_token is None or new_token == token:
            return  # a repeated page would loop; what arrived so far is all we can trust
        token = new_token
