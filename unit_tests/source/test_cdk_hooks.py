"""Each hook into airbyte-cdk internals (components/cdk_hooks.py) against the installed CDK.

These fail by the hook's name when a CDK upgrade moves an internal the connector relies on.
"""

from __future__ import annotations

import inspect
import json

import pytest
import requests
from airbyte_cdk.models import AirbyteStateMessageSerializer
from airbyte_cdk.sources.declarative.models.declarative_component_schema import FileUploader as FileUploaderModel
from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpRequester as HttpRequesterModel
from requests.adapters import BaseAdapter

from source_confluence.components import cdk_hooks
from source_confluence.components.listing.request_timeouts import CONNECT_TIMEOUT_SECONDS
from source_confluence.source import RECORD_QUEUE_SIZE, SourceConfluence

from .builders.config import ConfigBuilder

CONFIG = ConfigBuilder().build()


class _RecordingAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, object]] = []

    def send(self, request, timeout=None, **kwargs):  # noqa: ANN001 - requests' adapter signature
        self.sent.append((request.url, timeout))
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = 200, b'{"results": []}', request.url, request
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def source() -> SourceConfluence:
    return SourceConfluence(None, {**CONFIG, "read_timeout_seconds": 7}, None)


def test_record_queue_size_bounds_the_queue_the_workers_and_the_message_repository_share(source):
    queue = source._concurrent_source._queue

    assert queue.maxsize == RECORD_QUEUE_SIZE
    assert cdk_hooks.component_factory(source)._message_repository._queue is queue


def test_component_factory_is_the_factory_with_a_constructor_per_model(source):
    constructors = cdk_hooks.component_factory(source).PYDANTIC_MODEL_TO_CONSTRUCTOR

    assert HttpRequesterModel in constructors and FileUploaderModel in constructors


def test_on_every_component_hooks_each_built_component_and_keeps_the_factory_signature(source):
    factory = cdk_hooks.component_factory(source)
    original = factory.PYDANTIC_MODEL_TO_CONSTRUCTOR[HttpRequesterModel]
    seen = []
    cdk_hooks.on_every_component(factory.PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpRequesterModel,
                                 lambda requester, config, **kwargs: seen.append(kwargs.get("name")))

    source._declared_requester("current_user_requester")

    assert seen == ["current_user_requester"]
    assert inspect.signature(factory.PYDANTIC_MODEL_TO_CONSTRUCTOR[HttpRequesterModel]) == inspect.signature(original)


def test_runtime_config_is_what_the_components_interpolate(source):
    cdk_hooks.runtime_config(source)["__hook_probe"] = "probe-value"

    assert source.config_in_use["__hook_probe"] == "probe-value"
    assert source._declared_requester("current_user_requester").config["__hook_probe"] == "probe-value"


def test_stream_state_reads_the_state_the_source_was_built_with():
    state = [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                           "stream_state": {"version_created_at": "2026-01-01T00:00:00Z"}}}]
    source = SourceConfluence(None, CONFIG, [AirbyteStateMessageSerializer.load(message) for message in state])

    assert cdk_hooks.stream_state(source, "pages") == {"version_created_at": "2026-01-01T00:00:00Z"}
    assert not cdk_hooks.stream_state(source, "blog_posts")


def test_http_session_and_request_timeout_are_what_the_requester_sends_with(source):
    requester = source._declared_requester("current_user_requester")
    adapter = _RecordingAdapter()
    cdk_hooks.http_session(requester).mount("https://", adapter)

    requester.send_request(path="/wiki/rest/api/user/current")

    assert len(adapter.sent) == 1
    assert adapter.sent[0][0].startswith("https://acme.atlassian.net/")
    assert adapter.sent[0][1] == (CONNECT_TIMEOUT_SECONDS, 7.0)


@pytest.mark.parametrize("call", [
    lambda: cdk_hooks.set_record_queue_size(object(), 1),
    lambda: cdk_hooks.component_factory(object()),
    lambda: cdk_hooks.runtime_config(object()),
    lambda: cdk_hooks.stream_state(object(), "pages"),
    lambda: cdk_hooks.on_every_component({}, HttpRequesterModel, lambda *a, **k: None),
    lambda: cdk_hooks.http_session(object()),
    lambda: cdk_hooks.set_request_timeout(object(), (1.0, 1.0)),
    lambda: list(cdk_hooks.read_selected_streams(object(), None)),
])
def test_given_a_cdk_without_the_internal_then_the_hook_fails_loudly(call):
    with pytest.raises(cdk_hooks.CdkHookBroken, match="airbyte-cdk changed"):
        call()


