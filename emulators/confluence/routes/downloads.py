"""Attachment downloads. Work in progress."""
ROUTES = []
