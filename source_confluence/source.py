"""SourceConfluence: the manifest, plus the few facts it needs fetched before streams are built."""
import logging
from typing import Any, Iterator, List, Mapping, Optional

from airbyte_cdk.models import AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog, SyncMode
from airbyte_cdk.sources.declarative.models.declarative_component_schema import FileUploader as FileUploaderModel
from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpRequester as HttpRequesterModel
from airbyte_cdk.sources.declarative.models.declarative_component_schema import HttpResponseFilter as HttpResponseFilterModel
from airbyte_cdk.sources.declarative.concurrent_declarative_source import ConcurrentDeclarativeSource

from .components.listing import cql  # noqa: F401  registers the CQL macros used by the manifest
from . import prepared_manifest
from .components import cdk_hooks
from .components.bodies.markdown_processes import MarkdownProcesses, activate as activate_markdown_processes
from .components.config_and_state import incoming_state, site_resolution
from .components.listing import progress, read_ahead, request_timeouts, shared_listings
from .components.listing.cql import start_date_narrows
from .components.files.file_transfer import StreamingFileUploader
from .components.listing.response_bodies import json_body_or_empty
from .components.listing.partition_routers import is_page_set_restricted, listing_cqls
from .components.config_and_state.site_urls import GATEWAY_AUTH_TYPES, apply_site_urls, is_datacenter

INCREMENTAL_CQL_STREAMS = {"pages", "blog_posts", "page_versions"}  # page_versions: its changed-pages CQL
# Every stream whose listing follows the selected pages (components/listing/partition_routers.py).
LABEL_SCOPED_STREAMS = {"pages", "pages_content", "attachments", "comments", "content_index"}
# The streams whose records carry `body_markdown` (components/bodies/markdown_processes.py).
MARKDOWN_STREAMS = {"pages", "pages_content", "blog_posts", "comments"}
# Streams started first: the longest listings that must run page after page (each page carries the
# next cursor), so that no concurrency can shorten them. Started last, they set the sync's wall time:
# on the medium bench profile at 100 ms the footer comments (39 pages) began after the content
# searches, at 4.1 s of a 10 s sync.
START_FIRST = ("comments",)
# Records waiting between the worker threads and stdout. The CDK allows 10,000; with page bodies
# (pages, pages_content, comments) that buffer alone held ~100 MB on the `large` bench profile.
# 500 still covers two full 250-record pages; the main thread never blocks on it
# (ConcurrentMessageRepository buffers what it cannot put). On the large profile 500 instead of
# 1,000 saved ~10 MB of peak RSS at the same wall time.
RECORD_QUEUE_SIZE = 500


