"""Comments (every reply level), groups with members, audit without admin rights, users, labels, spaces."""
import json
from urllib.parse import urlencode

from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest, HttpResponse

from .builders.config import ConfigBuilder
from .builders.requests import RequestBuilder
from .builders.responses import error, offset_page, v1_content, v2_page
from .reading import read_stream, record_ids

COMMENT_EXPAND = ("body.storage,version,container,ancestors,space,extensions.inlineProperties,"
                  "extensions.resolution,history")


def v2_comment(comment_id, *, page_id=None, parent=None, inline=False):
    record = {"id": comment_id, "status": "current", "title": "Re: x", "version": {"number": 1, "createdAt": "2026-10-01T12:00:00.000Z", "authorId": "a"},
              "body": {"storage": {"value": "<p>c</p>", "representation": "storage"}}, "_links": {"webui": f"/x?focusedCommentId={comment_id}"}}
    if page_id:
        record["pageId"] = page_id
    if parent:
        record["parentCommentId"] = parent
    if inline:
        record.update(resolutionStatus="open", properties={"inline-marker-ref": "m1", "inline-original-selection": "sel"})
    return record


def test_given_site_wide_comment_lists_when_reading_comments_then_footer_inline_and_replies_arrive():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v2("footer-comments").with_params(limit=250, **{"body-format": "storage"}).build(),
                 v2_page([v2_comment("1", page_id="7"), v2_comment("2", page_id="7", parent="1")], resource="footer-comments"))
        http.get(RequestBuilder.cloud_v2("inline-comments").with_params(limit=250, **{"body-format": "storage"}).build(),
                 v2_page([v2_comment("3", page_id="7", inline=True)], resource="inline-comments"))
        output = read_stream("comments", config)
    by_id = {m.record.data["id"]: m.record.data for m in output.records}
    assert sorted(by_id) == ["1", "2", "3"]
    assert by_id["2"]["parentCommentId"] == "1" and by_id["2"]["location"] == "footer"
    assert by_id["3"]["location"] == "inline" and by_id["3"]["inlineMarkerRef"] == "m1"
    assert by_id["3"]["inlineOriginalSelection"] == "sel" and by_id["3"]["resolutionStatus"] == "open"
    assert by_id["1"]["containerId"] == "7" and by_id["1"]["containerType"] == "page"


def test_given_data_center_when_reading_comments_then_one_cql_listing_gives_parents_from_ancestors():
    config = ConfigBuilder().data_center().build()
    reply = v1_content("11", kind="comment")
    reply.update(container={"id": "7", "type": "page"}, ancestors=[{"id": "7", "type": "page"}, {"id": "10", "type": "comment"}],
                 extensions={"location": "inline", "inlineProperties": {"markerRef": "m", "originalSelection": "s"},
                             "resolution": {"status": "resolved"}})
    with HttpMocker() as http:
        http.get(RequestBuilder.content_search("type = comment", expand=COMMENT_EXPAND, base="dc").build(), offset_page([reply]))
        output = read_stream("comments", config)
    record = output.records[0].record.data
    assert (record["parentCommentId"], record["containerId"], record["location"], record["resolutionStatus"]) == ("10", "7", "inline", "resolved")


def test_given_groups_when_reading_then_members_are_nested():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v1("group").with_params(limit=200).build(),
                 offset_page([{"type": "group", "name": "devs", "id": "g1"}]))
        http.get(RequestBuilder.cloud_v1("group/g1/membersByGroupId").with_params(start=0, limit=200).build(),
                 offset_page([{"accountId": "a1", "displayName": "Ann"}]))
        output = read_stream("groups", config)
    assert output.records[0].record.data["members"] == [{"id": "a1", "displayName": "Ann"}]


def test_given_no_admin_rights_when_reading_audit_then_empty_with_warning_and_no_failure():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v1("audit").with_params(limit=1000).build(), error(403))
        output = read_stream("audit", config)
    assert output.records == [] and not output.errors
    assert any("Administrator" in log.log.message for log in output.logs)


def test_given_rate_limit_with_retry_after_when_reading_then_retried_and_records_arrive():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v2("labels").with_params(limit=250).build(),
                 [error(429, {"Retry-After": "1"}), v2_page([{"id": "5", "name": "docs", "prefix": "global"}], resource="labels")])
        output = read_stream("labels", config)
    assert record_ids(output) == ["5"]


def test_given_server_error_on_a_heavy_page_when_reading_then_page_size_is_halved_for_that_listing():
    config = ConfigBuilder().build()
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v2("labels").with_params(limit=250).build(), error(500))
        http.get(RequestBuilder.cloud_v2("labels").with_params(limit=125).build(),
                 v2_page([{"id": "5", "name": "docs", "prefix": "global"}], resource="labels"))
        output = read_stream("labels", config)
    assert record_ids(output) == ["5"]


def test_given_users_search_when_reading_then_hidden_email_is_null():
    config = ConfigBuilder().build()
    user = {"user": {"type": "known", "accountId": "a1", "accountType": "atlassian", "email": "", "displayName": "Ann",
                     "timeZone": None, "profilePicture": {"path": "/p"}}}
    with HttpMocker() as http:
        http.get(RequestBuilder.cloud_v1("search/user").with_params(cql="type=user", limit=250).build(), offset_page([user]))
        output = read_stream("users", config)
    record = output.records[0].record.data
    assert record["id"] == "a1" and record.get("email") is None and record["displayName"] == "Ann"


def test_given_oauth_when_reading_then_token_is_refreshed_and_gateway_is_used(capsys):
    config = ConfigBuilder().with_credentials(auth_type="oauth2", client_id="demo-client", client_secret="demo-client-secret",
                                              refresh_token="demo-refresh-1", token_url="https://auth.example/oauth/token",
                                              cloud_id="c-9").build()
    with HttpMocker() as http:
        http.post(HttpRequest("https://auth.example/oauth/token", body=urlencode({
            "grant_type": "refresh_token", "client_id": "demo-client", "client_secret": "demo-client-secret",
            "refresh_token": "demo-refresh-1"})),
                  HttpResponse(json.dumps({"access_token": "at", "refresh_token": "demo-refresh-2", "expires_in": 3600})))
        http.get(HttpRequest("https://api.atlassian.com/ex/confluence/c-9/wiki/api/v2/labels", query_params={"limit": 250}),
                 v2_page([{"id": "5", "name": "docs", "prefix": "global"}], resource="labels"))
        output = read_stream("labels", config)
    assert record_ids(output) == ["5"]
    control = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"CONTROL"' in line]
    assert control[-1]["control"]["connectorConfig"]["config"]["credentials"]["refresh_token"] == "demo-refresh-2"
