"""The CQL the content streams send, as two Jinja macros the manifest calls.

    confluence_cql("page", config, {"start_time": "2026-10-01T19:05:42.000000Z"}, "lastmodified")
      with user zone America/Los_Angeles, lookback PT10M →
      'type = page AND lastmodified >= "2026-10-01 11:55" ORDER BY lastmodified asc'

CQL dates have minute resolution and are read in the *calling user's* zone (confluence-api.md §7-8),
so the UTC cursor is shifted by the look-back, converted to that zone and floored to the minute.
Everything the `>=` re-reads is filtered client-side (record_filters.py). The zone is the
`user_timezone` override or `__user_timezone`, which source.py reads from /rest/api/user/current
(Data Center does not say: then the literal is written 12 h early, see UNKNOWN_ZONE_MARGIN).
The macros are registered in the CDK's Jinja environment (the only hook for computing a request
parameter from the cursor: `start_time_option` injects a whole parameter, not part of a string).
"""
import datetime
from typing import Any, Mapping, Optional
from zoneinfo import ZoneInfo

import isodate
from airbyte_cdk.sources.declarative.interpolation import jinja

CURSOR_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")
DEFAULT_START_DATE = "2000-01-01T00:00:00Z"
EXPANDS = {
    # pages / blog posts: labels and ancestors ride along, so there is no request per page.
    "content": "body.storage,version,space,ancestors,metadata.labels,history",
    "body": "body.storage,version,space",
    "index": "space,version,container",
    "attachment": "space,version,container,extensions,history",
    "comment": "body.storage,version,container,ancestors,space,extensions.inlineProperties,extensions.resolution,history",
}


# When the caller's zone is unknown (Data Center's /user/current has no `timeZone`), a literal read in
# any zone between UTC-12 and UTC+14 must not start after the wanted instant: write it 12 h early in
# UTC. The wider window only re-reads records the client-side filter then drops.
UNKNOWN_ZONE_MARGIN = datetime.timedelta(hours=12)


def parse_utc(value: str) -> datetime.datetime:
    try:   # the common case, parsed in C: the result equals strptime's for every CURSOR_FORMATS value
        parsed = datetime.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        pass
    for fmt in CURSOR_FORMATS:   # also what ISO's parser refuses (fields without leading zeros)
        try:
            return datetime.datetime.strptime(value, fmt).replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            continue
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def user_zone(config: Mapping[str, Any]) -> Optional[ZoneInfo]:
    name = config.get("user_timezone") or config.get("__user_timezone")
    return ZoneInfo(name) if name else None


def cql_minute(moment_utc: datetime.datetime, zone: ZoneInfo) -> str:
    """A UTC instant as the CQL literal that includes it: local wall time, floored to the minute."""
    return moment_utc.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def is_first_sync(start_time: str, config: Mapping[str, Any]) -> bool:
    configured = parse_utc(config.get("start_date") or DEFAULT_START_DATE)
    return parse_utc(start_time) <= configured


def start_date_narrows(config: Mapping[str, Any]) -> bool:
    """Whether a first sync's query carries a date clause (a `start_date` after the default)."""
    return parse_utc(config.get("start_date") or DEFAULT_START_DATE) > parse_utc(DEFAULT_START_DATE)


def since_clause(date_field: str, stream_interval: Optional[Mapping[str, Any]], config: Mapping[str, Any]) -> str:
    start_time = (stream_interval or {}).get("start_time")
    if not start_time or not date_field:
        return ""
    since = parse_utc(start_time)
    if not is_first_sync(start_time, config):
        since -= isodate.parse_duration(config.get("lookback_window") or "PT0S")
    elif since <= parse_utc(DEFAULT_START_DATE):
        return ""  # no start date, no state: everything
    zone = user_zone(config)
    if zone is None:
        since, zone = since - UNKNOWN_ZONE_MARGIN, ZoneInfo("UTC")
    return f'{date_field} >= "{cql_minute(since, zone)}"'


def _quoted_list(values: list[str]) -> str:
    return ", ".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)


def label_scope_clause(config: Mapping[str, Any]) -> str:
    """Label-driven selection: labelled pages, plus descendants of `ingest_all_label` roots.

    Roots are batched 100 per `ancestor IN (…)` (seed 002); one query ORs the batches so the server
    de-duplicates a page reached twice.
    """
    labels = [label for label in (config.get("ingest_label"), config.get("ingest_all_label")) if label]
    if not labels:
        return ""
    parts = [f"label IN ({_quoted_list(labels)})"]
    roots = list(config.get("__ingest_all_roots") or [])
    for offset in range(0, len(roots), 100):
        parts.append(f"ancestor IN ({', '.join(roots[offset:offset + 100])})")
    return "(" + " OR ".join(parts) + ")"


def confluence_cql(content_types: str, config: Mapping[str, Any], stream_interval: Optional[Mapping[str, Any]] = None,
                   date_field: str = "") -> str:
    types = [kind.strip() for kind in str(content_types).split(",") if kind.strip()]
    clauses = [f"type = {types[0]}" if len(types) == 1 else f"type IN ({', '.join(types)})"]
    if config.get("space_keys"):
        clauses.append(f"space IN ({_quoted_list(list(config['space_keys']))})")
    if types == ["page"]:
        if config.get("cql_pages_clause", "").strip():
            clauses.append(f"({config['cql_pages_clause'].strip()})")
        scope = label_scope_clause(config)
        if scope:
            clauses.append(scope)
    since = since_clause(date_field, stream_interval, config)
    if since:
        clauses.append(since)
    order = f" ORDER BY {date_field} asc" if date_field else ""
    return " AND ".join(clauses) + order


def confluence_expand(kind: str, config: Mapping[str, Any]) -> str:
    return EXPANDS[kind]


jinja._ENVIRONMENT.globals.update(confluence_cql=confluence_cql, confluence_expand=confluence_expand)
