"""Credentials go to the configured host only (issue #6 part 5).

A proxy in front of the real emulator points `_links.next` or an attachment's download link at a second
loopback server (127.0.0.2) that records request headers. Whatever the source does about it (refuse
with a clear error, or keep talking to its own host), that second server must never see credentials.
"""
from __future__ import annotations

import pytest

from .connector_runs import catalog_for, run_source
from .loopback_servers import ForeignHost, RewritingProxy
from .source_configs import source_config

SEARCH_PATH = "/rest/api/content/search"


def _point_next_links_at(foreign_base: str):
    def rewrite(path: str, payload: dict) -> dict:
        links = payload.get("_links") if isinstance(payload, dict) else None
        if isinstance(links, dict) and links.get("next"):
            links["next"] = foreign_base + "/wiki" + links["next"].removeprefix("/wiki")
        return payload
    return rewrite


def _point_download_links_at(foreign_base: str):
    def rewrite(path: str, payload: dict) -> dict:
        if SEARCH_PATH in path and isinstance(payload, dict):
            for item in payload.get("results") or []:
                links = item.get("_links") or {}
                if links.get("download"):
                    links["download"] = foreign_base + "/wiki" + links["download"].removeprefix("/wiki")
        return payload
    return rewrite


def _assert_refused_or_stayed_home(run, foreign: ForeignHost, what: str) -> None:
    assert foreign.credentials_seen() == [], f"{what}: credentials sent to another host: {foreign.credentials_seen()}"
    if foreign.seen:
        # It talked to the other host without credentials: acceptable only if it then failed loudly.
        assert run.exit_code != 0 and run.failure_text(), f"{what}: followed a foreign link silently"


@pytest.mark.parametrize("auth", ["api_token", "oauth2"])
def test_given_next_link_on_another_host_when_reading_then_no_credentials_reach_it(cloud_confluence, tmp_path, auth):
    with ForeignHost() as foreign, RewritingProxy(cloud_confluence.base_url,
                                                  rewrite_json=None) as proxy:
        proxy.rewrite_json = _point_next_links_at(foreign.base_url)
        config = source_config(proxy.base_url, auth=auth)
        run = run_source("read", config, tmp_path, catalog=catalog_for(["pages", "spaces"]))
        _assert_refused_or_stayed_home(run, foreign, "_links.next on 127.0.0.2")
        if not foreign.seen and run.exit_code == 0:
            truth = cloud_confluence.truth()
            expected = {pid for pid, page in truth["pages"].items() if page["status"] == "current"}
            assert run.record_ids("pages") == expected, "stayed home but lost pages"


def test_given_download_link_on_another_host_when_transferring_files_then_it_is_refused_loudly(
        cloud_confluence, tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    with ForeignHost() as foreign, RewritingProxy(cloud_confluence.base_url) as proxy:
        proxy.rewrite_json = _point_download_links_at(foreign.base_url)
        config = source_config(proxy.base_url, attachments={"download_files": True, "max_size_mb": 5})
        run = run_source("read", config, tmp_path, catalog=catalog_for(["attachments"]), staging_dir=staging)
    assert run.records("attachments") or run.failure_text(), "no attachments and no error: the scenario is empty"
    _assert_refused_or_stayed_home(run, foreign, "attachment download link on 127.0.0.2")
    staged = [record for record in run.records("attachments") if record.get("file_reference")]
    assert not staged or not foreign.seen, "a file was staged from a foreign host"
    message = run.failure_text().lower()
    assert run.exit_code != 0 and ("host" in message or "foreign" in message or "origin" in message), (
        "a download link on another host must be refused with an error naming the host, got exit "
        f"{run.exit_code}: {message[:1500]}")
