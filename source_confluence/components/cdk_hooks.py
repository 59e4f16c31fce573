"""Every place this connector reaches into airbyte-cdk internals (pinned: airbyte-cdk 7.39.1).

The CDK offers no public extension point for these; each is used through exactly one function
here, and `unit_tests/source/test_cdk_hooks.py` checks each against the installed CDK, so an
upgrade that moves one fails a test by name instead of silently losing the behaviour. At run
time a hook that finds the CDK changed raises `CdkHookBroken` (fail closed: a sync without its
request timeouts or memory bound must not look healthy).

| hook | internal it touches | used by |
| --- | --- | --- |
| `set_record_queue_size` | `ConcurrentDeclarativeSource._concurrent_source._queue` (a `Queue(maxsize=10_000)`) | source.py |
| `on_every_component` | `ModelToComponentFactory.PYDANTIC_MODEL_TO_CONSTRUCTOR` (model → factory method) | progress, request_timeouts, table_adapters, source.py (file uploader) |
| `component_factory` | `ConcurrentDeclarativeSource._constructor` (its `ModelToComponentFactory`) | source.py |
| `runtime_config` | `ConcurrentDeclarativeSource._config` (the migrated config the components interpolate) | source.py |
| `stream_state` | `ConcurrentDeclarativeSource._connector_state_manager` | source.py |
| `parse_filter_bodies_with` | `HttpResponseFilter._safe_response_json` (a stdlib `response.json()` per response and filter) | source.py |
| `skip_protocol_model_docs` | serpyco_rs (the CDK's protocol serializers): `get_attributes_doc`, read while `airbyte_cdk.models` is imported | run.py |
| `set_request_timeout` | `HttpRequester._http_client._request_timeout` | request_timeouts |
| `PreparedManifestHooks` | `ConcurrentDeclarativeSource._pre_process_manifest` / `_validate_source` (run in its `__init__`); its module's `get_declarative_component_schema` and the `_declarative_component_schema` it sets | source.py (prepared_manifest.py) |
| `read_selected_streams` | `ConcurrentDeclarativeSource._streams_by_name`, `_select_streams`, `_concurrent_source` (its `read` builds every stream of the manifest) | source.py |
| `http_session` | `HttpRequester._http_client._session` (a `requests.Session`) | progress (response hook), table_adapters (the transport adapters of shared_listings and read_ahead) |

Where the CDK does offer a public point, it is used instead: the manifest's `Custom*` components
(paginators, extractors, partition routers, backoff strategies, config transformations), the
`requests.Session` API (`hooks`, `mount`) once the session is in hand.
"""

from __future__ import annotations

import contextvars
import inspect
import sys
from queue import Queue
from typing import Any, Callable, Mapping, Sequence


class CdkHookBroken(RuntimeError):
    """The installed airbyte-cdk no longer has an internal this connector relies on."""

    def __init__(self, hook: str, detail: str) -> None:
        super().__init__(f"airbyte-cdk changed under source-confluence's hook `{hook}`: {detail}")


def skip_protocol_model_docs() -> bool:
    """Spare every command the attribute-docstring scan of the protocol models; call before importing airbyte_cdk.

    Importing `airbyte_cdk.models` builds serpyco_rs serializers for the Airbyte protocol, and
    serpyco_rs reads each model's source file (inspect + ast) to put attribute docstrings into
    JSON-schema descriptions, which no connector command reads: about a third of the CDK's import
    time. Returns False (and changes nothing) when the CDK is already imported or serpyco_rs no
    longer has the function; only start-up time depends on it.
    """
    if "airbyte_cdk.models.airbyte_protocol_serializers" in sys.modules:
        return False
    try:
        from serpyco_rs import _describe
        from serpyco_rs._json_schema import _convert
    except ImportError:
        return False
    if not (callable(getattr(_describe, "get_attributes_doc", None)) and callable(getattr(_convert, "get_attributes_doc", None))):
        return False
    _describe.get_attributes_doc = _convert.get_attributes_doc = _no_attribute_docs
    return True


def _no_attribute_docs(cls: type) -> dict[str, str]:  # noqa: ARG001 - serpyco_rs' signature
    return {}


