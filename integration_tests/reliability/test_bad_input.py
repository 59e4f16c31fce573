"""Bad input (issue #6 part 6): every malformed config field fails `check` with a CONNECTION_STATUS
FAILED that names the field, never a traceback; a corrupt or foreign state fails clearly or resets
with a warning. The domain points at a live emulator, so each failure is the field's fault alone.
"""
from __future__ import annotations

import json

import pytest

from .connector_runs import ConnectorRun, catalog_for, run_source
from .source_configs import source_config

# (case id, dotted field → value (None deletes it), a word the message must contain)
MALFORMED_SOURCE_FIELDS = [
    ("domain_empty", {"domain_name": ""}, "domain"),
    ("domain_wrong_type", {"domain_name": 12345}, "domain"),
    ("domain_wrong_scheme", {"domain_name": "ftp://127.0.0.1:1"}, "domain"),
    ("domain_with_spaces", {"domain_name": "not a host"}, "domain"),
    ("deployment_unknown", {"deployment_type": "server"}, "deployment"),
    ("credentials_missing", {"credentials": None}, "credentials"),
    ("auth_type_unknown", {"credentials.auth_type": "magic"}, "auth"),
    ("api_token_empty", {"credentials.api_token": ""}, "token"),
    ("email_wrong_type", {"credentials.email": ["demo@example.com"]}, "email"),
    ("time_zone_unknown", {"user_timezone": "Mars/Olympus_Mons"}, "zone"),
    ("cql_escapes_parentheses", {"cql_pages_clause": "space = ENG) OR (type = page"}, "cql"),
    ("cql_order_by", {"cql_pages_clause": "space = ENG ORDER BY title"}, "order by"),
    ("cql_unclosed_quote", {"cql_pages_clause": 'title ~ "oops'}, "cql"),
    ("cql_unbalanced", {"cql_pages_clause": "((space = ENG)"}, "cql"),
    ("lookback_not_a_duration", {"lookback_window": "ten minutes"}, "lookback"),
    ("lookback_negative", {"lookback_window": "-PT10M"}, "lookback"),
    ("lookback_wrong_type", {"lookback_window": 600}, "lookback"),
    ("start_date_garbage", {"start_date": "yesterday"}, "start"),
    ("page_size_zero", {"page_size": 0}, "page_size"),
    ("page_size_too_big", {"page_size": 100000}, "page_size"),
    ("page_size_wrong_type", {"page_size": "many"}, "page_size"),
    ("num_workers_zero", {"num_workers": 0}, "workers"),
    ("space_keys_not_a_list", {"space_keys": "ENG"}, "space_keys"),
    ("record_format_unknown", {"record_format": "v3"}, "record_format"),
    ("max_size_negative", {"attachments": {"max_size_mb": -1}}, "max_size"),
]


def _apply(config: dict, changes: dict) -> dict:
    for dotted, value in changes.items():
        target = config
        *parents, leaf = dotted.split(".")
        for key in parents:
            target = target[key]
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return config


def assert_no_traceback(run: ConnectorRun) -> None:
    visible = [line for line in run.lines if '"stack_trace"' not in line] + [run.stderr]
    for message in run.trace_errors():
        visible.append(message.get("message") or "")
    assert not any("Traceback (most recent call last)" in text for text in visible), run.text[-3000:]


@pytest.mark.parametrize("case, changes, word", MALFORMED_SOURCE_FIELDS, ids=[c[0] for c in MALFORMED_SOURCE_FIELDS])
def test_given_malformed_field_when_checking_then_failed_status_names_it(cloud_confluence, tmp_path, case, changes,
                                                                        word):
    config = _apply(source_config(cloud_confluence.base_url), changes)
    run = run_source("check", config, tmp_path)
    assert_no_traceback(run)
    status = run.connection_status()
    assert status is not None, f"{case}: no CONNECTION_STATUS at all:\n{run.text[-2000:]}"
    assert status["status"] == "FAILED", f"{case}: check accepted a malformed config"
    assert word.lower() in (status.get("message") or "").lower(), (
        f"{case}: the message does not say what is wrong ({word!r}): {status.get('message')!r}")


def test_given_wrong_password_when_checking_then_failed_status_explains_credentials(cloud_confluence, tmp_path):
    config = source_config(cloud_confluence.base_url)
    config["credentials"]["api_token"] = "wrong-token-4f1c"
    run = run_source("check", config, tmp_path)
    assert_no_traceback(run)
    status = run.connection_status()
    assert status and status["status"] == "FAILED"
    assert any(word in status["message"].lower() for word in ("credential", "token", "401", "403")), status["message"]


FOREIGN_STATES = [
    ("not_json", "this is {not json"),
    ("legacy_dict_of_other_connector", {"pages": {"updated_at": 1700000000}}),
    ("cursor_garbage", [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                                      "stream_state": {"lastModifiedAt": "garbage"}}}]),
    ("cursor_wrong_type", [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                                         "stream_state": {"lastModifiedAt": 12345}}}]),
    ("cursor_in_future", [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "pages"},
                                                        "stream_state": {"lastModifiedAt": "2999-01-01T00:00:00.000Z"}}}]),
    ("unknown_stream", [{"type": "STREAM", "stream": {"stream_descriptor": {"name": "jira_issues"},
                                                      "stream_state": {"updated": "x"}}}]),
]


@pytest.mark.parametrize("case, state", FOREIGN_STATES, ids=[c[0] for c in FOREIGN_STATES])
def test_given_corrupt_or_foreign_state_when_reading_then_clear_error_or_safe_reset(cloud_confluence, tmp_path, case,
                                                                                    state):
    config = source_config(cloud_confluence.base_url)
    run = run_source("read", config, tmp_path, catalog=catalog_for(["pages"], incremental=["pages"]),
                     state=state if isinstance(state, str) else json.dumps(state))
    assert_no_traceback(run)
    expected = {i for i, p in cloud_confluence.truth()["pages"].items() if p["status"] == "current"}
    if run.exit_code != 0 or run.trace_errors():
        assert "state" in run.failure_text().lower(), f"{case}: failed without saying the state is the problem"
        return
    warned = any("state" in message.lower() for message in run.logs("WARN") + run.logs("WARNING"))
    if case == "cursor_in_future":
        # A cursor ahead of every edit silently skips everything; the source must notice and say so.
        assert warned or run.record_ids("pages") == expected, f"{case}: future cursor accepted silently"
        return
    if case == "unknown_stream":
        assert run.record_ids("pages") == expected, f"{case}: a foreign stream's state changed what pages reads"
        return
    assert warned, f"{case}: state was dropped without a warning"
    assert run.record_ids("pages") == expected, f"{case}: reset, but not to a full read"
