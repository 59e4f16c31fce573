"""The Airbyte protocol loop of destination-unique: spec, check, write.

`write` spools the whole input to disk, then runs one sync cycle (sync.py), and only then emits the
STATE messages it received: a state is emitted once everything before it is committed in Unique
(STYLE.md §10). Holding states to the end is the simplest correct design, because the per-space diff
can only run once all of a space's records are in (protocol §11.4). A state of a stream whose items
failed is withheld, so an incremental source re-reads them. The last message is a LOG line
`SYNC_SUMMARY {json}` for the demo and operators.
"""

from __future__ import annotations

import json
import logging
import pkgutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

from airbyte_cdk.destinations import Destination
from airbyte_cdk.models import (
    AirbyteConnectionStatus, AirbyteLogMessage, AirbyteMessage, ConfiguredAirbyteCatalog, ConnectorSpecification, ConnectorSpecificationSerializer,
    FailureType, Level, Status, Type,
)
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_unique.access.check import check_access
from destination_unique.access.mirror import AccessMirror
from destination_unique.access.settings import REQUIRED_STREAMS as ACCESS_STREAMS
from destination_unique.client import UniqueClient
from destination_unique.connection_check import check_connection
from destination_unique.input_tracker import InputTracker
from destination_unique.instance_identity import confluence_instance_id
from destination_unique.mapping import SPACES_STREAM
from destination_unique.root_scope import RootScope, SyncAborted
from destination_unique.settings import ConfigError, parse_settings
from destination_unique.spool import Spool
from destination_unique.summary import SyncSummary
from destination_unique.sync import ContentSync, SyncPlan
from destination_unique.sync_lock import sync_lock

logger = logging.getLogger("airbyte")
CONFIG_ABORTS = {"root scope not found", "ownership mismatch", "root scope access refused", "root scope shared"}


def _log(message: str, level: Level = Level.INFO) -> AirbyteMessage:
    return AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=level, message=message))


class DestinationUnique(Destination):
    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecificationSerializer.load(json.loads(pkgutil.get_data("destination_unique", "spec.json")))

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        """What `write` does before it changes anything (connection_check.py); the self-grant is its only effect."""
        try:
            settings = parse_settings(config)
            failure = check_connection(settings) or check_access(settings)
        except ConfigError as error:
            return AirbyteConnectionStatus(status=Status.FAILED, message=error.message)
        except Exception as error:  # check must answer, never crash
            return AirbyteConnectionStatus(status=Status.FAILED, message=f"Unexpected error: {type(error).__name__}: {error}")
        if failure:
            return AirbyteConnectionStatus(status=Status.FAILED, message=failure)
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def write(self, config: Mapping[str, Any], configured_catalog: ConfiguredAirbyteCatalog,
              input_messages: Iterable[AirbyteMessage]) -> Iterable[AirbyteMessage]:
        settings = parse_settings(config)
        summary = SyncSummary()
        with sync_lock(settings) as is_locked:
            if not is_locked:
                for _ in input_messages:  # drain, so the source is not killed by a broken pipe
                    pass
                summary.status, summary.reason = "skipped", "sync_in_progress"
                yield _log(f"Another sync of tenant '{settings.tenant_name}' into root scope "
                           f"{settings.root_scope_id} is running; this one is skipped (sync_in_progress). "
                           "Nothing was changed.", Level.WARN)
                yield _log(summary.as_log_line())
                return
            with tempfile.TemporaryDirectory(prefix="destination-unique-") as spool_dir:
                yield from self._write_locked(settings, configured_catalog, input_messages, Path(spool_dir), summary)

    def _write_locked(self, settings, configured_catalog, input_messages, spool_dir: Path,
                      summary: SyncSummary) -> Iterable[AirbyteMessage]:
        sync_modes = {c.stream.name: c.sync_mode.value for c in configured_catalog.streams}
        is_mirror = settings.access.is_mirror and not settings.is_tenant_deleted
        if is_mirror:
            missing = [name for name in ACCESS_STREAMS if name not in sync_modes]
            if missing:
                raise ConfigError(
                    f"access.mode is 'mirror', but the catalog lacks the stream(s) {', '.join(missing)}, so who may read "
                    "what cannot be known; nothing was changed. Add space_permissions and content_restrictions to the "
                    "source's opt_in_streams, then select them and users and groups in the connection "
                    "(or set access.mode to 'inherit').")
        plan = SyncPlan.from_catalog(sync_modes)
        summary.mode = "tenant_deleted" if settings.is_tenant_deleted else plan.mode
        tracker = InputTracker(Spool(spool_dir, keep_directory_records=is_mirror))
        tracker.consume(input_messages)
        summary.records_per_stream = dict(tracker.spool.records_per_stream)
        client = UniqueClient(settings)
        try:
            root = RootScope(client, settings, confluence_instance_id(settings))
            if settings.is_tenant_deleted:
                summary.tenant_deletion = root.delete_tenant()
                summary.status = "succeeded"
                yield _log(f"Tenant deletion: {summary.tenant_deletion}")
                yield _log(summary.as_log_line())
                return
            # A configured `spaces` stream decides which spaces still exist (orphans, empty spaces): it must
            # be complete too, or a truncated space list would look like deleted spaces.
            checked = plan.diff_streams + ((SPACES_STREAM,) if plan.diff_streams and SPACES_STREAM in sync_modes else ())
            if is_mirror:  # incomplete access records would make audiences look wider or narrower than they are
                checked += ACCESS_STREAMS
            failure = tracker.discovery_failure(checked)
            if failure:
                raise SyncAborted("discovery failure", f"Discovery failed, so nothing was diffed or changed: {failure}")
            access = AccessMirror(client, settings, root, tracker.spool, summary) if is_mirror else None
            sync = ContentSync(client, settings, root, tracker.spool, plan, summary, access)
            sync.run()
            summary.status = "succeeded"
            yield from self._release_states(tracker, sync.outcomes.failed_streams, summary)
            logger.info(summary.as_text())
            yield _log(summary.as_log_line())
        except SyncAborted as error:
            summary.status, summary.reason = "aborted", f"{error.reason}: {error}"
            yield _log(summary.as_log_line())
            failure_type = FailureType.config_error if error.reason in CONFIG_ABORTS else FailureType.system_error
            raise AirbyteTracedException(message=f"Sync aborted ({error.reason}): {error}",
                                         internal_message=str(error), failure_type=failure_type) from None
        except (ConfigError, AirbyteTracedException):
            raise
        except Exception as error:  # unhandled: logged, summarised, the lock is released by the context manager
            summary.status, summary.reason = "failed", f"{type(error).__name__}: {error}"
            yield _log(summary.as_log_line())
            raise AirbyteTracedException(message=f"Sync failed unexpectedly: {type(error).__name__}: {error}",
                                         internal_message=str(error), failure_type=FailureType.system_error) from error
        finally:
            client.close()

    def _release_states(self, tracker: InputTracker, failed_streams: set[str], summary: SyncSummary):
        for slot, message in tracker.states.items():
            stream = tracker.state_streams.get(slot)
            is_blocked = (stream in failed_streams) if stream else bool(failed_streams)
            if is_blocked:
                summary.states_withheld += 1
                yield _log(f"State of {stream or slot} withheld: some of its items failed and must be re-read.", Level.WARN)
                continue
            summary.states_emitted += 1
            yield message
