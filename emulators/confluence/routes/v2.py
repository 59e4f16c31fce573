"""Every Cloud REST v2 operation the emulator serves (confluence-api.md §5 table)."""
from . import v2_attachments, v2_comments, v2_pages, v2_spaces

ROUTES = [*v2_pages.ROUTES, *v2_spaces.ROUTES, *v2_comments.ROUTES, *v2_attachments.ROUTES]
