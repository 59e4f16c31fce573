"""Validate real emulator responses against Atlassian's own OpenAPI documents.

The four documents live in `../shared/confluence-api/` beside the repository (read-only reference
data, see its README). A route's `spec` triple `(spec file, spec path, http method)` names the
operation; the response schema is `paths[path][method].responses[status].content[application/json]
.schema`. `$ref`s are resolved by the validator through a `referencing` registry that holds the whole
document, so recursive schemas (`Content.ancestors: [Content]`) need no inlining.

Nothing is loosened silently. A validation error is either
* a failure (the emulator disagrees with Atlassian's spec), or
* excused by exactly one named entry of `KNOWN_SPEC_DEFECTS`: a place where the spec itself is
  wrong about real Confluence, with the evidence. Excused errors are returned too (`Finding.excused_by`)
  so tests and SPEC_FIDELITY.md can show which defect was needed where.
Where the spec documents no body at all (Cloud error responses), `SPEC_SILENT_SCHEMAS` supplies a
named schema built from measured evidence instead of skipping the check.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "confluence-api"

V2 = "confluence-cloud-v2.openapi-v2.v3.json"
V1 = "confluence-cloud-v1.swagger.v3.json"
V1_LEGACY = "confluence-cloud-v1-legacy-2023-08.swagger.v3.json"
DC = "confluence-dc-10.0.3.swagger.v3.json"
SPEC_FILES = {"v2": V2, "v1": V1, "v1-legacy": V1_LEGACY, "dc": DC}
SPEC_APIS = frozenset(SPEC_FILES)


def specs_missing_reason() -> str | None:
    """Why the specs cannot be read here (None when all four are present)."""
    missing = [name for name in SPEC_FILES.values() if not (SPECS_DIR / name).is_file()]
    if missing:
        return (f"Atlassian OpenAPI documents not found in {SPECS_DIR.resolve()} ({', '.join(missing)}); "
                "the shared/ reference directory must sit beside the repository (CI clones it there)")
    return None


@functools.cache
def load_spec(name: str) -> dict:
    with open(SPECS_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _registry() -> Registry:
    """All four documents, each under its file name, so `$ref`s may also point across documents."""
    return Registry().with_resources(
        (name, Resource.from_contents(load_spec(name), default_specification=DRAFT4)) for name in SPEC_FILES.values())


class SpecLookupError(LookupError):
    """The route's spec triple does not name an operation/response in the document."""


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def response_pointer(spec_triple: tuple[str, str, str], status: int) -> str | None:
    """JSON pointer of the response schema for `status`, or None when the spec documents no body.

    Raises SpecLookupError when the path, method or status itself is not in the document.
    """
    name, path, method = spec_triple
    operation = load_spec(name)["paths"].get(path, {}).get(method.lower())
    if operation is None:
        raise SpecLookupError(f"{name} has no operation {method.upper()} {path}")
    responses = operation.get("responses", {})
    alias = SPEC_STATUS_ALIASES.get((name, path, method.lower(), status))
    for key in ((alias[0],) if alias else (str(status), f"{str(status)[0]}XX", "default")):
        if key in responses:
            break
    else:
        raise SpecLookupError(f"{name} {method.upper()} {path} documents no response {status} "
                              f"(documented: {', '.join(sorted(responses))})")
    content = responses[key].get("content") or {}
    for media_type in ("application/json", *content):
        if "schema" in content.get(media_type, {}):
            return "/".join(["", "paths", _escape(path), method.lower(), "responses", key, "content",
                             _escape(media_type), "schema"])
    return None


def response_schema(spec_triple: tuple[str, str, str], status: int) -> dict | None:
    """The schema to validate a `status` answer with: the spec's own, or its SPEC_SILENT_RESPONSES stand-in."""
    pointer = response_pointer(spec_triple, status)
    if pointer is not None:
        return {"$ref": f"{spec_triple[0]}#{pointer}"}
    silent = SPEC_SILENT_RESPONSES.get((*spec_triple[:2], spec_triple[2].lower(), status))
    return silent[0] if silent else None


