"""Which Confluence instance the root scope belongs to (protocol §4.2 step 3).

Cloud: the configured cloudId. Data Center: the `id` of `{base}/rest/applinks/1.0/manifest`, read
without credentials and with `Accept: application/json` (Confluence 10 answers XML by default).
This is the destination's only Confluence request; it is cached per process.
"""

from __future__ import annotations

import requests

from destination_unique.settings import ConfigError, Settings

MANIFEST_PATH = "/rest/applinks/1.0/manifest"
_cache: dict[str, str] = {}


def confluence_instance_id(settings: Settings) -> str:
    if settings.instance_id:
        return settings.instance_id
    url = settings.confluence_base_url + MANIFEST_PATH
    if url not in _cache:
        try:
            response = requests.get(url, headers={"Accept": "application/json"}, timeout=(10, 30))
            response.raise_for_status()
            instance_id = str(response.json().get("id") or "")
        except (requests.RequestException, ValueError) as error:
            raise ConfigError(f"Could not read the Data Center instance id from {url} ({type(error).__name__}); "
                              "set confluence_instance_id, or check confluence_base_url.") from None
        if not instance_id:
            raise ConfigError(f"{url} returned no 'id'; set confluence_instance_id explicitly.")
        _cache[url] = instance_id
    return _cache[url]
