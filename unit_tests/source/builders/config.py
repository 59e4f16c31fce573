"""Config builder: a Cloud site with an API token unless told otherwise."""
import copy
from typing import Any, Dict

SITE = "https://acme.atlassian.net"
DC_BASE = "https://wiki.corp.example/confluence"


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: Dict[str, Any] = {
            "domain_name": "acme.atlassian.net",
            "deployment_type": "cloud",
            "credentials": {"auth_type": "api_token", "email": "demo@example.com", "api_token": "demo-token"},
            "user_timezone": "America/Los_Angeles",
            "page_size": 250,
            "max_backoff_seconds": 0,
            "start_date": "2020-01-01T00:00:00Z",
            "lookback_window": "PT10M",
        }

    def data_center(self, auth: str = "dc_pat") -> "ConfigBuilder":
        self._config["domain_name"] = DC_BASE
        self._config["deployment_type"] = "datacenter"
        self._config["credentials"] = (
            {"auth_type": "dc_pat", "personal_access_token": "demo-pat"} if auth == "dc_pat"
            else {"auth_type": "dc_basic", "username": "admin", "password": "admin-password"})
        return self

    def with_credentials(self, **credentials: Any) -> "ConfigBuilder":
        self._config["credentials"] = credentials
        return self

    def with_(self, **values: Any) -> "ConfigBuilder":
        self._config.update(values)
        return self

    def without(self, *keys: str) -> "ConfigBuilder":
        for key in keys:
            self._config.pop(key, None)
        return self

    def build(self) -> Dict[str, Any]:
        return copy.deepcopy(self._config)