@dataclass(frozen=True)
class SpecDefect:
    """A documented place where Atlassian's spec disagrees with real Confluence responses."""
    name: str
    spec: str                 # spec file the defect is in
    keyword: str              # regex over the JSON-schema keyword whose failure it excuses ("type|enum")
    where: str                # regex over the normalised instance path, e.g. r"results/\*/_expandable"
    evidence: str             # where the real behaviour is documented (confluence-api.md section, source)
    message: str = ""         # optional regex over the validator's message

    def excuses(self, spec_name: str, error: "Finding") -> bool:
        return (spec_name == self.spec and re.fullmatch(self.keyword, error.keyword) is not None
                and re.fullmatch(self.where, error.path) is not None
                and (not self.message or re.search(self.message, error.message) is not None))


def _null_allowed(name: str, spec: str, where: str, evidence: str) -> SpecDefect:
    """The spec types a field as non-nullable although real responses (and often the spec's own
    description) carry `null` there: excuse exactly the `null` value, no other type error."""
    return SpecDefect(name, spec, r"type|enum", where, evidence, message=r"^None ")


# Every entry is listed in SPEC_FIDELITY.md under "Deviations (Atlassian spec vs. real responses)".
KNOWN_SPEC_DEFECTS: tuple[SpecDefect, ...] = (
    _null_allowed("v2-parent-null", V2, r"(results/\*/)?parent(Id|Type)",
                  "spec-v2's own descriptions: PageBulk.parentId 'ID of the parent page, or null if there is no "
                  "parent page'; ParentContentType 'Content type of the parent, or null if there is no parent' "
                  "(schema lacks nullable: true)"),
    _null_allowed("v2-space-description-icon-null", V2, r"(results/\*/)?(description|icon)",
                  "confluence-api.md §5.1 Space: description 'real: null unless description-format given', "
                  "icon 'real: null unless include-icon' [measured]"),
    _null_allowed("v2-user-timezone-null", V2, r"results/\*/timeZone",
                  "spec-v2 User.timeZone description 'Depending on the user's privacy setting, this may return "
                  "null'; confluence-api.md §5.1 User 'timeZone (may be null by privacy)'"),
    _null_allowed("v2-user-personal-space-null", V2, r"results/\*/personalSpaceId",
                  "spec-v2 User.personalSpaceId description 'Returns null, if no personal space for the user'"),
    _null_allowed("v2-attachment-media-type-description-null", V2, r"(results/\*/)?mediaTypeDescription",
                  "recorded from a live Cloud site (../shared/real-responses/cloud__v2-attachments__1, "
                  "cloud__v2-page-attachments__1, cloud__v2-attachment-by-id__1): null for image/svg+xml, "
                  "'PNG Image' for image/png; spec-v2 AttachmentBulk.mediaTypeDescription says string"),
    SpecDefect("dc-error-data-errors-is-a-list", DC, "type", r"data/errors",
               "real Server/DC error bodies carry a list: {\"statusCode\":404,\"data\":{\"authorized\":false,"
               "\"valid\":true,\"errors\":[],\"successful\":false},\"message\":\"No space with key : TEST\"} "
               "(quoted from live responses in public client code); spec-dc ValidationResult.errors says object",
               message=r"^\[.*\] is not of type 'object'"),
)

# The spec documents the operation but answers a GET with the wrong status code: validate the real
# status against the documented one's schema. {(spec, path, method, real status): (documented, evidence)}
SPEC_STATUS_ALIASES: dict[tuple[str, str, str, int], tuple[str, str]] = {
    (DC, "/rest/api/content/{id}/child/attachment", "get", 200): (
        "201", "spec-dc documents this GET (a read) with '201 Returns a JSON representation of a list of "
               "attachment Content entities' and no 200, while the POST on the same path (which creates) "
               "documents 200: the codes look swapped; every other DC child list documents 200 for GET"),
}

