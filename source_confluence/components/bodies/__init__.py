"""Bodies: Confluence storage format rewritten to plain HTML and converted to Markdown."""
