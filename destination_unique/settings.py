"""The destination's config, validated once at construction (STYLE.md §7).

    {"ingestion_url": "https://gateway.acme.unique.app/ingestion", "credentials": {"auth_type": "client_credentials", ...}, ...}
    →  Settings(ingestion_url=..., auth=ClientCredentialsAuth(...), ...)   or   ConfigError("tenant_name ...")

HTTPS only for Unique's external endpoints (client credentials through the gateway); the in-cluster
authentication may use the cluster's plain-http service URLs; loopback is allowed for tests and the demo.
The Confluence instance is read from `confluence_instance` (a oneOf, so the form requires the cloudId for
Cloud) or, for configs written before 0.2.0, from the flat `confluence_instance_type`/`_id` fields.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from destination_unique.access.settings import AccessConfigError, AccessSettings, parse_access

TENANT_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
INSTANCE_TYPES = ("cloud", "data-center")
DEFAULT_MIME_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "text/plain", "text/csv", "text/html", "image/png", "image/jpeg",
)


class ConfigError(AirbyteTracedException):
    """The config cannot work; the message says what is wrong and how to fix it."""

    def __init__(self, message: str):
        super().__init__(message=message, internal_message=message, failure_type=FailureType.config_error)


@dataclass(frozen=True)
class ClientCredentialsAuth:
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    project_id: str = field(repr=False)


@dataclass(frozen=True)
class InClusterAuth:
    company_id: str
    user_id: str
    service_id: str = "confluence-connector"


@dataclass(frozen=True)
class Settings:
    ingestion_url: str
    scope_management_url: str
    auth: ClientCredentialsAuth | InClusterAuth
    root_scope_id: str
    tenant_name: str
    instance_type: str
    instance_id: str | None
    confluence_base_url: str
    attachments_enabled: bool = True
    allowed_mime_types: frozenset[str] = frozenset(DEFAULT_MIME_TYPES)
    max_file_size_bytes: int = 200 * 1024 * 1024
    max_items_to_scan: int | None = None
    image_ocr: bool = True
    page_ingestion_config: dict | None = None
    sync_labels: frozenset[str] = frozenset()
    concurrency: int = 1
    is_tenant_deleted: bool = False
    store_internally: bool = True
    http_max_retries: int = 4
    http_backoff_base_seconds: float = 1.0
    access: AccessSettings = field(default_factory=AccessSettings)

    @property
    def source_kind(self) -> str:
        return "ATLASSIAN_CONFLUENCE_CLOUD" if self.instance_type == "cloud" else "ATLASSIAN_CONFLUENCE_ONPREM"


def _required(config: Mapping[str, Any], name: str, hint: str) -> str:
    value = config.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"Config field '{name}' is missing or empty: {hint}")
    return value.strip()


def _base_url(config: Mapping[str, Any], name: str, hint: str) -> str:
    value = _required(config, name, hint)
    if not re.match(r"^https?://", value):
        raise ConfigError(f"Config field '{name}' must be an http(s) URL, got '{value}': {hint}")
    return value.rstrip("/")


def _confluence_instance(config: Mapping[str, Any]) -> tuple[str, str | None]:
    """(instance type, instance id) from `confluence_instance` (0.2.0) or the flat fields of 0.1.0."""
    nested = config.get("confluence_instance")
    if nested is not None and not isinstance(nested, Mapping):
        raise ConfigError("confluence_instance must be an object: {\"instance_type\": \"cloud\", \"instance_id\": \"<cloudId>\"} "
                          "or {\"instance_type\": \"data-center\"}.")
    if nested is not None:
        instance_type, instance_id, field_name = nested.get("instance_type") or "cloud", nested.get("instance_id"), \
            "confluence_instance.instance_id"
    else:
        instance_type, instance_id, field_name = config.get("confluence_instance_type") or "cloud", \
            config.get("confluence_instance_id"), "confluence_instance_id"
    if instance_type not in INSTANCE_TYPES:
        raise ConfigError(f"Confluence instance type '{instance_type}' is invalid; valid values: cloud, data-center.")
    if instance_id is not None and not isinstance(instance_id, str):
        raise ConfigError(f"{field_name} must be a string.")
    instance_id = (instance_id or "").strip() or None
    if instance_type == "cloud" and not instance_id:
        raise ConfigError(f"{field_name} is required for Cloud: the site's cloudId "
                          "(GET https://<site>.atlassian.net/_edge/tenant_info → cloudId).")
    return instance_type, instance_id


def is_loopback_url(url: str) -> bool:
    """http(s)://localhost… or a loopback address (127.0.0.0/8, ::1): tests and the demo."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _require_https(settings_auth: ClientCredentialsAuth | InClusterAuth, urls: Mapping[str, str]) -> None:
    """Unique's external (gateway) endpoints are reached over https only.

    The in-cluster authentication talks to Unique's services inside the cluster (as Unique's own connector
    does), where plain http service URLs are the norm; loopback stays allowed for tests and the demo.
    """
    if isinstance(settings_auth, InClusterAuth):
        return
    urls = {**urls, "credentials.token_url": settings_auth.token_url}
    for name, url in urls.items():
        if urlsplit(url).scheme.lower() == "http" and not is_loopback_url(url):
            raise ConfigError(f"Config field '{name}' must be an https:// URL with client-credentials authentication "
                              f"(tokens and content go to it), got '{url}'. Plain http is accepted only for the "
                              "in-cluster service URLs of the in_cluster authentication.")


