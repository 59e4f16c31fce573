"""The served operations (the one list: stats, faults and the README use these keys) and their
handlers: both GraphQL endpoints, file-diff, blob upload and read, the token endpoint.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from typing import Awaitable, Callable

from graphql import FieldNode, GraphQLError, GraphQLSchema, execute, get_operation_ast, parse, validate
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from . import auth, faults
from .access import visible_rows
from .file_diff import DiffRequestError, compute_diff, filter_by_source, parse_request
from .resolver_context import ResolverContext
from .schemas import ingestion_schema, scope_management_schema

BLOB_TYPE_HEADER = "x-ms-blob-type"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[..., Awaitable[Response]]
    needs_auth: bool = True
    is_graphql: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"statusCode": status, "message": message}, status_code=status)


# ── GraphQL ──────────────────────────────────────────────────────────
async def ingestion_graphql(emulator, request: Request, user_id: str) -> Response:
    return await _graphql(emulator, request, user_id, ingestion_schema(), "POST /graphql")


async def scope_management_graphql(emulator, request: Request, user_id: str) -> Response:
    return await _graphql(emulator, request, user_id, scope_management_schema(), "POST /scope-management/graphql")


async def _graphql(emulator, request: Request, user_id: str, schema: GraphQLSchema, route_key: str) -> Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _graphql_failure("request body must be JSON {query, variables?, operationName?}")
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return _graphql_failure("request body must be JSON {query, variables?, operationName?}")
    variables, operation_name = body.get("variables") or {}, body.get("operationName")
    if not isinstance(variables, dict) or not isinstance(operation_name, (str, type(None))):
        return _graphql_failure("variables must be an object and operationName a string")
    try:
        document = _parsed(body["query"])
    except GraphQLError as syntax_error:
        return _graphql_failure(syntax_error.message, "GRAPHQL_PARSE_FAILED")
    labels = operation_labels(document, operation_name, variables)
    emulator.stats.by_operation.update(labels["fields"])
    if labels["name"]:
        emulator.stats.by_operation_name[labels["name"]] += 1
    rule = emulator.faults.take(route_key, {labels["name"], *labels["fields"]} - {None})
    if rule is not None:
        early = await faults.respond_before(rule, request)
        if early is not None:
            return early
    validation_errors = _validation_errors(schema, body["query"])
    if validation_errors:
        return JSONResponse({"errors": [error.formatted for error in validation_errors]}, status_code=400)
    context = ResolverContext(emulator.store, emulator.assume, user_id, _origin(request))
    result = execute(schema, document, context_value=context, variable_values=variables,
                     operation_name=operation_name)
    payload = {"data": result.data}
    if result.errors:
        payload["errors"] = [error.formatted for error in result.errors]
    # A bad variable or operationName fails before execution (errors without a path): Apollo
    # answers those with 400; resolver errors are HTTP 200 with errors[].
    is_request_error = result.data is None and any(error.path is None for error in result.errors or [])
    response = JSONResponse(payload, status_code=400 if is_request_error else 200)
    return faults.respond_after(rule, response) if rule is not None else response


# A client sends the same few operation texts thousands of times; like Apollo's document cache,
# parse and validate each text once (executing is per request). Errors are not cached (lru_cache
# does not keep exceptions), so a bad query fails every time.
@functools.lru_cache(maxsize=256)
def _parsed(query: str):
    return parse(query)


@functools.lru_cache(maxsize=256)
def _validation_errors(schema: GraphQLSchema, query: str) -> tuple:
    return tuple(validate(schema, _parsed(query)))


def _graphql_failure(message: str, code: str = "BAD_REQUEST") -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=400)


def operation_labels(document, operation_name: str | None, variables: dict) -> dict:
    """{"name": "ContentUpsert", "fields": ["contentUpsert", "contentUpsert:finalize"]}"""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return {"name": operation_name, "fields": []}
    names = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value.startswith("__"):
            continue
        names.append(selection.name.value)
        if selection.name.value == "contentUpsert":
            names.append("contentUpsert:finalize" if _has_file_url(selection, variables) else "contentUpsert:register")
    return {"name": operation_name or (operation.name.value if operation.name else None), "fields": names}


def _has_file_url(field_node: FieldNode, variables: dict) -> bool:
    for argument in field_node.arguments:
        if argument.name.value == "fileUrl":
            value = argument.value
            if value.kind == "variable":
                return variables.get(value.name.value) is not None
            return value.kind != "null_value"
    return False


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


# ── file diff (protocol §3.1, §8) ────────────────────────────────────
async def file_diff(emulator, request: Request, user_id: str) -> Response:
    try:
        diff_request = parse_request(json.loads(await request.body()))
    except ValueError as invalid:       # JSONDecodeError and DiffRequestError
        message = str(invalid) if isinstance(invalid, DiffRequestError) else "body must be JSON"
        return _json_error(400, message)
    assume, store = emulator.assume, emulator.store
    if assume["max_diff_files"] and len(diff_request.files) > assume["max_diff_files"]:
        return _json_error(413, f"fileList holds {len(diff_request.files)} entries; the limit is "
                                f"{assume['max_diff_files']}")
    rows = store.contents_with_key_part(diff_request.partial_key, assume["partial_key_match"])
    rows = filter_by_source(rows, diff_request, assume["diff_source_filter"])
    rows = visible_rows(store, assume, user_id, rows)      # scope_read=needs_access: only readable contents
    outcome = compute_diff(diff_request, rows, assume, store.offered_updated_at, store.now())
    store.record_offers(outcome.offers)
    for content_id in outcome.failed_reoffered_ids:
        store.update_content(content_id, {"failed_offered_at": store.now_iso()}, touch=False)
    return JSONResponse(outcome.as_response(), status_code=assume["file_diff_status"])


# ── blobs: the pre-signed writeUrl / readUrl (no auth header, protocol §3.3) ──
async def upload_blob(emulator, request: Request, user_id: None) -> Response:
    blob_key = request.query_params.get("key")
    if not blob_key:
        return _json_error(400, "query parameter key is required")
    if request.headers.get(BLOB_TYPE_HEADER) != "BlockBlob":
        return _json_error(400, f"header {BLOB_TYPE_HEADER}: BlockBlob is required")
    store = emulator.store
    row = store.content_by_blob_key(blob_key)
    if row is None:
        return _json_error(404, f"no registered content for blob key {blob_key}")
    limit = emulator.assume["max_blob_bytes"]
    final_path = store.blob_path(blob_key)
    partial_path = final_path.with_name(final_path.name + f".{os.getpid()}.{id(request)}.part")
    size, is_too_large = 0, False
    try:
        with open(partial_path, "wb") as blob_file:
            async for chunk in request.stream():          # chunks, never the whole body in memory
                size += len(chunk)
                is_too_large = is_too_large or bool(limit and size > limit)
                if not is_too_large:
                    blob_file.write(chunk)
        if is_too_large:
            return _json_error(413, f"blob of {size} bytes exceeds the limit of {limit} bytes")
        os.replace(partial_path, final_path)             # a reader never sees half a blob
    finally:
        partial_path.unlink(missing_ok=True)             # too large, or the client went away mid-body
    store.update_content(row["id"], {"blob_size": size}, touch=False)
    emulator.stats.uploaded_bytes += size
    return Response(status_code=201)


async def read_blob(emulator, request: Request, user_id: None) -> Response:
    blob_key = request.query_params.get("key") or ""
    path = emulator.store.blob_path(blob_key)
    row = emulator.store.content_by_blob_key(blob_key)
    if row is None or not path.exists():
        return _json_error(404, f"no blob for key {blob_key}")
    return FileResponse(path, media_type=row["mime_type"] or "application/octet-stream")


async def token(emulator, request: Request, user_id: None) -> Response:
    return await auth.issue_token(request, emulator.store, emulator.assume["token_ttl_seconds"])


ROUTES = [
    Route("POST", "/graphql", ingestion_graphql, is_graphql=True),
    Route("POST", "/scope-management/graphql", scope_management_graphql, is_graphql=True),
    Route("POST", "/v2/content/file-diff", file_diff),
    Route("PUT", "/scoped/upload", upload_blob, needs_auth=False),
    Route("GET", "/scoped/read", read_blob, needs_auth=False),
    Route("POST", "/oauth/v2/token", token, needs_auth=False),
]
