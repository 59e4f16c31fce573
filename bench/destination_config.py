"""A destination-unique config against the Unique emulator's demo credentials (contracts §3, §4)."""

from __future__ import annotations


def destination_config(unique_base_url: str, concurrency: int) -> dict:
    return {
        "ingestion_base_url": unique_base_url,
        "scope_management_base_url": f"{unique_base_url}/scope-management",
        "auth": {"auth_type": "client_credentials", "token_url": f"{unique_base_url}/oauth/v2/token",
                 "client_id": "demo-client", "client_secret": "demo-secret", "project_id": "demo-project"},
        "root_scope_id": "root-confluence",
        "tenant_name": "bench",
        "confluence_instance_type": "cloud",
        "confluence_instance_id": "bench-cloud-id",
        "confluence_base_url": "https://bench.atlassian.net/wiki",
        "concurrency": concurrency,
    }
