"""A config checked before anything is built from it: every problem names its field and says how to fix it.

    config_problems({"domain_name": 12345, "deployment_type": "server", ...}, spec)
      → ["domain_name: must be a string (got a number)",
         "deployment_type: must be one of cloud, datacenter (got 'server')"]

Two passes (STYLE.md §7: reject bad config at `check`, validate at construction). First the spec's JSON
schema, with the field path in every message instead of jsonschema's bare "'server' is not one of …";
`credentials` is a `oneOf` chosen by `auth_type`, so it is checked against the branch that auth_type
names. Then what a schema cannot say: the domain is a host or an http(s) URL (https only, except a Data
Center URL with `allow_insecure_http` and loopback test servers), the time zone exists,
`start_date` and `lookback_window` parse the way the streams parse them, the CQL clause stays inside its
parentheses (config_checks.py). A field the schema already faulted is not checked again.
Values of `airbyte_secret` fields never appear in a message.
"""
import datetime
import ipaddress
import re
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import isodate
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from source_confluence.components.config_and_state.config_checks import cql_clause_problem
from source_confluence.components.config_and_state.site_urls import LegacyFlatCredentialsMigration

Path = Tuple[Any, ...]
START_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # the manifest's start_datetime format
EXPECTED_FORMS = {
    "start_date": "a UTC date-time like 2020-01-01T00:00:00Z",
    "lookback_window": "a non-negative ISO-8601 duration like PT10M",
}
_JSON_KINDS = ((bool, "a boolean"), (int, "a number"), (float, "a number"), (str, "a string"),
               (list, "an array"), (dict, "an object"))
_SCHEMA_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "object": "an object",
                 "array": "an array (a JSON list)", "boolean": "true or false", "null": "null"}
_HOST = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")
_EPOCH = datetime.datetime(2000, 1, 1)
_MAX_SHOWN_CHARS = 60


def config_problems(config: Any, spec: Mapping[str, Any]) -> List[str]:
    """Every problem of `config` (as the user wrote it: the legacy flat form is migrated on a copy)."""
    if not isinstance(config, dict):
        return [f"the config must be a JSON object (got {_kind(config)})"]
    config = dict(config)  # the migration only moves top-level keys
    LegacyFlatCredentialsMigration().transform(config)
    problems = _schema_problems(config, spec, ())
    faulted = {path[0] for path, _ in problems if path}
    problems += [(path, text) for path, text in _semantic_problems(config, spec) if path[0] not in faulted]
    return list(dict.fromkeys(text if path == ("cql_pages_clause",) else f"{_dotted(path)}: {text}"
                              for path, text in problems))


def invalid_config_message(problems: Sequence[str]) -> str:
    if len(problems) == 1:
        return f"Invalid configuration: {problems[0]}"
    return f"Invalid configuration ({len(problems)} problems): " + "; ".join(problems)


