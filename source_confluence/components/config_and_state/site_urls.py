"""Where the Confluence APIs live, derived once from `domain_name`, deployment and credentials.

    {"domain_name": "acme.atlassian.net", "credentials": {"auth_type": "api_token"}}
      → __site_origin https://acme.atlassian.net · __api_root https://acme.atlassian.net/wiki
        __web_base https://acme.atlassian.net/wiki
    {"domain_name": "https://wiki.corp/confluence", "deployment_type": "datacenter"}
      → __api_root = __web_base = https://wiki.corp/confluence
    scoped_token / oauth2 → __api_root {gateway_url}/ex/confluence/{cloudId}/wiki once the cloudId is
      known (config or `/_edge/tenant_info`, resolved by source.py through a manifest requester).
"""
from dataclasses import dataclass
from typing import Any, MutableMapping

from airbyte_cdk.sources.declarative.transformations.config_transformations.config_transformation import (
    ConfigTransformation,
)

GATEWAY_AUTH_TYPES = ("scoped_token", "oauth2")
DEFAULT_GATEWAY_URL = "https://api.atlassian.com"


def normalize_origin(domain_name: str) -> str:
    """`site.atlassian.net` → `https://site.atlassian.net`; full URLs keep scheme and path, lose a trailing `/`."""
    value = (domain_name or "").strip().rstrip("/")
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    return value


def is_datacenter(config: MutableMapping[str, Any]) -> bool:
    return config.get("deployment_type") == "datacenter"


def gateway_api_root(config: MutableMapping[str, Any], cloud_id: str) -> str:
    gateway = (config.get("credentials", {}).get("gateway_url") or DEFAULT_GATEWAY_URL).rstrip("/")
    return f"{gateway}/ex/confluence/{cloud_id}/wiki"


def apply_site_urls(config: MutableMapping[str, Any]) -> None:
    base = normalize_origin(config.get("domain_name", ""))
    credentials = config.get("credentials") or {}
    if is_datacenter(config):
        config["__site_origin"] = base
        config["__web_base"] = base
        config["__api_root"] = base
        return
    # A Cloud site given with its `/wiki` suffix is the same site.
    origin = base[: -len("/wiki")] if base.endswith("/wiki") else base
    config["__site_origin"] = origin
    config["__web_base"] = f"{origin}/wiki"
    if credentials.get("auth_type") in GATEWAY_AUTH_TYPES:
        cloud_id = credentials.get("cloud_id") or config.get("__cloud_id")
        config["__api_root"] = gateway_api_root(config, cloud_id) if cloud_id else ""
    else:
        config["__api_root"] = f"{origin}/wiki"


@dataclass
class SiteUrlsTransformation(ConfigTransformation):
    def transform(self, config: MutableMapping[str, Any]) -> None:
        apply_site_urls(config)


@dataclass
class LegacyFlatCredentialsMigration(ConfigTransformation):
    """The official connector's flat config keeps working.

    {"domain_name": "x", "email": "e", "api_token": "t"} → {"domain_name": "x", "credentials":
    {"auth_type": "api_token", "email": "e", "api_token": "t"}}
    """

    def transform(self, config: MutableMapping[str, Any]) -> None:
        if "credentials" in config or not ("email" in config and "api_token" in config):
            return
        config["credentials"] = {
            "auth_type": "api_token",
            "email": config.pop("email"),
            "api_token": config.pop("api_token"),
        }