def _auth(credentials: Any) -> ClientCredentialsAuth | InClusterAuth:
    if not isinstance(credentials, Mapping):
        raise ConfigError("Config field 'credentials' is missing: choose auth_type 'client_credentials' or 'in_cluster'.")
    auth_type = credentials.get("auth_type")
    if auth_type == "client_credentials":
        hint = "client credentials need token_url, client_id, client_secret and project_id."
        return ClientCredentialsAuth(
            token_url=_base_url(credentials, "token_url", hint), client_id=_required(credentials, "client_id", hint),
            client_secret=_required(credentials, "client_secret", hint), project_id=_required(credentials, "project_id", hint))
    if auth_type == "in_cluster":
        hint = "in-cluster auth needs company_id (x-company-id) and user_id (x-user-id)."
        return InClusterAuth(company_id=_required(credentials, "company_id", hint),
                             user_id=_required(credentials, "user_id", hint),
                             service_id=(credentials.get("service_id") or "confluence-connector"))
    raise ConfigError(f"credentials.auth_type '{auth_type}' is not supported; valid values: client_credentials, in_cluster.")


def _integer(config: Mapping[str, Any], name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    value = config.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise ConfigError(f"Config field '{name}' must be an integer {bounds}, got {value!r}.")
    return value


def parse_settings(config: Mapping[str, Any]) -> Settings:
    tenant = _required(config, "tenant_name", "a short name such as 'acme' (pattern ^[a-z0-9]+(-[a-z0-9]+)*$).")
    if not TENANT_NAME.match(tenant):
        raise ConfigError(f"tenant_name '{tenant}' is invalid: use lower-case letters, digits and single hyphens, e.g. 'acme-eu'.")
    instance_type, instance_id = _confluence_instance(config)
    page_config = config.get("page_ingestion_config")
    if page_config is not None and not isinstance(page_config, dict):
        raise ConfigError("page_ingestion_config must be a JSON object, e.g. {\"htmlConfig\": {...}}.")
    tenant_status = config.get("tenant_status") or "active"
    if tenant_status not in ("active", "deleted"):
        raise ConfigError(f"tenant_status '{tenant_status}' is invalid; valid values: active, deleted.")
    backoff = config.get("http_backoff_base_seconds", 1.0)
    if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 0:
        raise ConfigError(f"http_backoff_base_seconds must be a number >= 0, got {backoff!r}.")
    mime_types = config.get("allowed_mime_types")
    auth = _auth(config.get("credentials"))
    ingestion_url = _base_url(config, "ingestion_url", "the ingestion service, e.g. https://gateway.acme.unique.app/ingestion.")
    scope_management_url = _base_url(config, "scope_management_url",
                                     "the scope-management service, e.g. https://gateway.acme.unique.app/scope-management.")
    _require_https(auth, {"ingestion_url": ingestion_url, "scope_management_url": scope_management_url})
    try:
        access = parse_access(config.get("access"))
    except AccessConfigError as error:
        raise ConfigError(str(error)) from None
    return Settings(
        ingestion_url=ingestion_url,
        scope_management_url=scope_management_url,
        auth=auth,
        root_scope_id=_required(config, "root_scope_id", "the id of the pre-created root scope in Unique."),
        tenant_name=tenant,
        instance_type=instance_type,
        instance_id=instance_id,
        confluence_base_url=_base_url(config, "confluence_base_url", "e.g. https://acme.atlassian.net/wiki.").rstrip("/"),
        attachments_enabled=bool(config.get("attachments_enabled", True)),
        allowed_mime_types=frozenset(m.lower() for m in (DEFAULT_MIME_TYPES if mime_types is None else mime_types)),
        max_file_size_bytes=_integer(config, "max_file_size_mb", 200, 1) * 1024 * 1024,
        max_items_to_scan=_integer(config, "max_items_to_scan", None, 1),
        image_ocr=bool(config.get("image_ocr", True)),
        page_ingestion_config=page_config,
        sync_labels=frozenset(config.get("sync_labels") or ()),
        concurrency=_integer(config, "concurrency", 1, 1, 16),
        is_tenant_deleted=tenant_status == "deleted",
        store_internally=bool(config.get("store_internally", True)),
        http_max_retries=_integer(config, "http_max_retries", 4, 0, 10),
        http_backoff_base_seconds=float(backoff),
        access=access,
    )
