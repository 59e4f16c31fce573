"""Every behaviour the real Unique server leaves unknown (protocol §12), as one switchable table.

Switch with `--assume name=value` on the CLI or `POST /__emulator/assumptions {"name": value}`.
README.md renders the same table; `GET /__emulator/assumptions` returns the current values.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    name: str
    default: object
    choices: tuple = ()          # empty: any value of the default's type
    why: str = ""


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("partial_key_match", "contains", ("contains", "startsWith"),
               "file-diff stored set: keys that contain partialKey (SharePoint code comment) or start with it (§3.1, §12.1)"),
    Assumption("diff_source_filter", "none", ("none", "kind", "kind_and_name"),
               "whether sourceKind / sourceName also filter the file-diff stored set (§3.1)"),
    Assumption("diff_timestamp", "offered", ("offered", "last_submitted", "content_row"),
               "what a submitted updatedAt is compared with: the value submitted to a diff and committed by the "
               "next finalize of that key (offered), the value submitted to the previous diff whether or not it was "
               "ingested (last_submitted), or the content row's own updatedAt (content_row) (§3.1, §12.1)"),
    Assumption("updated_rule", "newer", ("newer", "differs"),
               "a key is updated when the submitted updatedAt is newer than the stored one, or merely differs (§3.1)"),
    Assumption("moved_rule", "url", ("url", "never"),
               "a key is moved when its submitted url differs from the stored content url (§3.1, §8)"),
    Assumption("updated_and_moved", "both", ("both", "updated_only", "moved_only"),
               "whether one key may be listed in both updatedFiles and movedFiles, or which list wins (§3.1)"),
    Assumption("failed_reoffer", "always", ("always", "throttled", "never"),
               "stored items in a FAILED* ingestion state are re-offered as updated: on every diff, at most once per "
               "failed_reoffer_interval_seconds, or never (§3.1, §7)"),
    Assumption("failed_reoffer_interval_seconds", 86400, (), "the platform's throttle for re-offering failed keys (§3.1)"),
    Assumption("max_diff_files", 0, (), "file-diff fileList size limit, 0 = none; above it → HTTP 413 (§3.1)"),
    Assumption("external_id_unique", True, (True, False),
               "updateScope refuses an externalId another scope of the company holds (§3.8, §12.4)"),
    Assumption("metadata_typing", "flat_strings", ("flat_strings", "json"),
               "stored metadata is a flat string map with non-strings JSON-encoded (the fake), or kept as JSON (§12.5)"),
    Assumption("max_blob_bytes", 5000 * 1024 * 1024, (),
               "largest single BlockBlob PUT; above it → HTTP 413; 0 = none (Azure's limit; §12.6)"),
    Assumption("text_argument", "store_as_blob", ("store_as_blob", "ignore", "reject"),
               "contentUpsert(text:) stores the text as the blob and finishes ingestion, is ignored, or is a "
               "GraphQL error (§12.7)"),
    Assumption("rate_limit_per_minute", 0, (), "requests per minute before HTTP 429 with Retry-After; 0 = none (§12.8)"),
    Assumption("max_take", 0, (), "paginatedContent / paginatedScope silently cap `take` at this; 0 = no cap"),
    Assumption("finalize_state", "FINISHED", ("FINISHED", "QUEUED"),
               "ingestionState after a finalize whose blob is present (the fake finishes at once; §3.4)"),
    Assumption("image_without_ocr", "failed", ("failed", "finished"),
               "image/jpeg|png finalized without ingestionConfig.jpgReadMode=DOC_INTELLIGENCE_DEFAULT ends in "
               "FAILED_IMAGE, as the docs say of the default NO_INGESTION (§3.11)"),
    Assumption("file_diff_status", 200, (200, 201), "HTTP status of a successful file-diff (NestJS POSTs default to 201)"),
    Assumption("gatekeeper", "off", ("off", "enforce"),
               "enforce: scope-management mutations need MANAGE, contentUpsert needs WRITE (on the scope or an "
               "ancestor), so the service user's self-grant is refused unless pre-granted (§2.2)"),
    Assumption("scope_read", "open", ("open", "needs_access"),
               "needs_access: the caller's reads (paginatedScope, paginatedContent, contentById, statisticsIngestion, "
               "file-diff's stored set) need a read-granting access on the scope or an ancestor: a scope read by id "
               "without it is FORBIDDEN, listings leave such scopes and their contents out; open: reads need none "
               "(§4.2 grants READ on each ancestor before reading it)"),
    Assumption("read_granted_by", "any", ("any", "read"),
               "which scope accesses let their holder read the scope and every scope below it: READ, WRITE or "
               "MANAGE (any; the fail-closed choice for leak tests) or READ only (read) (§2.2, §3.8)"),
    Assumption("email_match", "exact", ("exact", "case_insensitive"),
               "paginatedUsers where.email (equals/in) compares e-mails exactly (Prisma's default) or ignoring "
               "case; e-mails are unique per company ignoring case either way (§3.9)"),
    Assumption("token_ttl_seconds", 3600, (), "expires_in of client-credentials tokens"),
)

BY_NAME = {assumption.name: assumption for assumption in ASSUMPTIONS}


class UnknownAssumption(ValueError):
    """The name is not in ASSUMPTIONS or the value is not one of its choices."""


def defaults() -> dict:
    return {assumption.name: assumption.default for assumption in ASSUMPTIONS}


def coerce(name: str, value: object) -> object:
    """A validated value for `name`; strings from the CLI become ints/booleans as the default is."""
    assumption = BY_NAME.get(name)
    if assumption is None:
        raise UnknownAssumption(f"unknown assumption {name!r}; known: {', '.join(BY_NAME)}")
    kind = type(assumption.default)
    if isinstance(value, str) and kind is bool:
        if value.lower() not in ("true", "false"):
            raise UnknownAssumption(f"{name} takes true or false, not {value!r}")
        value = value.lower() == "true"
    elif isinstance(value, str) and kind is int:
        try:
            value = int(value)
        except ValueError as not_a_number:
            raise UnknownAssumption(f"{name} takes an integer, not {value!r}") from not_a_number
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UnknownAssumption(f"{name} takes a {kind.__name__}, not {value!r}")
    if assumption.choices and value not in assumption.choices:
        raise UnknownAssumption(f"{name} takes one of {list(assumption.choices)}, not {value!r}")
    return value


def parse_cli(pairs: list[str]) -> dict:
    """["diff_timestamp=content_row", ...] → {"diff_timestamp": "content_row"}"""
    parsed = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator:
            raise UnknownAssumption(f"--assume takes name=value, not {pair!r}")
        parsed[name.strip()] = coerce(name.strip(), value.strip())
    return parsed
