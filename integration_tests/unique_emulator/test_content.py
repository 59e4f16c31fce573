"""Content operations of the ingestion GraphQL through real HTTP (protocol §3.2–§3.7, §3.10)."""
from __future__ import annotations

import requests

from .conftest import ingest, upsert_variables
from .documents import CONTENT_UPDATE, CONTENT_UPSERT, DELETE_BY_IDS, PAGINATED_CONTENT


def _content(uq, key: str) -> dict:
    return next(row for row in uq.state()["contents"] if row["key"] == key)


def test_given_register_put_finalize_then_content_is_finished_with_blob_and_readable(uq, prefix):
    body = "<h1>Ünïcode page</h1>".encode()
    registered = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "root-confluence"))["data"]["contentUpsert"]
    assert registered["writeUrl"].startswith(f"{uq.base_url}/scoped/upload?key=")
    assert registered["readUrl"].startswith(f"{uq.base_url}/scoped/read?key=")
    assert registered["ownerId"] == "root-confluence" and registered["source"]["kind"] == "ATLASSIAN_CONFLUENCE_CLOUD"

    finalized = ingest(uq, prefix + "1", body=body, metadata={"spaceKey": "ENG", "labels": ["b", "a"]})

    assert finalized["id"] == registered["id"]
    assert finalized["ingestionState"] == "FINISHED"
    assert finalized["metadata"] == {"spaceKey": "ENG", "labels": '["b", "a"]'}   # flat_strings default
    stored = _content(uq, prefix + "1")
    assert stored["blobSize"] == len(body) and stored["byteSize"] == len(body)
    assert requests.get(finalized["readUrl"], timeout=10).content == body


def test_given_same_key_and_scope_when_upserting_again_then_the_content_is_updated_not_duplicated(uq, prefix):
    first = ingest(uq, prefix + "1", title="Old")
    second = ingest(uq, prefix + "1", title="New", body=b"<p>v2</p>")
    assert second["id"] == first["id"] and second["title"] == "New"
    assert [row["title"] for row in uq.state()["contents"] if row["key"] == prefix + "1"] == ["New"]


def test_given_same_key_in_another_scope_then_it_is_another_content(uq, prefix):
    other = uq.create_scope(prefix.strip("/"), parent_id="root-confluence")
    assert ingest(uq, prefix + "1")["id"] != ingest(uq, prefix + "1", scope_id=other["id"])["id"]


def test_given_finalize_without_upload_then_state_is_failed_getting_file(uq, prefix):
    variables = upsert_variables(prefix + "1", "root-confluence")
    registered = uq.graphql(CONTENT_UPSERT, variables)["data"]["contentUpsert"]
    finalized = uq.graphql(CONTENT_UPSERT, {**variables, "fileUrl": registered["readUrl"]})["data"]["contentUpsert"]
    assert finalized["ingestionState"] == "FAILED_GETTING_FILE"


def test_given_image_without_ocr_config_then_failed_image_unless_switched(uq, prefix):
    assert ingest(uq, prefix + "a", mimeType="image/png", body=b"\x89PNG")["ingestionState"] == "FAILED_IMAGE"
    assert ingest(uq, prefix + "b", mimeType="image/png", body=b"\x89PNG",
                  ingestionConfig={"jpgReadMode": "DOC_INTELLIGENCE_DEFAULT"})["ingestionState"] == "FINISHED"
    uq.set_assumptions(image_without_ocr="finished")
    assert ingest(uq, prefix + "c", mimeType="image/png", body=b"\x89PNG")["ingestionState"] == "FINISHED"


def test_upload_requires_block_blob_header_and_a_registered_key(uq, prefix):
    registered = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "root-confluence"))["data"]["contentUpsert"]
    assert requests.put(registered["writeUrl"], data=b"x", timeout=10).status_code == 400
    unknown = requests.put(f"{uq.base_url}/scoped/upload?key=nope", data=b"x",
                           headers={"x-ms-blob-type": "BlockBlob"}, timeout=10)
    assert unknown.status_code == 404


