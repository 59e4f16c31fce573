"""What a replayed record must carry, computed from the recorded object (not from the source's code),
and the checks every replay run passes: no error, no secret, every record valid against its schema."""
import datetime
import functools
import json
import re
from typing import Any, Dict, List, Mapping, Optional

import jsonschema
from airbyte_cdk.models import AirbyteMessageSerializer, Level, Type
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, discover

from source_confluence import SourceConfluence

UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
TIMESTAMP_FIELDS = ("createdAt", "lastModifiedAt")


def utc(value: Any) -> Optional[str]:
    """A recorded timestamp (ISO 8601 with any offset) as the UTC instant records carry."""
    if value in (None, ""):
        return None
    moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user(recorded: Optional[Mapping[str, Any]]) -> Optional[str]:
    """Cloud: accountId; Data Center: userKey, else username; an anonymous user has none of them."""
    recorded = recorded or {}
    return recorded.get("accountId") or recorded.get("userKey") or recorded.get("username")


def web_url(web_base: str, webui: Optional[str]) -> Optional[str]:
    return web_base.rstrip("/") + webui if webui else None


def nested(recorded: Mapping[str, Any], *path: str) -> Any:
    value: Any = recorded
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def records_by_id(output: EntrypointOutput) -> Dict[str, Dict[str, Any]]:
    records = [message.record.data for message in output.records]
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids)), f"a recorded object became more than one record: {ids}"
    return {record["id"]: record for record in records}


def assert_one_record_per_object(output: EntrypointOutput, recorded_ids: List[str]) -> Dict[str, Dict[str, Any]]:
    assert recorded_ids, "nothing was replayed"
    by_id = records_by_id(output)
    assert sorted(by_id) == sorted(str(i) for i in recorded_ids)
    return by_id


def assert_clean_run(output: EntrypointOutput, config: Mapping[str, Any], captured: str = "") -> None:
    """No error trace, no ERROR log, and no credential anywhere in what the source printed."""
    assert not output.errors, [m.trace.error.message for m in output.errors]
    errors = [m.log.message for m in output.logs if m.log.level in (Level.ERROR, Level.FATAL)]
    assert not errors, errors
    printed = "\n".join(json.dumps(AirbyteMessageSerializer.dump(m), default=str) for m in output.get_message_iterator())
    for secret in secrets_of(config):
        assert secret not in printed and secret not in captured, "a credential appeared in the output"


def secrets_of(config: Mapping[str, Any]) -> List[str]:
    credentials = config.get("credentials") or {}
    return [str(credentials[k]) for k in ("api_token", "personal_access_token", "password", "client_secret",
                                          "refresh_token", "access_token") if credentials.get(k)]


@functools.lru_cache(maxsize=4)
def _declared_schemas(config_json: str) -> Dict[str, Dict[str, Any]]:
    config = json.loads(config_json)
    output = discover(SourceConfluence(CatalogBuilder().build(), config, None), config)
    catalog = output.catalog.catalog
    return {stream.name: stream.json_schema for stream in catalog.streams}


def declared_schema(stream: str, config: Mapping[str, Any]) -> Dict[str, Any]:
    return _declared_schemas(json.dumps(config, sort_keys=True))[stream]


def assert_valid_against_schema(stream: str, config: Mapping[str, Any], records: List[Mapping[str, Any]]) -> None:
    schema = declared_schema(stream, config)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    for record in records:
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]
        assert not problems, f"{stream} record {record.get('id')} breaks its schema: {problems}"
        for name in TIMESTAMP_FIELDS:
            assert record.get(name) is None or UTC_STAMP.match(record[name]), f"{name} not in UTC: {record[name]!r}"
