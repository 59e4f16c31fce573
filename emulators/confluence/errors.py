"""Error envelopes. `ApiError` is raised anywhere below a handler; the dispatcher renders it in
the envelope of the route's API style (confluence-api.md §5.2 v2, §6.2 v1).

v2: {"errors": [{"status", "code", "title", "detail"}]}    v1/DC: {"statusCode", "message"}
"""
from __future__ import annotations

from emulators.confluence.json_response import JSONResponse

V2_CODES = {400: "INVALID_REQUEST_PARAMETER", 401: "UNAUTHORIZED", 403: "FORBIDDEN",
            404: "NOT_FOUND", 413: "PAYLOAD_TOO_LARGE", 429: "TOO_MANY_REQUESTS",
            500: "INTERNAL_SERVER_ERROR"}


class ApiError(Exception):
    """An HTTP error with a human message; `code` overrides the v2 code for the status."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def not_found(kind: str, item_id: str) -> ApiError:
    # Confluence answers 404 both for "missing" and "not permitted" (confluence-api.md §5.2).
    return ApiError(404, f"No {kind} found with id: {item_id}")


def v2_error_response(error: ApiError) -> JSONResponse:
    code = error.code or V2_CODES.get(error.status, "ERROR")
    return JSONResponse({"errors": [{"status": error.status, "code": code,
                                     "title": error.message, "detail": None}]},
                        status_code=error.status)


def v1_error_response(error: ApiError) -> JSONResponse:
    return JSONResponse({"statusCode": error.status, "message": error.message,
                         "data": {"authorized": error.status not in (401, 403), "valid": True,
                                  "errors": [], "successful": False}},
                        status_code=error.status)


def error_response(api: str, error: ApiError) -> JSONResponse:
    return v2_error_response(error) if api == "v2" else v1_error_response(error)
