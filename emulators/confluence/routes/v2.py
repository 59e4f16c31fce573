"""Cloud REST v2 routes (confluence-api.md §5). Work in progress."""
ROUTES = []
