"""Attachments, both deployments: recorded attachment objects served as the `content/search?cql=type =
attachment` answers the stream reads (no recording of that exact request exists; INDEX.md).

  Data Center: the objects of datacenter__v1-content-child-attachment__2 (in its own, trimmed envelope:
    size + _links, no start/limit) and datacenter__v1-content-by-id-attachment__1 (one object, fetched
    by id: wrapped in a content/search envelope; its uploader is anonymous, with no username or key).
  Cloud: the objects of cloud__v2-attachments__1. They are v2 attachment objects (pageId, mediaType,
    fileSize and version.createdAt at the top level, mediaTypeDescription null on most), not the v1
    objects CQL returns: served in a content/search envelope, the stream reads the fields the two
    shapes share (identity, title, media type, size, container, version, links); space and the v1
    history are not in a v2 object, so they are null.
"""
from typing import Any, Dict, List

from unit_tests.source.builders.config import ConfigBuilder
from unit_tests.source.reading import read_stream

from .expectations import (assert_clean_run, assert_one_record_per_object, assert_valid_against_schema, nested, utc,
                           web_url)
from .recordings import recording
from .replay_server import Replay

DC_HOST = "https://wiki.corp.example"
CLOUD_ORIGIN = "https://acme.atlassian.net"


def run(config: Dict[str, Any], origin: str, path: str, pages: List[Dict[str, Any]], token: str, capfd):
    with Replay(origin) as replay:
        replay.listing(path, pages, token=token)
        output = read_stream("attachments", config)
    replay.assert_every_listing_replayed()
    captured = capfd.readouterr()
    assert_clean_run(output, config, captured.out + captured.err)
    assert_valid_against_schema("attachments", config, [m.record.data for m in output.records])
    return output


def envelope_of(one: Dict[str, Any]) -> Dict[str, Any]:
    links = one.get("_links") or {}
    return {"results": [one], "start": 0, "limit": 250, "size": 1,
            "_links": {"base": links.get("base"), "context": links.get("context", "")}}


def test_data_center_attachments_from_recorded_attachment_objects(capfd):
    listed = recording("datacenter__v1-content-child-attachment__2")["body"]
    by_id = recording("datacenter__v1-content-by-id-attachment__1")["body"]
    config = ConfigBuilder().data_center().with_(domain_name=DC_HOST).build()
    recorded = []
    for page in (listed, envelope_of(by_id)):
        output = run(config, DC_HOST, "/rest/api/content/search", [page], "start", capfd)
        records = assert_one_record_per_object(output, [a["id"] for a in page["results"]])
        recorded += [(records[a["id"]], a) for a in page["results"]]
    for record, attachment in recorded:
        assert record.get("title") == attachment["title"] and record.get("status") == attachment["status"]
        media_type = nested(attachment, "extensions", "mediaType") or nested(attachment, "metadata", "mediaType")
        assert record.get("mediaType") == media_type and record.get("fileSize") == nested(attachment, "extensions", "fileSize")
        assert record.get("containerId") == nested(attachment, "container", "id")   # not expanded in either
        assert (record.get("version") or {}).get("number") == attachment["version"]["number"]
        assert record.get("lastModifiedAt") == utc(attachment["version"]["when"])
        assert record.get("createdAt") == (utc(nested(attachment, "history", "createdDate"))
                                           or (utc(attachment["version"]["when"]) if attachment["version"]["number"] == 1 else None))
        assert record.get("downloadUrl") == web_url(DC_HOST, attachment["_links"]["download"])
        assert record.get("webUrl") == web_url(DC_HOST, attachment["_links"].get("webui"))


def test_cloud_attachments_from_recorded_v2_attachment_objects(capfd):
    recorded = recording("cloud__v2-attachments__1")["body"]
    page = {"results": recorded["results"], "start": 0, "limit": 250, "size": len(recorded["results"]),
            "_links": {"base": recorded["_links"]["base"], "context": "/wiki"}}
    output = run(ConfigBuilder().build(), CLOUD_ORIGIN, "/wiki/rest/api/content/search", [page], "cursor", capfd)
    records = assert_one_record_per_object(output, [a["id"] for a in recorded["results"]])
    for attachment in recorded["results"]:
        record = records[attachment["id"]]
        assert record.get("title") == attachment["title"] and record.get("status") == attachment["status"]
        assert (record.get("mediaType"), record.get("fileSize")) == (attachment["mediaType"], attachment["fileSize"])
        assert (record.get("containerId"), record.get("containerType")) == (attachment["pageId"], "page")
        assert (record.get("version") or {}).get("number") == attachment["version"]["number"]
        assert record.get("lastModifiedAt") == utc(attachment["version"]["createdAt"])
        assert record.get("createdAt") == utc(attachment["createdAt"])
        assert record.get("spaceKey") is None and record.get("spaceId") is None
        assert record.get("downloadUrl") == web_url(f"{CLOUD_ORIGIN}/wiki", attachment["_links"]["download"])
        assert record.get("webUrl") == web_url(f"{CLOUD_ORIGIN}/wiki", attachment["_links"]["webui"])
