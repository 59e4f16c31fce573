"""`source-confluence spec|check|discover|read`: the source is built WITH config, catalog and state.

Before the source is built, the config is checked against the manifest's spec (components/config_and_state/config_validation.py)
and the incoming state is read defensively (components/config_and_state/incoming_state.py). A bad config never ends in a
traceback: `check` answers CONNECTION_STATUS FAILED naming the field, every other command a config_error
TRACE and exit code 1. A stream state this connector cannot have written is dropped with a WARN log.
"""
from . import process_settings
from .components import cdk_hooks

process_settings.apply()              # GC thresholds, malloc arenas and mmap threshold: before any thread or big allocation
cdk_hooks.skip_protocol_model_docs()  # before the first airbyte_cdk import: start-up time (issue #11)

import logging  # noqa: E402 - after the start-up hook above
import sys
import traceback
from datetime import datetime, timezone
from typing import Any, List, Mapping, Optional

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.models import (AirbyteConnectionStatus, AirbyteErrorTraceMessage, AirbyteLogMessage, AirbyteMessage,
                                AirbyteMessageSerializer, AirbyteTraceMessage, FailureType, Level, Status, TraceType,
                                Type)
from airbyte_cdk.sources.declarative.parsers.manifest_reference_resolver import ManifestReferenceResolver
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from . import prepared_manifest
from .components.config_and_state import incoming_state
from .components.config_and_state.config_validation import config_problems, invalid_config_message

# `.source` (the declarative source, its streams and components) is imported only by the commands
# that build a source: `spec` answers from the manifest's spec block alone (start-up, issue #11).


class StartupFailure(Exception):
    """Raised where the message for the user is known; it needs no stack trace."""


def _print(message: AirbyteMessage) -> None:
    print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)


def _warn(text: str) -> None:
    _print(AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.WARN, message=text)))


def _startup_failure(command: str, error: Exception) -> None:
    """`check` answers FAILED (exit 0: the check itself worked); every other command a TRACE error, exit 1."""
    message = error.message if isinstance(error, AirbyteTracedException) and error.message else str(error)
    if command == "check":
        _print(AirbyteMessage(type=Type.CONNECTION_STATUS,
                              connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=message)))
        return
    is_explained = isinstance(error, (StartupFailure, incoming_state.StateFileError))
    what = "the sync" if command == "read" else command
    _print(AirbyteMessage(type=Type.TRACE, trace=AirbyteTraceMessage(
        type=TraceType.ERROR, emitted_at=datetime.now(timezone.utc).timestamp() * 1000,
        error=AirbyteErrorTraceMessage(message=f"Error starting {what}: {message}", internal_message=str(error),
                                       stack_trace=None if is_explained else traceback.format_exc(),
                                       failure_type=FailureType.config_error))))
    sys.exit(1)


def packaged_manifest(ready: Optional[Mapping[str, Any]] = None) -> Mapping[str, Any]:
    """The manifest with its references resolved (the spec and the stream cursors are read from it):
    prepared when the package was built (prepared_manifest.py; `ready` when the caller loaded it
    already), else resolved now."""
    ready = ready or prepared_manifest.load()
    if ready:
        return ready["resolved"]
    return ManifestReferenceResolver().preprocess_manifest(prepared_manifest.yaml_manifest())


def spec_message() -> AirbyteMessage:
    """The SPEC message, built the way the CDK's declarative source builds it, without building the source.

    The CDK's `spec()` turns the manifest's `spec` block into its Spec component and calls
    `generate_spec()`; doing only that skips validating the whole manifest and building every stream.
    """
    from airbyte_cdk.sources.declarative.models.declarative_component_schema import Spec as SpecModel
    from airbyte_cdk.sources.declarative.parsers.model_to_component_factory import ModelToComponentFactory

    spec = dict(packaged_manifest()["spec"])
    spec.setdefault("type", "Spec")
    component = ModelToComponentFactory().create_component(SpecModel, spec, {})
    return AirbyteMessage(type=Type.SPEC, spec=component.generate_spec())


def _validated_config(config_path: str, manifest: Mapping[str, Any]) -> Mapping[str, Any]:
    from .source import SourceConfluence

    config = SourceConfluence.read_config(config_path)
    problems = config_problems(config, manifest["spec"]["connection_specification"])
    if problems:
        raise StartupFailure(invalid_config_message(problems))
    return config


def _checked_state(state_path: str, manifest: Mapping[str, Any]) -> List[Any]:
    messages, warnings = incoming_state.read_state_file(state_path)
    messages, dropped = incoming_state.checked_state(messages, incoming_state.datetime_cursors(manifest),
                                                     now=datetime.now(timezone.utc))
    for warning in warnings + dropped:
        _warn(warning)
    return messages


def main() -> None:
    """The `source-confluence` command: `run`, then the process ends without the interpreter's teardown
    (process_settings.exit_without_teardown). An exception takes the usual path (exit code 1)."""
    run()
    process_settings.exit_without_teardown(0)


def run(args: Optional[List[str]] = None) -> None:
    args = sys.argv[1:] if args is None else args
    init_uncaught_exception_handler(logging.getLogger("airbyte"))
    command = args[0] if args else ""
    if args == ["spec"]:
        _print(spec_message())
        return
    from .source import SourceConfluence

    try:
        parsed = AirbyteEntrypoint.parse_args(args)  # once: the CDK's extract_* helpers each parse again
        catalog_path = getattr(parsed, "catalog", None)
        config_path = getattr(parsed, "config", None)
        state_path = getattr(parsed, "state", None)
        ready = prepared_manifest.load()   # read once, for the checks below and the source
        manifest = packaged_manifest(ready) if config_path or state_path else {}
        source = SourceConfluence(
            SourceConfluence.read_catalog(catalog_path) if catalog_path else None,
            _validated_config(config_path, manifest) if config_path else None,
            _checked_state(state_path, manifest) if state_path else None,
            config_path=config_path, ready=ready,
        )
    except Exception as error:
        _startup_failure(command, error)
        return
    launch(source, args)
