"""destination-unique: Confluence pages and attachments into Unique, diff-guarded (contracts §4)."""

from destination_unique.destination import DestinationUnique

__all__ = ["DestinationUnique"]
