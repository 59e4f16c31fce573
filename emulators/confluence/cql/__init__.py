"""CQL (Confluence Query Language) for the emulator: parse → typed query → evaluate over items.

    query = parse('space = ENG AND lastmodified >= "2026-09-30 08:00" ORDER BY lastmodified')
    hits = search(query, items, accessor, CqlContext(now_utc=..., user_timezone="America/Los_Angeles",
                                                     current_user="557058:..."))

Every client mistake raises CqlError (→ HTTP 400 in the v1 routes).
"""

from emulators.confluence.cql.errors import CqlError
from emulators.confluence.cql.evaluator import CqlContext, CqlItemAccessor, search
from emulators.confluence.cql.parser import parse

__all__ = ["CqlContext", "CqlError", "CqlItemAccessor", "parse", "search"]