class SourceConfluence(cdk_hooks.PreparedManifestHooks, ConcurrentDeclarativeSource):
    def __init__(self, catalog: Optional[ConfiguredAirbyteCatalog], config: Optional[Mapping[str, Any]],
                 state: Optional[List[AirbyteStateMessage]], config_path: Optional[str] = None,
                 prepared: bool = True, ready: Optional[Mapping[str, Any]] = None) -> None:
        """`prepared`: take the manifest prepared at build time when it is current (prepared_manifest.py);
        `ready`: that file as the caller loaded it already (run.py), else it is loaded here."""
        ready = (ready or prepared_manifest.load()) if prepared else None
        self._prepared_manifest = ready["processed"] if ready else None
        manifest = ready["resolved"] if ready else prepared_manifest.yaml_manifest()
        super().__init__(catalog=catalog or ConfiguredAirbyteCatalog(streams=[]), config=config or {},
                         state=state or [], source_config=manifest, config_path=config_path)
        self._install_streaming_file_uploader()
        cdk_hooks.set_record_queue_size(self, RECORD_QUEUE_SIZE)
        progress.install_request_counting(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpRequesterModel)
        request_timeouts.install(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpRequesterModel)
        # Response filters with a predicate read every response's JSON: parse it once, for them and the extractor.
        cdk_hooks.on_every_component(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpResponseFilterModel,
                                     lambda response_filter, config, **kwargs: cdk_hooks.parse_filter_bodies_with(
                                         response_filter, json_body_or_empty))
        self._shared_listings = shared_listings.SharedListings()
        shared_listings.install(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpRequesterModel, self._shared_listings)
        # Outermost transport adapter, so installed last: a page read ahead still goes through the shared table.
        self._markdown_processes = MarkdownProcesses()
        self._read_ahead = read_ahead.ReadAhead(on_page=self._markdown_processes.submit_page)
        read_ahead.install(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, HttpRequesterModel, self._read_ahead)
        if self.config_in_use and self._needs_cloud_id():
            self.config_in_use["__cloud_id"] = site_resolution.cloud_id(
                self._declared_requester("tenant_info_requester"), self.config_in_use.get("__site_origin", ""))
            apply_site_urls(self.config_in_use)

    @property
    def config_in_use(self) -> dict:
        """The config the manifest's components read; the source adds the facts it fetched (`__cloud_id`, …)."""
        return cdk_hooks.runtime_config(self)

    @classmethod
    def read_state(cls, state_path: str) -> List[AirbyteStateMessage]:
        """Also the legacy {stream: state} file, which the CDK's reader rejects with a traceback.

        run.py checks the content (components/config_and_state/incoming_state.py) and builds the source with what it kept;
        the cursors use that, not what the entrypoint reads here again.
        """
        return incoming_state.read_state_file(state_path)[0] if state_path else []

    def read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
             state: Optional[List[AirbyteStateMessage]] = None) -> Iterator[AirbyteMessage]:
        selected = {configured.stream.name for configured in catalog.streams}
        if selected & INCREMENTAL_CQL_STREAMS and not self.config_in_use.get("user_timezone"):
            zone = site_resolution.user_timezone(self._declared_requester("current_user_requester"))
            self.config_in_use["__user_timezone"] = zone
            if not zone:
                logger.warning("Confluence did not report the user's time zone (Data Center does not); incremental "
                               "queries start 12 h early to be safe. Set `user_timezone` to read only what changed.")
        if selected & LABEL_SCOPED_STREAMS and self.config_in_use.get("ingest_all_label"):
            self.config_in_use["__ingest_all_roots"] = site_resolution.ingest_all_roots(
                self._declared_requester("content_search_requester"), self.config_in_use["ingest_all_label"],
                int(self.config_in_use.get("page_size") or 250), is_datacenter(self.config_in_use))
        self._shared_listings.expect_readers(self._readers_of_shared_listings(catalog), listing_cqls(self.config_in_use))
        self.config_in_use["__shared_listing_types"] = sorted(self._shared_listings.shared_types())
        if selected & MARKDOWN_STREAMS:
            self._markdown_processes.start()
            activate_markdown_processes(self._markdown_processes)
        try:
            yield from progress.SyncProgress().observe(cdk_hooks.read_selected_streams(self, catalog, START_FIRST))
        finally:
            activate_markdown_processes(None)
            self._markdown_processes.close()
            if self._markdown_processes.sent:
                logger.info(f"Markdown processes: {self._markdown_processes.taken} of "
                            f"{self._markdown_processes.sent} bodies sent were taken.")
            if self._shared_listings.sent:
                logger.info(f"Shared search pages: {self._shared_listings.shared} reads served by "
                            f"{self._shared_listings.sent} requests.")
            self._shared_listings.close()
            logger.info(f"Read ahead: {self._read_ahead.sent} listing pages, {self._read_ahead.unused} not asked for.")
            self._read_ahead.close()

    def _readers_of_shared_listings(self, catalog: ConfiguredAirbyteCatalog) -> set:
        """The streams whose search requests equal another stream's (components/listing/shared_listings.py).

        Only unrestricted configs list the same CQL in several streams; `pages` / `blog_posts` do only
        while their query has no date clause (no state, and no `start_date` after the default).
        """
        if is_page_set_restricted(self.config_in_use):
            return set()
        readers = {configured.stream.name for configured in catalog.streams}
        for configured in catalog.streams:
            name = configured.stream.name
            # The state the cursors use (run.py dropped what it could not trust), not the raw file.
            has_state = bool(cdk_hooks.stream_state(self, name))
            incremental = configured.sync_mode == SyncMode.incremental and has_state
            if name in INCREMENTAL_CQL_STREAMS and (incremental or start_date_narrows(self.config_in_use)):
                readers.discard(name)
        return readers

    def _needs_cloud_id(self) -> bool:
        credentials = self.config_in_use.get("credentials") or {}
        return (not is_datacenter(self.config_in_use) and credentials.get("auth_type") in GATEWAY_AUTH_TYPES
                and not self.config_in_use.get("__api_root"))

    def _declared_requester(self, definition: str) -> Any:
        return cdk_hooks.component_factory(self).create_component(
            HttpRequesterModel, self.resolved_manifest["definitions"][definition], self.config_in_use, name=definition)

    def _install_streaming_file_uploader(self) -> None:
        """The manifest's `file_uploader` keeps its requester; only the byte copy becomes a streamed one.

        The CDK builds a DefaultFileUploader that holds `response.content` in memory (airbyte-cdk-notes §5);
        FileUploader has no custom variant in the schema, so the factory entry is wrapped (cdk_hooks).
        """
        cdk_hooks.on_every_component(cdk_hooks.component_factory(self).PYDANTIC_MODEL_TO_CONSTRUCTOR, FileUploaderModel,
                                     lambda uploader, config, **kwargs: StreamingFileUploader(delegate=uploader))