# ── the spec's JSON schema ──────────────────────────────────────────────
def _schema_problems(instance: Any, schema: Mapping[str, Any], prefix: Path) -> List[Tuple[Path, str]]:
    problems: List[Tuple[Path, str]] = []
    errors = sorted(Draft7Validator(schema).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        path = prefix + tuple(error.absolute_path)
        if error.validator == "oneOf":
            problems += _one_of_problems(error.instance, error.validator_value, path)
        else:
            problems.append(_described(error, path))
    return problems


def _described(error: ValidationError, path: Path) -> Tuple[Path, str]:
    rule, limit, value = error.validator, error.validator_value, error.instance
    shown = "" if error.schema.get("airbyte_secret") else _shown(value)
    got = f" (got {shown})" if shown else ""
    if rule == "required":
        missing = next((name for name in limit if name not in value), "?")
        return path + (missing,), "is required"
    if rule == "type":
        expected = " or ".join(_SCHEMA_TYPES.get(kind, kind) for kind in ([limit] if isinstance(limit, str) else limit))
        form = EXPECTED_FORMS.get(str(path[-1]) if path else "")
        return path, f"must be {expected}{f': {form}' if form else ''} (got {_kind(value)})"
    if rule == "enum":
        return path, f"must be one of {', '.join(map(str, limit))}{got}"
    if rule == "const":
        return path, f"must be {limit}{got}"
    if rule in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[rule]
        return path, f"must be {bound} {limit}{got}"
    if rule == "pattern":
        form = EXPECTED_FORMS.get(str(path[-1]) if path else "", f"text matching {limit}")
        return path, f"must be {form}{got}"
    return path, f"does not satisfy the spec's '{rule}' rule ({_shown(limit) or '…'})"


def _one_of_problems(instance: Any, branches: Sequence[Mapping[str, Any]], path: Path) -> List[Tuple[Path, str]]:
    """A `oneOf` keyed by a `const` property (credentials.auth_type): check the branch the key names."""
    if not isinstance(instance, dict):
        return [(path, f"must be an object (got {_kind(instance)})")]
    key, allowed = _discriminator(branches)
    if key is None:
        return [(path, "matches none of the forms the spec allows")]
    chosen = instance.get(key)
    branch = next((b for b, const in zip(branches, allowed) if const == chosen), None)
    if branch is None:
        got = "missing" if key not in instance else f"got {_shown(chosen) or _kind(chosen)}"
        return [(path + (key,), f"must be one of {', '.join(map(str, allowed))} ({got})")]
    return _schema_problems(instance, branch, path) or [(path, "matches none of the forms the spec allows")]


def _discriminator(branches: Sequence[Mapping[str, Any]]) -> Tuple[Optional[str], List[Any]]:
    properties = [branch.get("properties") or {} for branch in branches]
    for key in properties[0] if properties else ():
        if all("const" in (props.get(key) or {}) for props in properties):
            return key, [props[key]["const"] for props in properties]
    return None, []


# ── what the schema cannot say ──────────────────────────────────────────
def _semantic_problems(config: Mapping[str, Any], spec: Mapping[str, Any]) -> Iterable[Tuple[Path, str]]:
    domain = config.get("domain_name")
    if isinstance(domain, str):
        problem = _domain_problem(domain) or _insecure_domain_problem(domain, config)
        if problem:
            yield ("domain_name",), problem
    yield from _insecure_endpoint_problems(config.get("credentials"))
    yield from _credentials_problems(config.get("credentials"), spec)
    zone = config.get("user_timezone")
    if isinstance(zone, str) and zone and not _is_time_zone(zone):
        yield ("user_timezone",), (f"{_shown(zone)} is not a known IANA time zone (e.g. America/Los_Angeles, "
                                   "Europe/Zurich); leave it empty to use the Confluence user's own zone")
    start = config.get("start_date")
    if isinstance(start, str) and start:
        try:
            datetime.datetime.strptime(start, START_DATE_FORMAT)
        except ValueError:
            yield ("start_date",), f"must be {EXPECTED_FORMS['start_date']} (got {_shown(start)})"
    lookback = config.get("lookback_window")
    if isinstance(lookback, str) and lookback:
        problem = _lookback_problem(lookback)
        if problem:
            yield ("lookback_window",), problem
    clause = config.get("cql_pages_clause")
    if isinstance(clause, str):
        problem = cql_clause_problem(clause)
        if problem:
            yield ("cql_pages_clause",), problem


def _domain_problem(domain: str) -> Optional[str]:
    text = domain.strip()
    example = "e.g. your-site.atlassian.net or https://wiki.example.com/confluence"
    if not text:
        return f"is empty: give the Cloud site or the base URL ({example})"
    if any(char.isspace() for char in text):
        return f"must be a host name or URL without spaces ({example})"
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme not in ("http", "https"):
        return f"must be a host name or an http(s) URL, not {parts.scheme}:// ({example})"
    try:
        parts.port
    except ValueError:
        return f"has an invalid port ({example})"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password: put them in credentials"
    if not parts.hostname or not _is_host(parts.hostname):
        return f"has no valid host name ({example})"
    if parts.query or parts.fragment:
        return f"must not contain '?' or '#' ({example})"
    return None


def is_loopback_host(host: Optional[str]) -> bool:
    """localhost or a loopback address (127.0.0.0/8, ::1): a test server or a tunnel on this machine."""
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _plain_http_host(url: str) -> Optional[str]:
    """The host of a plain-http URL that is not on loopback; None for https, loopback or no URL."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return None
    try:
        host = parts.hostname
    except ValueError:
        return None
    return None if is_loopback_host(host) else (host or "")


def _insecure_domain_problem(domain: str, config: Mapping[str, Any]) -> Optional[str]:
    """HTTPS only: Cloud never over http; Data Center over http only with allow_insecure_http."""
    if _plain_http_host(domain) is None:
        return None
    if config.get("deployment_type") != "datacenter":
        return ("must use https: Confluence Cloud is served over https only (give the host name, e.g. "
                "your-site.atlassian.net, or https://your-site.atlassian.net)")
    if config.get("allow_insecure_http") is True:
        return None
    return ("is a plain http URL: the credentials and every page would cross the network unencrypted. "
            "Use the https:// address of your Confluence, or, only for a server without TLS on a network you "
            "trust, set allow_insecure_http to true")


def _insecure_endpoint_problems(credentials: Any) -> Iterable[Tuple[Path, str]]:
    """Atlassian's gateway and token endpoint (or a proxy standing in for them) are reached over https only."""
    if not isinstance(credentials, dict):
        return
    for name in ("gateway_url", "token_url"):
        value = credentials.get(name)
        if isinstance(value, str) and _plain_http_host(value) is not None:
            yield ("credentials", name), "must be an https:// URL (tokens are sent to it)"


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOST.fullmatch(host))


def _credentials_problems(credentials: Any, spec: Mapping[str, Any]) -> Iterable[Tuple[Path, str]]:
    branches = (spec.get("properties") or {}).get("credentials", {}).get("oneOf") or []
    key, allowed = _discriminator(branches)
    if credentials is None:
        choices = f" ({key} {', '.join(map(str, allowed))})" if key else ""
        yield ("credentials",), f"is required: choose how to authenticate{choices}"
        return
    if not isinstance(credentials, dict) or key is None:
        return
    branch = next((b for b, const in zip(branches, allowed) if const == credentials.get(key)), None)
    for name in (branch or {}).get("required", []):
        value = credentials.get(name)
        if name != key and isinstance(value, str) and not value.strip():
            yield ("credentials", name), "is empty"


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; "../x" a ValueError
        return False


def _lookback_problem(lookback: str) -> Optional[str]:
    form = EXPECTED_FORMS["lookback_window"]
    try:
        duration = isodate.parse_duration(lookback)
    except (ValueError, isodate.ISO8601Error):
        return f"must be {form} (got {_shown(lookback)})"
    if _EPOCH + duration < _EPOCH:
        return f"must not be negative (got {_shown(lookback)}): it is how far before the cursor to re-read, e.g. PT10M"
    return None


# ── wording ─────────────────────────────────────────────────────────────
def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_KINDS if isinstance(value, kind)), type(value).__name__)


def _shown(value: Any) -> str:
    """A short value for a message; '' when it is too long or not a scalar."""
    if isinstance(value, (dict, list)) or value is None:
        return ""
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN_CHARS else ""
