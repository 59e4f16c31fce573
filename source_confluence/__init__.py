from .source import SourceConfluence

__all__ = ["SourceConfluence"]
