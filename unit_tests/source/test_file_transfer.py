"""Attachment bytes are streamed to the staging directory under names that cannot escape it."""
from pathlib import Path

import pytest
from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from source_confluence.components.files.file_transfer import safe_file_name

from .builders.config import ConfigBuilder
from .builders.requests import RequestBuilder
from .builders.responses import cloud_search_page, v1_attachment
from .reading import read_stream, record_ids

EXPAND = "space,version,container,extensions,history"


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "a\x00b\x07c", "..", "", "x" * 500, "ü" * 300])
def test_given_hostile_names_then_one_harmless_segment(name):
    safe = safe_file_name(name)
    assert "/" not in safe and "\\" not in safe and safe not in ("", ".", "..") and "\x00" not in safe
    assert len(safe.encode()) <= 200


def test_given_download_on_when_reading_attachments_then_files_are_staged_and_zero_byte_listed_without_file(tmp_path):
    config = ConfigBuilder().with_(attachments={"download_files": True}).build()
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search("type = attachment", expand=EXPAND).build(), cloud_search_page([
            v1_attachment("att1", "7", size=5), v1_attachment("att2", "7", size=0)]))
        http.get(HttpRequest("https://acme.atlassian.net/wiki/download/attachments/7/att1.txt",
                             query_params={"version": "1", "api": "v2"}), HttpResponse("hello"))
        output = read_stream("attachments", config)
    assert record_ids(output) == ["att1", "att2"]
    staged, empty = (message.record for message in output.records)
    assert Path(staged.file_reference.staging_file_url).read_bytes() == b"hello"
    assert staged.file_reference.file_size_bytes == 5
    assert staged.file_reference.source_file_relative_path == "attachments/7/att1-att1.txt"
    assert empty.file_reference is None
    assert "__download_target" not in staged.data


def test_given_media_type_and_size_filters_when_reading_attachments_then_only_accepted_files_listed():
    config = ConfigBuilder().with_(attachments={"allowed_media_types": ["application/pdf"], "max_size_mb": 1}).build()
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search("type = attachment", expand=EXPAND).build(), cloud_search_page([
            v1_attachment("att1", "7", media_type="application/pdf", size=10),
            v1_attachment("att2", "7", media_type="text/plain", size=10),
            v1_attachment("att3", "7", media_type="application/pdf", size=2 * 1024 * 1024)]))
        output = read_stream("attachments", config)
    assert record_ids(output) == ["att1"]
    assert output.records[0].record.data["downloadUrl"].startswith("https://acme.atlassian.net/wiki/download/attachments/7/")
