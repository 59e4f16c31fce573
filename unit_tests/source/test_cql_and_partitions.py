"""The CQL the content streams send, and how child listings are split over a selected page set."""
import datetime
import json

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from source_confluence.components.listing.cql import CURSOR_FORMATS, confluence_cql, parse_utc, since_clause
from source_confluence.components.records.label_usage import LabelUsageRetriever
from source_confluence.components.listing.partition_routers import ContentScopePartitionRouter
from source_confluence.components.config_and_state.site_resolution import ingest_all_roots


class FakeRequester:
    """Answers content/search pages in order and remembers the parameters it was asked with."""

    def __init__(self, pages):
        self.pages, self.calls = list(pages), []

    def send_request(self, request_params=None, **kwargs):
        self.calls.append(request_params)
        response = requests.Response()
        response._content = json.dumps(self.pages.pop(0)).encode()
        return response


def search_page(ids, cursor=None, **extra):
    return {"results": [{"id": i, **extra.get(i, {})} for i in ids],
            "_links": {"next": f"/rest/api/content/search?cursor={cursor}"} if cursor else {}}


def test_given_space_keys_clause_and_labels_then_all_are_anded_in_parentheses():
    config = {"space_keys": ["ENG", "~jo"], "cql_pages_clause": "title ~ api", "ingest_label": "in",
              "ingest_all_label": "all", "__ingest_all_roots": [str(i) for i in range(150)]}
    cql = confluence_cql("page", config)
    assert cql.startswith('type = page AND space IN ("ENG", "~jo") AND (title ~ api) AND (label IN ("in", "all") OR ancestor IN (0, ')
    assert cql.count("ancestor IN (") == 2  # 150 roots → batches of 100 and 50


def test_given_several_types_then_type_in_and_no_page_clause_for_children():
    assert confluence_cql("comment", {"cql_pages_clause": "x = 1"}) == "type = comment"
    assert confluence_cql("page,blogpost", {}) == "type IN (page, blogpost)"


def test_given_spring_forward_cursor_then_literal_is_local_wall_time():
    """2026-03-08 10:30Z is 03:30 PDT (after the jump from 02:00 to 03:00); minus 10 min → 03:20."""
    config = {"user_timezone": "America/Los_Angeles", "lookback_window": "PT10M", "start_date": "2020-01-01T00:00:00Z"}
    assert since_clause("lastmodified", {"start_time": "2026-03-08T10:30:00.000000Z"}, config) == 'lastmodified >= "2026-03-08 03:20"'


def test_given_unrestricted_config_then_one_site_wide_partition_without_requests():
    requester = FakeRequester([])
    router = ContentScopePartitionRouter(page_ids_requester=requester, config={}, parameters={}, content_types="attachment",
                                         lead_content_types="page,blogpost")
    assert [s.partition["cql"] for s in router.stream_slices()] == ["type IN (page, blogpost, attachment)"]
    assert requester.calls == []


def test_given_selected_pages_then_leads_then_container_batches_of_100():
    ids = [str(i) for i in range(1, 231)]
    requester = FakeRequester([search_page(ids[:200], cursor="c2"), search_page(ids[200:])])
    router = ContentScopePartitionRouter(page_ids_requester=requester, config={"cql_pages_clause": "space = ENG"},
                                         parameters={}, content_types="attachment", lead_content_types="page,blogpost")
    queries = [s.partition["cql"] for s in router.stream_slices()]
    assert queries[:2] == ["type = page AND (space = ENG)", "type = blogpost"]
    assert [q.count(",") + 1 for q in queries[2:]] == [100, 100, 30]
    assert queries[2].startswith("type = attachment AND container IN (1, 2, ")
    assert requester.calls[1]["cursor"] == "c2"


def test_given_nested_ingest_all_pages_then_only_topmost_roots():
    requester = FakeRequester([search_page(["1", "2", "3"], **{"2": {"ancestors": [{"id": "1"}]}, "3": {"ancestors": [{"id": "9"}]}})])
    assert ingest_all_roots(requester, "all", 250, is_datacenter=False) == ["1", "3"]


def test_given_labelled_content_then_usage_counts_each_carrier():
    label = lambda i, n: {"id": i, "name": n, "prefix": "global"}
    labelled = lambda *ls: {"metadata": {"labels": {"results": list(ls)}}}
    requester = FakeRequester([search_page(["1", "2"], **{"1": labelled(label("a", "docs")), "2": labelled(label("a", "docs"), label("b", "api"))})])
    retriever = LabelUsageRetriever(requester=requester, config={"deployment_type": "datacenter"}, parameters={})
    assert sorted((r["name"], r["usage"]) for r in retriever.read_records({})) == [("api", 1), ("docs", 2)]


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
       digits=st.integers(min_value=0, max_value=6))
def test_parse_utc_equals_strptime_on_every_cursor_format(moment, digits):
    """parse_utc's ISO fast path gives what strptime gives on the cursor formats (any fraction length)."""
    fraction = f".{moment.microsecond:06d}"[: digits + 1] if digits else ""
    value = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"
    fmt = CURSOR_FORMATS[0] if digits else CURSOR_FORMATS[1]
    expected = datetime.datetime.strptime(value, fmt).replace(tzinfo=datetime.timezone.utc)
    assert parse_utc(value) == expected and parse_utc(value).tzinfo == datetime.timezone.utc


def test_parse_utc_still_reads_what_only_strptime_or_offsets_accept():
    utc = datetime.timezone.utc
    assert parse_utc("2024-1-5T1:2:3Z") == datetime.datetime(2024, 1, 5, 1, 2, 3, tzinfo=utc)   # no leading zeros
    assert parse_utc("2024-01-05T01:02:03") == datetime.datetime(2024, 1, 5, 1, 2, 3, tzinfo=utc)   # naive: UTC
    assert parse_utc("2024-01-05T03:02:03+02:00") == datetime.datetime(2024, 1, 5, 1, 2, 3, tzinfo=utc)
    with pytest.raises(ValueError):
        parse_utc("yesterday")