def test_given_a_streamed_upload_larger_than_a_chunk_then_size_is_recorded(uq, prefix):
    registered = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "root-confluence"))["data"]["contentUpsert"]
    chunks = (bytes([index]) * 65536 for index in range(40))          # 2.5 MiB, chunked transfer encoding
    put = requests.put(registered["writeUrl"], data=chunks, headers={"x-ms-blob-type": "BlockBlob"}, timeout=30)
    assert put.status_code == 201
    assert _content(uq, prefix + "1")["blobSize"] == 40 * 65536


def test_given_max_blob_bytes_then_a_larger_upload_is_413(uq, prefix):
    uq.set_assumptions(max_blob_bytes=10)
    registered = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "root-confluence"))["data"]["contentUpsert"]
    put = requests.put(registered["writeUrl"], data=b"x" * 11, headers={"x-ms-blob-type": "BlockBlob"}, timeout=10)
    assert put.status_code == 413 and _content(uq, prefix + "1")["blobSize"] is None


def test_paginated_content_filters_pages_and_counts(uq, prefix):
    for index in range(5):
        ingest(uq, f"{prefix}{index}", metadata={"spaceKey": "ENG" if index < 3 else "OPS"})
    where_prefix = {"key": {"startsWith": prefix}}
    count = uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 0, "where": where_prefix})["data"]["paginatedContent"]
    assert count == {"totalCount": 5, "nodes": []}
    pages = [uq.graphql(PAGINATED_CONTENT, {"skip": skip, "take": 2, "where": where_prefix})
             ["data"]["paginatedContent"]["nodes"] for skip in (0, 2, 4)]
    assert [node["key"] for page in pages for node in page] == [f"{prefix}{index}" for index in range(5)]
    by_in = uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 100, "where": {
        "key": {"in": [prefix + "1", prefix + "4", prefix + "missing"]}}})["data"]["paginatedContent"]
    assert sorted(node["key"] for node in by_in["nodes"]) == [prefix + "1", prefix + "4"]
    by_owner_and_metadata = uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 100, "where": {
        "ownerId": {"equals": "root-confluence"}, "ownerType": {"equals": "SCOPE"}, "key": {"startsWith": prefix},
        "metadata": {"path": ["spaceKey"], "equals": "OPS"}}})["data"]["paginatedContent"]
    assert by_owner_and_metadata["totalCount"] == 2
    inline = uq.graphql('{ paginatedContent(skip: 0, take: 1, where: {key: {equals: "%s0"}, ownerType: {equals: SCOPE}}) '
                        '{ totalCount } }' % prefix)
    assert inline["data"]["paginatedContent"]["totalCount"] == 1


def test_given_max_take_then_pages_are_silently_capped(uq, prefix):
    for index in range(3):
        ingest(uq, f"{prefix}{index}")
    uq.set_assumptions(max_take=2)
    page = uq.graphql(PAGINATED_CONTENT, {"skip": 0, "take": 100, "where": {"key": {"startsWith": prefix}}})
    assert len(page["data"]["paginatedContent"]["nodes"]) == 2


def test_delete_by_ids_returns_only_the_deleted_and_removes_blobs(uq, prefix):
    first, second = ingest(uq, prefix + "1"), ingest(uq, prefix + "2")
    deleted = uq.graphql(DELETE_BY_IDS, {"contentIds": [first["id"], "cont_missing", second["id"]]})
    assert deleted["data"]["contentDeleteByContentIds"] == [{"id": first["id"]}, {"id": second["id"]}]
    assert not [row for row in uq.state()["contents"] if row["key"].startswith(prefix)]
    assert requests.get(first["readUrl"], timeout=10).status_code == 404


def test_content_delete_single(uq, prefix):
    content = ingest(uq, prefix + "1")
    mutation = "mutation ContentDelete($id: String!) { contentDelete(id: $id) }"
    assert uq.graphql(mutation, {"id": content["id"]})["data"]["contentDelete"] is True
    assert uq.graphql(mutation, {"id": content["id"]})["data"]["contentDelete"] is False


