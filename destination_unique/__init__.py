"""destination-unique: Confluence pages and attachments into Unique, diff-guarded (contracts §4)."""

__all__ = ["DestinationUnique"]


def __getattr__(name):
    # Imported on first use, so the console script's `spec` does not load airbyte-cdk (entry.py).
    if name == "DestinationUnique":
        from destination_unique.destination import DestinationUnique

        return DestinationUnique
    raise AttributeError(f"module 'destination_unique' has no attribute {name!r}")
