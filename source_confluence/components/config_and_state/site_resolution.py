"""Facts about the site that live behind an HTTP call, fetched through requesters declared in the manifest.

    cloud_id(requester)            GET {site}/_edge/tenant_info        → "3f2a…"  (no auth; Cloud only)
    user_timezone(requester)       GET {api}/rest/api/user/current     → "America/Los_Angeles"
    ingest_all_roots(requester, …) GET {api}/rest/api/content/search?cql=label="x" → ["12", "40"]
       (pages/folders carrying the ingest-all label, minus those already under another root, so the
        `ancestor IN (…)` batches cover disjoint subtrees)
"""
from typing import Any, List, Mapping, Optional

from airbyte_cdk.models import FailureType
from airbyte_cdk.sources.declarative.requesters import Requester
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_confluence.components.listing.cql_listing import cql_results


def _json(requester: Requester, **kwargs: Any) -> Mapping[str, Any]:
    response = requester.send_request(**kwargs)
    return response.json() if response is not None and response.content else {}


def cloud_id(requester: Requester, site: str) -> str:
    try:
        found = _json(requester).get("cloudId")
    except Exception as error:  # the site is unreachable or not a Cloud site
        found, cause = None, error
    else:
        cause = None
    if not found:
        raise AirbyteTracedException(
            message=f"Could not discover the cloudId of {site} from {site}/_edge/tenant_info, which scoped tokens and "
                    f"OAuth need to reach the api.atlassian.com gateway. Check domain_name, or set credentials.cloud_id.",
            internal_message=str(cause),
            failure_type=FailureType.config_error,
        )
    return str(found)


def user_timezone(requester: Requester) -> Optional[str]:
    return _json(requester).get("timeZone") or None


def ingest_all_roots(requester: Requester, label: str, page_size: int, is_datacenter: bool) -> List[str]:
    params = {"cql": f'label = "{label}" AND type != attachment', "expand": "ancestors", "limit": page_size}
    ancestors_by_id = {str(content["id"]): {str(a.get("id")) for a in content.get("ancestors") or []}
                       for content in cql_results(requester, params, is_datacenter)}
    roots = set(ancestors_by_id)
    return sorted(root for root, ancestors in ancestors_by_id.items() if not ancestors & roots)