# The spec documents the operation without any body schema; validate against the nearest Atlassian
# schema instead of skipping. {(spec, path, method, status): (schema, evidence)}
SPEC_SILENT_RESPONSES: dict[tuple[str, str, str, int], tuple[dict, str]] = {
    (DC, "/rest/api/audit", "get", 200): (
        {"$ref": f"{V1}#/components/schemas/AuditRecordArray"},
        "spec-dc documents GET /rest/api/audit only as 'default response' with an empty application/json "
        "content and has no audit schema; Cloud v1's AuditRecordArray is the same resource's documented shape"),
}

# Cloud specs document error responses with `"content": {}` (no body schema). The envelopes below are
# the measured ones (confluence-api.md §5.2 v2, §6.2 v1); DC uses its own RestError for every 4xx it
# documents, also where a status is undocumented (e.g. 400 on content/search).
SPEC_SILENT_SCHEMAS: dict[str, dict] = {
    "v2-error-envelope": {
        "type": "object", "required": ["errors"], "properties": {"errors": {
            "type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["status", "code", "title"],
                "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
                               "title": {"type": "string"}, "detail": {"type": "string", "nullable": True}}}}}},
    "v1-error-envelope": {
        "type": "object", "required": ["statusCode", "message"],
        "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"},
                       "reason": {"type": "string"}, "data": {"type": "object"}}},
    "dc-error-envelope": {"allOf": [{"$ref": f"{DC}#/components/schemas/RestError"},
                                    {"type": "object", "required": ["statusCode", "message"]}]},
}


@dataclass(frozen=True)
class Finding:
    path: str                 # normalised instance path: list indexes become "*"
    keyword: str
    message: str
    excused_by: str | None = None

    def __str__(self) -> str:
        suffix = f"  [excused: {self.excused_by}]" if self.excused_by else ""
        return f"{self.path or '<root>'}: {self.keyword}: {self.message[:300]}{suffix}"


def _normalise(path) -> str:
    return "/".join("*" if isinstance(part, int) else str(part) for part in path)


def _leaves(error: ValidationError):
    """oneOf/anyOf failures carry their reasons in `context`; report the deepest ones."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        deepest = max(len(sub.absolute_path) for sub in error.context)
        for sub in error.context:
            if len(sub.absolute_path) == deepest:
                yield from _leaves(sub)
        return
    yield error


def _findings(validator, body: Any, spec_name: str, defects) -> list[Finding]:
    findings = []
    for error in validator.iter_errors(body):
        for leaf in _leaves(error):
            finding = Finding(_normalise(leaf.absolute_path), str(leaf.validator), leaf.message)
            excuse = next((d.name for d in defects if d.excuses(spec_name, finding)), None)
            findings.append(Finding(finding.path, finding.keyword, finding.message, excuse))
    return sorted(set(findings), key=str)


def _validator(schema: dict):
    return OAS30Validator(schema, registry=_registry(), format_checker=oas30_format_checker)


def validate_response(spec_triple: tuple[str, str, str], status: int, body: Any,
                      defects=KNOWN_SPEC_DEFECTS) -> list[Finding]:
    """Findings for one real response (status + parsed JSON body) against the spec's schema.

    Raises SpecLookupError when the spec does not document this operation/status, and
    LookupError when it documents the status without a body schema (use validate_silent).
    """
    schema = response_schema(spec_triple, status)
    if schema is None:
        raise LookupError(f"{spec_triple[0]} {spec_triple[2].upper()} {spec_triple[1]} documents "
                          f"{status} without a body schema")
    return _findings(_validator(schema), body, spec_triple[0], defects)


def validate_silent(schema_name: str, body: Any, defects=KNOWN_SPEC_DEFECTS) -> list[Finding]:
    """Validate against a named SPEC_SILENT_SCHEMAS entry (where Atlassian documents no body)."""
    spec_name = DC if schema_name.startswith("dc-") else schema_name
    return _findings(_validator(SPEC_SILENT_SCHEMAS[schema_name]), body, spec_name, defects)


def failures(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.excused_by is None]
