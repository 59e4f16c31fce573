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
def _registry(name: str) -> Registry:
    return Registry().with_resource(name, Resource.from_contents(load_spec(name), default_specification=DRAFT4))


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
    for key in (str(status), f"{str(status)[0]}XX", "default"):
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


@dataclass(frozen=True)
class SpecDefect:
    """A documented place where Atlassian's spec disagrees with real Confluence responses."""
    name: str
    spec: str                 # spec file the defect is in
    keyword: str              # JSON-schema keyword whose failure it excuses ("type", "enum", ...)
    where: str                # regex over the normalised instance path, e.g. r"results/\*/_expandable"
    evidence: str             # where the real behaviour is documented (confluence-api.md section, source)
    message: str = ""         # optional regex over the validator's message

    def excuses(self, spec_name: str, error: "Finding") -> bool:
        return (spec_name == self.spec and error.keyword == self.keyword
                and re.fullmatch(self.where, error.path) is not None
                and (not self.message or re.search(self.message, error.message) is not None))


# Filled from evidence as validation finds them; every entry is listed in SPEC_FIDELITY.md under
# "Deviations (Atlassian spec vs. real responses)".
KNOWN_SPEC_DEFECTS: tuple[SpecDefect, ...] = ()

# Cloud specs document error responses with `"content": {}` (no body schema). The envelopes below are
# the measured ones (confluence-api.md §5.2 v2, §6.2 v1); DC documents its own `RestError`.
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


def validate_response(spec_triple: tuple[str, str, str], status: int, body: Any,
                      defects=KNOWN_SPEC_DEFECTS) -> list[Finding]:
    """Findings for one real response (status + parsed JSON body) against the spec's schema.

    Raises SpecLookupError when the spec does not document this operation/status, and
    LookupError when it documents the status without a body schema (use validate_silent).
    """
    pointer = response_pointer(spec_triple, status)
    if pointer is None:
        raise LookupError(f"{spec_triple[0]} {spec_triple[2].upper()} {spec_triple[1]} documents "
                          f"{status} without a body schema")
    name = spec_triple[0]
    validator = OAS30Validator({"$ref": f"{name}#{pointer}"}, registry=_registry(name),
                               format_checker=oas30_format_checker)
    return _findings(validator, body, name, defects)


def validate_silent(schema_name: str, body: Any) -> list[Finding]:
    """Validate against a named SPEC_SILENT_SCHEMAS entry (where Atlassian documents no body)."""
    validator = OAS30Validator(SPEC_SILENT_SCHEMAS[schema_name], format_checker=oas30_format_checker)
    return _findings(validator, body, schema_name, ())


def failures(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.excused_by is None]
