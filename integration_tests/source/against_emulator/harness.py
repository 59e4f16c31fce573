"""Run source-confluence in-process against a running emulator and compare with its truth."""
import collections
from typing import Any, Dict, Iterable, List, Optional

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, read
from airbyte_cdk.test.state_builder import StateBuilder

from source_confluence import SourceConfluence

ALL_STREAMS = ["pages", "blog_posts", "pages_content", "content_index", "attachments", "comments", "spaces",
               "labels", "users", "groups", "audit"]
DC_STREAMS = list(ALL_STREAMS)


def credentials(emu, kind: str) -> Dict[str, Any]:
    return {
        "api_token": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
        "viewer": {"auth_type": "api_token", "email": "viewer@example.com", "api_token": "viewer-token"},
        "scoped_token": {"auth_type": "scoped_token", "email": "demo@example.com", "api_token": "demo-scoped-token",
                         "gateway_url": emu.origin},
        "oauth2": {"auth_type": "oauth2", "client_id": "demo-client", "client_secret": "demo-client-secret",
                   "refresh_token": "demo-refresh-token", "token_url": emu.origin + "/oauth/token",
                   "gateway_url": emu.origin},
        "dc_pat": {"auth_type": "dc_pat", "personal_access_token": "demo-pat"},
        "dc_basic": {"auth_type": "dc_basic", "username": "admin", "password": "admin-password"},
    }[kind]


def config_for(emu, kind: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    kind = kind or ("dc_basic" if emu.mode == "datacenter" else "api_token")
    return {"domain_name": emu.base_url, "deployment_type": emu.mode, "credentials": credentials(emu, kind),
            "max_backoff_seconds": 0, **extra}


def read_streams(config: Dict[str, Any], streams: Iterable[str], state: Optional[Dict[str, Any]] = None,
                 sync_mode: SyncMode = SyncMode.full_refresh) -> EntrypointOutput:
    builder = CatalogBuilder()
    for stream in streams:
        builder.with_stream(stream, sync_mode)
    catalog = builder.build()
    state_messages = None
    if state:
        state_builder = StateBuilder()
        for stream, stream_state in state.items():
            state_builder.with_stream_state(stream, stream_state)
        state_messages = state_builder.build()
    return read(SourceConfluence(catalog, config, state_messages), config, catalog, state_messages)


def ids_by_stream(output: EntrypointOutput) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = collections.defaultdict(list)
    for message in output.records:
        found[message.record.stream].append(message.record.data["id"])
    return found


def final_state(output: EntrypointOutput, stream: str) -> Dict[str, Any]:
    states = [m.state.stream.stream_state for m in output.state_messages
              if m.state.stream.stream_descriptor.name == stream]
    return states[-1].__dict__ if states else {}


def expected_ids(truth: Dict[str, Any], mode: str) -> Dict[str, set]:
    """What a default config (no archived content) must deliver, per stream, from the truth.

    CQL search leaves archived content and whatever hangs off it out (emulator README, Confluence's
    "include archived" behaviour); Cloud's site-wide v2 comment lists have no status filter.
    """
    current_pages = {i for i, p in truth["pages"].items() if p["status"] == "current"}
    current_blogs = {i for i, p in truth["blog_posts"].items() if p["status"] == "current"}
    current = current_pages | current_blogs
    attachments = {i for i, a in truth["attachments"].items() if a["containerId"] in current}
    comments = set(truth["comments"]) if mode == "cloud" else {
        i for i, c in truth["comments"].items() if c["containerId"] in current}
    expected = {
        "pages": current_pages, "pages_content": current_pages, "blog_posts": current_blogs,
        "attachments": attachments, "content_index": current | attachments, "comments": comments,
        "spaces": set(truth["spaces"]),
    }
    if mode == "datacenter":
        # Data Center labels are the ones in use (components/records/label_usage.py).
        expected["labels"] = {i for i, label in truth["labels"].items() if label["usage"]}
        # Cloud user search lists active users only; inactive accounts are not reachable without
        # knowing their ids (issue #3 follow-up, see docs/source-confluence.md).
        expected["users"] = set(truth["users"])
    if mode == "cloud":
        expected["labels"] = set(truth["labels"])
        expected["groups"] = set(truth["groups"])
    return expected