def test_parse_filter_bodies_with_makes_a_predicate_filter_read_the_shared_parsed_body(source):
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpResponseFilter as FilterModel

    from source_confluence.components.listing.response_bodies import json_body

    response_filter = cdk_hooks.component_factory(source).create_component(
        FilterModel, {"type": "HttpResponseFilter", "action": "RETRY",
                      "predicate": "{{ response is mapping and response.get('results') == [] }}"}, {})
    calls = []
    cdk_hooks.parse_filter_bodies_with(response_filter, lambda response: calls.append(response) or json_body(response))
    response = requests.Response()
    response.status_code, response._content = 200, b'{"results": []}'

    assert response_filter.matches(response) is not None
    assert calls and all(call is response for call in calls)
    assert getattr(response, "_confluence_json_body") == {"results": []}  # parsed once, kept for the extractor


def test_given_a_filter_without_the_internal_then_parse_filter_bodies_with_fails_loudly():
    with pytest.raises(cdk_hooks.CdkHookBroken, match="parse_filter_bodies_with"):
        cdk_hooks.parse_filter_bodies_with(object(), lambda response: {})


_SERIALIZE_A_MESSAGE = """
import json, sys
from source_confluence.components import cdk_hooks
installed = cdk_hooks.skip_protocol_model_docs() if sys.argv[1] == "hook" else None
from airbyte_cdk.models import AirbyteMessage, AirbyteMessageSerializer, AirbyteRecordMessage, Type
message = AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream="pages", data={"id": "1"}, emitted_at=1))
dumped = AirbyteMessageSerializer.dump(message)
print(json.dumps({"installed": installed, "dumped": dumped,
                  "loaded_back": AirbyteMessageSerializer.dump(AirbyteMessageSerializer.load(dumped))}))
"""


def test_skip_protocol_model_docs_applies_before_the_cdk_import_and_serialization_is_unchanged():
    import subprocess
    import sys

    def run(mode):
        completed = subprocess.run([sys.executable, "-c", _SERIALIZE_A_MESSAGE, mode], capture_output=True, text=True,
                                   check=True)
        return json.loads(completed.stdout.splitlines()[-1])

    hooked, plain = run("hook"), run("plain")

    assert hooked["installed"] is True, "serpyco_rs no longer has get_attributes_doc where the hook expects it"
    assert hooked["dumped"] == plain["dumped"] == hooked["loaded_back"]


def test_given_the_cdk_already_imported_then_skip_protocol_model_docs_changes_nothing():
    assert cdk_hooks.skip_protocol_model_docs() is False


def test_prepared_manifest_hooks_replace_the_cdks_preparation_and_validation(monkeypatch):
    """`_pre_process_manifest` and `_validate_source` are what the CDK's __init__ calls; with a prepared
    manifest neither the CDK's preparation nor its validation runs, and the source equals a live one."""
    from airbyte_cdk.sources.declarative import concurrent_declarative_source as cds
    from source_confluence import prepared_manifest

    init = inspect.getsource(cds.ConcurrentDeclarativeSource.__init__)
    assert "self._pre_process_manifest(" in init and "self._validate_source()" in init
    live = SourceConfluence(None, CONFIG, None, prepared=False)
    prepared = prepared_manifest.prepare()
    monkeypatch.setattr(prepared_manifest, "load", lambda: prepared)

    def fail(*args, **kwargs):
        raise AssertionError("the CDK prepared or validated the manifest although it was prepared")

    monkeypatch.setattr(cds.ConcurrentDeclarativeSource, "_pre_process_manifest", fail)
    monkeypatch.setattr(cds, "validate_manifest", fail)
    from_prepared = SourceConfluence(None, CONFIG, None)
    assert from_prepared.resolved_manifest == live.resolved_manifest
    assert [s.name for s in from_prepared.streams(CONFIG)] == [s.name for s in live.streams(CONFIG)]


