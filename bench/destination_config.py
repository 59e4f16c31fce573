"""A destination-unique config (destination_unique/spec.json) against the Unique emulator's demo
credentials (contracts §3). Retries back off for ~0 s: the bench measures ingestion, not waits."""

from __future__ import annotations


def destination_config(unique_base_url: str, concurrency: int) -> dict:
    return {
        "ingestion_url": unique_base_url,
        "scope_management_url": f"{unique_base_url}/scope-management",
        "credentials": {"auth_type": "client_credentials", "token_url": f"{unique_base_url}/oauth/v2/token",
                        "client_id": "demo-client", "client_secret": "demo-secret", "project_id": "demo-project"},
        "root_scope_id": "root-confluence",
        "tenant_name": "bench",
        "confluence_instance_type": "cloud",
        "confluence_instance_id": "00000000-0000-4000-8000-00000000bench",
        "confluence_base_url": "https://bench.atlassian.net/wiki",
        "concurrency": concurrency,
        "http_backoff_base_seconds": 0.01,
    }