def set_record_queue_size(source: Any, size: int) -> None:
    """Bound the queue between the worker threads and stdout (the CDK fixes it at 10,000 records)."""
    queue = getattr(getattr(source, "_concurrent_source", None), "_queue", None)
    if not isinstance(queue, Queue):
        raise CdkHookBroken("set_record_queue_size", "no `_concurrent_source._queue` Queue on the source")
    queue.maxsize = size


def component_factory(source: Any) -> Any:
    """The source's `ModelToComponentFactory` (the one that built its streams)."""
    factory = getattr(source, "_constructor", None)
    if not isinstance(getattr(factory, "PYDANTIC_MODEL_TO_CONSTRUCTOR", None), dict):
        raise CdkHookBroken("component_factory", "no `_constructor` with PYDANTIC_MODEL_TO_CONSTRUCTOR on the source")
    return factory


def runtime_config(source: Any) -> dict:
    """The config the source's components read (values the source adds here reach the manifest)."""
    config = getattr(source, "_config", None)
    if not isinstance(config, dict):
        raise CdkHookBroken("runtime_config", "no `_config` dict on the source")
    return config


def stream_state(source: Any, stream: str) -> Any:
    """The incoming state of `stream` as the source's cursors will see it."""
    manager = getattr(source, "_connector_state_manager", None)
    if manager is None or not hasattr(manager, "get_stream_state"):
        raise CdkHookBroken("stream_state", "no `_connector_state_manager` on the source")
    return manager.get_stream_state(stream, None)


