"""source-confluence. `SourceConfluence` is imported on first use, so `spec` does not build the source's imports."""

from typing import Any

__all__ = ["SourceConfluence"]


def __getattr__(name: str) -> Any:
    if name == "SourceConfluence":
        from .source import SourceConfluence

        return SourceConfluence
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