def test_content_update_moves_owner_and_url_and_metadata(uq, prefix):
    content = ingest(uq, prefix + "1")
    target = uq.create_scope(prefix.strip("/") + "-target", parent_id="root-confluence")
    moved = uq.graphql(CONTENT_UPDATE, {"contentId": content["id"], "ownerId": target["id"],
                                        "input": {"url": "https://wiki/new"}})["data"]["contentUpdate"]
    assert moved["ownerId"] == target["id"] and moved["url"] == "https://wiki/new"
    updated = uq.graphql(CONTENT_UPDATE, {"contentId": content["id"], "input": {"metadata": {"n": 1},
                                          "expiresAt": "2030-01-01T00:00:00Z"}})["data"]["contentUpdate"]
    assert updated["metadata"] == {"n": "1"} and updated["url"] == "https://wiki/new"
    missing = uq.graphql(CONTENT_UPDATE, {"contentId": "cont_missing", "input": {"url": "x"}})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_statistics_and_content_by_id(uq, prefix):
    scope = uq.create_scope(prefix.strip("/"), parent_id="root-confluence")
    ok = ingest(uq, prefix + "1", scope_id=scope["id"], body=b"<p>chunk me</p>")
    ingest(uq, prefix + "2", scope_id=scope["id"], mimeType="image/jpeg", body=b"\xff\xd8")
    counts = uq.graphql('query S($id: String) { statisticsIngestion(where: {ownerId: {equals: $id}, '
                        'ownerType: {equals: SCOPE}}) { counts } }', {"id": scope["id"]})
    assert counts["data"]["statisticsIngestion"]["counts"] == {"FINISHED": 1, "FAILED_IMAGE": 1}
    by_id = uq.graphql('query C($ids: [String!]!) { contentById(contentIds: $ids) { id title chunks { text } } }',
                       {"ids": [ok["id"]]})["data"]["contentById"]
    assert by_id[0]["chunks"][0]["text"] == "<p>chunk me</p>"


def test_text_argument_is_stored_as_blob_or_rejected(uq, prefix):
    mutation = ('mutation T($input: ContentCreateInput!, $scopeId: String, $text: String) { '
                'contentUpsert(input: $input, scopeId: $scopeId, text: $text) { id ingestionState } }')
    variables = {**upsert_variables(prefix + "1", "root-confluence"), "text": "plain text"}
    variables = {name: variables[name] for name in ("input", "scopeId", "text")}
    assert uq.graphql(mutation, variables)["data"]["contentUpsert"]["ingestionState"] == "FINISHED"
    uq.set_assumptions(text_argument="reject")
    assert uq.graphql(mutation, variables)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_graphql_errors_for_invalid_input(uq, prefix):
    post = lambda body: uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, json=body, timeout=10)
    syntax = post({"query": "mutation { contentUpsert("})
    assert syntax.status_code == 400 and syntax.json()["errors"]
    unknown_field = post({"query": "{ paginatedContent(skip: 0, take: 1) { nodes { nope } } }"})
    assert unknown_field.status_code == 400
    missing_required = post({"query": CONTENT_UPSERT, "variables": {"input": {"key": prefix + "1"}}})
    assert missing_required.status_code == 400 and "mimeType" in missing_required.text
    bad_enum = post({"query": CONTENT_UPSERT, "variables": upsert_variables(prefix + "1", "root-confluence") | {
        "input": {"key": prefix + "1", "mimeType": "text/html", "ownerType": "PLANET"}}})
    assert bad_enum.status_code == 400
    unknown_scope = uq.graphql(CONTENT_UPSERT, upsert_variables(prefix + "1", "scope_missing"))
    assert unknown_scope["data"]["contentUpsert"] is None
    assert unknown_scope["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert post({"query": 42}).status_code == 400
    assert uq.session.post(f"{uq.base_url}/graphql", headers=uq.headers, data="{not json", timeout=10).status_code == 400
    negative = uq.graphql(PAGINATED_CONTENT, {"skip": -1, "take": 1})
    assert negative["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