def test_prepared_manifest_hooks_defer_the_cdks_component_schema_until_something_reads_it(monkeypatch):
    """The CDK's __init__ parses its component schema YAML for validation only; a source built from
    the prepared manifest parses it on first use, every other source (and an unprepared one) at once."""
    from airbyte_cdk.sources.declarative import concurrent_declarative_source as cds
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    init = inspect.getsource(ConcurrentDeclarativeSource.__init__)
    assert "self._declarative_component_schema = get_declarative_component_schema()" in init
    SourceConfluence(None, CONFIG, None)   # puts the deferring loader in place
    loader = cdk_hooks._CDK_SCHEMA_LOADER["load"]
    parsed = loader()
    assert isinstance(parsed, dict) and "definitions" in parsed
    loads: list[int] = []
    monkeypatch.setitem(cdk_hooks._CDK_SCHEMA_LOADER, "load", lambda: loads.append(1) or loader())

    prepared = SourceConfluence(None, CONFIG, None)
    assert loads == [], "constructing from the prepared manifest parsed the component schema"
    assert prepared._declarative_component_schema == parsed and loads == [1]
    assert prepared._declarative_component_schema is prepared._declarative_component_schema and loads == [1]

    unprepared = SourceConfluence(None, CONFIG, None, prepared=False)   # validated at once, as by the CDK
    assert isinstance(unprepared.__dict__["_component_schema"], dict)
    other = ConcurrentDeclarativeSource(catalog=None, config={}, state=None, source_config={
        "version": "7.0.0", "type": "DeclarativeSource", "check": {"type": "CheckStream", "stream_names": ["s"]},
        "streams": [{"type": "DeclarativeStream", "name": "s", "schema_loader": {"type": "InlineSchemaLoader", "schema": {}},
                     "retriever": {"type": "SimpleRetriever", "requester": {"type": "HttpRequester", "url_base": "http://127.0.0.1:9",
                                                                            "path": "/x"},
                                   "record_selector": {"type": "RecordSelector", "extractor": {"type": "DpathExtractor", "field_path": []}}}}]})
    assert other._declarative_component_schema == parsed
    assert cds.get_declarative_component_schema() == parsed, "outside a prepared source's construction: the schema itself"


def test_read_selected_streams_builds_only_the_catalogs_streams(monkeypatch):
    from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": "spaces", "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}]})
    source = SourceConfluence(catalog, CONFIG, None)
    built = []
    original = ConcurrentDeclarativeSource._create_streams

    def recording(self, selected_configs, all_configs):
        built.append([c.get("name") for c in selected_configs])
        return original(self, selected_configs, all_configs)

    monkeypatch.setattr(ConcurrentDeclarativeSource, "_create_streams", recording)
    read_streams = []
    monkeypatch.setattr(source._concurrent_source, "read", lambda streams: iter(read_streams.extend(s.name for s in streams) or ()))
    list(cdk_hooks.read_selected_streams(source, catalog))
    assert built == [["spaces"]] and read_streams == ["spaces"]


def test_read_selected_streams_hands_the_cdk_the_streams_to_start_first_then_the_catalogs_order(monkeypatch):
    """The CDK starts partitions in the order of its list: the long sequential listings go first."""
    from airbyte_cdk.models import ConfiguredAirbyteCatalogSerializer

    from source_confluence.source import START_FIRST

    names = ["spaces", "pages", "comments", "labels", "attachments"]
    catalog = ConfiguredAirbyteCatalogSerializer.load({"streams": [
        {"stream": {"name": name, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
         "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"} for name in names]})
    source = SourceConfluence(catalog, CONFIG, None)
    read_streams: list = []
    monkeypatch.setattr(source._concurrent_source, "read", lambda streams: iter(read_streams.extend(s.name for s in streams) or ()))

    list(cdk_hooks.read_selected_streams(source, catalog, ("comments", "attachments")))
    assert read_streams == ["comments", "attachments", "spaces", "pages", "labels"]
    read_streams.clear()
    list(cdk_hooks.read_selected_streams(source, catalog))
    assert read_streams == names
    read_streams.clear()
    list(source.read(source.logger, CONFIG, catalog))          # the source's own read: its START_FIRST
    assert read_streams[:len(START_FIRST)] == [name for name in START_FIRST if name in names] == ["comments"]