def on_every_component(constructors: dict, model_type: type, hook: Callable[..., Any]) -> None:
    """After the factory builds a component of `model_type`, call `hook(component, config, **kwargs)`.

    A non-None return value replaces the component. The wrapper keeps the factory method's
    signature, because the factory reads its keyword-only arguments (`name`, …) to build nested
    components.
    """
    build_default = constructors.get(model_type) if isinstance(constructors, dict) else None
    if build_default is None:
        raise CdkHookBroken("on_every_component", f"the component factory has no constructor for {model_type.__name__}")

    def build_and_hook(model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:  # the factory passes `model=`
        component = build_default(model, config, **kwargs)
        replacement = hook(component, config or {}, **kwargs)
        return component if replacement is None else replacement

    build_and_hook.__signature__ = inspect.signature(build_default)  # type: ignore[attr-defined]
    constructors[model_type] = build_and_hook


def parse_filter_bodies_with(response_filter: Any, parse: Callable[[Any], Any]) -> None:
    """Let a response filter read a response's JSON through `parse` (e.g. parsed once, cached on the response).

    A filter with a `predicate` parses the body of every response, successful ones included, with
    the stdlib parser, before the record extractor parses it again.
    """
    if not callable(getattr(type(response_filter), "_safe_response_json", None)):
        raise CdkHookBroken("parse_filter_bodies_with", f"{type(response_filter).__name__} has no `_safe_response_json`")
    response_filter._safe_response_json = parse


def _http_client(requester: Any, hook: str) -> Any:
    client = getattr(requester, "_http_client", None)
    if client is None:
        raise CdkHookBroken(hook, f"{type(requester).__name__} has no `_http_client`")
    return client


def set_request_timeout(requester: Any, timeout: tuple[float, float]) -> None:
    """Give the requester's HTTP client a (connect, read) timeout unless the manifest set one."""
    client = _http_client(requester, "set_request_timeout")
    if not hasattr(client, "_request_timeout"):
        raise CdkHookBroken("set_request_timeout", "HttpClient has no `_request_timeout`")
    if client._request_timeout is None:
        client._request_timeout = timeout


def http_session(requester: Any) -> Any:
    """The requester's `requests.Session` (for its public `hooks` and `mount`)."""
    import requests

    session = getattr(_http_client(requester, "http_session"), "_session", None)
    if not isinstance(session, requests.Session):
        raise CdkHookBroken("http_session", "HttpClient has no `_session` requests.Session")
    return session


class PreparedManifestHooks:
    """Mixin for the ConcurrentDeclarativeSource subclass: the CDK's manifest preparation answered by
    the manifest prepared when the package was built (`prepared_manifest.py`).

    The CDK's `__init__` resolves, propagates (`_pre_process_manifest`) and validates
    (`_validate_source`) the manifest it is given; the constructor offers no way to pass a prepared
    one. Set `_prepared_manifest` before calling the CDK's `__init__`; None keeps the CDK's own steps.
    Validation is skipped only while the manifest is the prepared one, which was validated when
    prepared (a manifest migration replaces it and is validated as usual).

    The CDK's `__init__` also parses its component schema (a YAML file, ~70 ms of every `check`,
    `discover` and `read`), which only validation and normalization read. While a source with a
    prepared manifest is constructed, its module's `get_declarative_component_schema` answers
    "deferred" instead, and `_declarative_component_schema` parses the file on first use.
    """

    _prepared_manifest: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _defer_component_schema()
        token = _SCHEMA_DEFERRED.set(self._prepared_manifest is not None)
        try:
            super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        finally:
            _SCHEMA_DEFERRED.reset(token)

    @property
    def _declarative_component_schema(self) -> Any:
        schema = self.__dict__.get("_component_schema", _DEFERRED)
        if schema is _DEFERRED:
            schema = self.__dict__["_component_schema"] = _CDK_SCHEMA_LOADER["load"]()
        return schema

    @_declarative_component_schema.setter
    def _declarative_component_schema(self, schema: Any) -> None:
        self.__dict__["_component_schema"] = schema

    def _pre_process_manifest(self, manifest: dict) -> dict:
        if self._prepared_manifest is not None:
            return self._prepared_manifest
        return super()._pre_process_manifest(manifest)  # type: ignore[misc]

    def _validate_source(self) -> None:
        if self._prepared_manifest is not None and getattr(self, "_source_config", None) is self._prepared_manifest:
            return
        super()._validate_source()  # type: ignore[misc]


_DEFERRED = object()
_SCHEMA_DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar("component_schema_deferred", default=False)
_CDK_SCHEMA_LOADER: dict = {}


def _defer_component_schema() -> None:
    """Put the deferring loader in place of the CDK's `get_declarative_component_schema` (once).
    Every other caller, and every other source, still gets the parsed schema."""
    if _CDK_SCHEMA_LOADER:
        return
    from airbyte_cdk.sources.declarative import concurrent_declarative_source as module

    load = getattr(module, "get_declarative_component_schema", None)
    if not callable(load):
        raise CdkHookBroken("PreparedManifestHooks", "concurrent_declarative_source has no get_declarative_component_schema")
    _CDK_SCHEMA_LOADER["load"] = load

    def schema_or_deferred() -> Any:
        return _DEFERRED if _SCHEMA_DEFERRED.get() else load()

    module.get_declarative_component_schema = schema_or_deferred


def read_selected_streams(source: Any, catalog: Any, start_first: Sequence[str] = ()) -> Any:
    """`ConcurrentDeclarativeSource.read`, building only the catalog's streams.

    The CDK starts the streams' partitions in the order of the list it is given; the streams named
    in `start_first` go first, in that order, the others follow in the catalog's order.

    The CDK's `read` builds every stream of the manifest (~0.15 s for 15 streams: models, Jinja
    templates, requesters) and then picks the catalog's. Its `_streams_by_name` (what its `check`
    uses) builds only the named ones, with their parents; a name it does not know (None) falls back to
    building all, and `_select_streams` reports a stream missing from the manifest as the CDK does.
    """
    for name in ("_streams_by_name", "_select_streams", "_concurrent_source"):
        if not hasattr(source, name):
            raise CdkHookBroken("read_selected_streams", f"ConcurrentDeclarativeSource has no `{name}`")
    names = [configured.stream.name for configured in catalog.streams]
    streams = source._streams_by_name(names)
    if streams is None:
        streams = source.streams(config=runtime_config(source))
    selected = source._select_streams(streams=streams, configured_catalog=catalog)
    rank = {name: position for position, name in enumerate(start_first)}
    selected = sorted(selected, key=lambda stream: rank.get(stream.name, len(rank)))   # stable: catalog order after
    if selected:  # the CDK's own guard: an empty list never ends its read loop
        yield from source._concurrent_source.read(selected)
