"""A state this connector cannot have written is dropped for its stream with a warning, never a traceback."""
import datetime
import json

import pytest

from source_confluence.components.config_and_state.incoming_state import (DatetimeCursor, StateFileError, checked_state,
                                                         datetime_cursors, read_state_file)
from source_confluence.run import packaged_manifest, run

from .builders.config import ConfigBuilder

NOW = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=datetime.timezone.utc)
CURSORS = datetime_cursors(packaged_manifest())


def stream_state(name, state):
    return {"type": "STREAM", "stream": {"stream_descriptor": {"name": name}, "stream_state": state}}


def state_file(tmp_path, content):
    path = tmp_path / "state.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def checked(tmp_path, content):
    messages, warnings = read_state_file(state_file(tmp_path, content))
    kept, dropped = checked_state(messages, CURSORS, NOW)
    return [m.stream.stream_descriptor.name for m in kept], warnings + dropped


def test_given_manifest_then_pages_and_blog_posts_have_their_cursors():
    assert CURSORS["pages"].field == "lastModifiedAt" and CURSORS["blog_posts"].field == "createdAt"
    assert "%Y-%m-%dT%H:%M:%S.%fZ" in CURSORS["pages"].formats
    assert "page_versions" not in CURSORS  # a global substream cursor: its state has another shape


@pytest.mark.parametrize("state", [
    {"lastModifiedAt": "2026-10-01T11:59:00.000Z"},
    {"lastModifiedAt": "2026-10-01T11:59:00Z"},
    {"lastModifiedAt": "2026-10-02T11:00:00.000000Z"},  # within the clock-skew tolerance
    {"state_type": "date-range", "slices": []},       # the CDK's own concurrent shape
    {},
])
def test_given_state_this_connector_writes_then_it_is_kept_silently(tmp_path, state):
    assert checked(tmp_path, [stream_state("pages", state)]) == (["pages"], [])


@pytest.mark.parametrize("state, reason", [
    ({"lastModifiedAt": "garbage"}, "its cursor lastModifiedAt 'garbage' is not a date-time"),
    ({"lastModifiedAt": 12345}, "its cursor lastModifiedAt 12345 is not a date-time"),
    ({"lastModifiedAt": "2999-01-01T00:00:00.000Z"}, "its cursor lastModifiedAt 2999-01-01T00:00:00.000Z is in the future"),
    ({"updated_at": 1700000000}, "it has no lastModifiedAt cursor (it has updated_at)"),
])
def test_given_state_this_connector_cannot_have_written_then_the_stream_restarts_with_a_warning(tmp_path, state, reason):
    kept, warnings = checked(tmp_path, [stream_state("pages", state), stream_state("blog_posts", {"createdAt": "2026-09-01T00:00:00Z"})])
    assert kept == ["blog_posts"]
    assert len(warnings) == 1 and warnings[0].startswith(f"Ignoring the incoming state of stream 'pages': {reason}")
    assert warnings[0].endswith("The stream is read in full from start_date (records synced before are sent again).")


def test_given_state_of_a_stream_without_datetime_cursor_then_it_is_left_to_the_cdk(tmp_path):
    assert checked(tmp_path, [stream_state("jira_issues", {"updated": "x"})]) == (["jira_issues"], [])


def test_given_legacy_dict_state_then_it_is_read_per_stream_and_checked(tmp_path):
    kept, warnings = checked(tmp_path, {"pages": {"updated_at": 1700000000}, "blog_posts": {"createdAt": "2026-09-01T00:00:00Z"}})
    assert kept == ["blog_posts"]
    assert warnings[0].startswith("The incoming state is in the legacy form")
    assert warnings[1].startswith("Ignoring the incoming state of stream 'pages': it has no lastModifiedAt cursor")


@pytest.mark.parametrize("content, expected", [
    ("this is {not json", "is not readable JSON"),
    ('"a string"', "must hold a list of Airbyte state messages"),
    ('[{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"}, "stream_state": "x"}}]',
     "State message 1 in"),
    ('[{"type": "STREAM"}]', "has neither a stream nor a global state"),
])
def test_given_file_that_is_not_state_then_a_clear_state_file_error(tmp_path, content, expected):
    with pytest.raises(StateFileError, match=expected) as raised:
        read_state_file(state_file(tmp_path, content))
    assert "state" in str(raised.value).lower()


@pytest.mark.parametrize("content", ["", "null", "[]", "{}"])
def test_given_empty_state_file_then_no_state(tmp_path, content):
    assert read_state_file(state_file(tmp_path, content)) == ([], [])


def test_given_cursor_formats_then_a_value_parses_with_any_of_them():
    cursor = DatetimeCursor("c", ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z"))
    assert cursor.parses("2026-10-01T12:00:00+02:00") == datetime.datetime(2026, 10, 1, 10, 0, tzinfo=datetime.timezone.utc)
    assert cursor.parses("2026-10-01") is None and cursor.parses(None) is None


def test_given_unreadable_state_when_reading_then_config_error_trace_naming_the_state(tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps(ConfigBuilder().build()))
    (tmp_path / "catalog.json").write_text(json.dumps({"streams": []}))
    with pytest.raises(SystemExit) as stop:
        run(["read", "--config", str(tmp_path / "config.json"), "--catalog", str(tmp_path / "catalog.json"),
             "--state", state_file(tmp_path, "this is {not json")])
    assert stop.value.code == 1
    [line] = [line for line in capsys.readouterr().out.splitlines() if '"TRACE"' in line]
    error = json.loads(line)["trace"]["error"]
    assert error["failure_type"] == "config_error" and "The state file" in error["message"]
