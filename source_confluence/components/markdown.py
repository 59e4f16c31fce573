"""Confluence storage format → Markdown, for `body_markdown` next to the storage HTML.

    storage_to_markdown('<h1>Plan</h1><p>Ask <ac:link><ri:user ri:account-id="557058:abc"/></ac:link></p>')
    →  '# Plan\\n\\nAsk @557058:abc'

Two steps: `storage_html.rewrite_confluence_elements` turns Confluence's `ac:`/`ri:` elements into
plain HTML, then markdownify (a maintained HTML → Markdown library) converts that HTML. The result
is GitHub-flavoured Markdown: ATX headings, `-` bullets, fenced code with the macro's language,
pipe tables with one line per row.

It never raises: a body the converter cannot handle (malformed markup, pathological nesting)
falls back to its text, so one odd page cannot fail a sync.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping

from bs4 import BeautifulSoup
from markdownify import ATX, MarkdownConverter

from source_confluence.components.storage_html import (
    CELL_BREAK_TAG,
    parse_storage,
    rewrite_confluence_elements,
)

logger = logging.getLogger("airbyte")

_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_TAG = re.compile(r"<[^>]*>")


def storage_to_markdown(storage_html: str | None, user_display_names: Mapping[str, str] | None = None) -> str:
    """Return Markdown for a Confluence storage-format body.

    `user_display_names` maps an account id (Cloud) or user key/username (Data Center) to a
    display name; a mention renders as `@Display Name` when the id is mapped, else `@<id>`.
    """
    if not storage_html or not isinstance(storage_html, str):
        return ""
    try:
        soup = parse_storage(storage_html)
        rewrite_confluence_elements(soup, user_display_names or {})
        markdown = _ConfluenceMarkdownConverter().convert_soup(soup)
    except Exception as error:  # noqa: BLE001 - documented contract: never fail a record on its body
        # RecursionError on absurdly deep nesting, or a bug on markup we have not seen.
        logger.warning("body_markdown: falling back to plain text (%s)", type(error).__name__)
        return _plain_text(storage_html)
    return _tidy(markdown)


class _ConfluenceMarkdownConverter(MarkdownConverter):
    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        escape_underscores = False  # identifiers like `snake_case` are common in wiki text
        escape_asterisks = False
        autolinks = False  # `<spec.pdf>` is no autolink: attachment links are relative file names
        keep_inline_images_in = ["td", "th"]  # an image in a table cell stays an image
        code_language_callback = staticmethod(lambda pre: pre.get("data-language"))

    def convert_x_cell_break(self, el, text, parent_tags):  # noqa: ARG002 - markdownify's signature
        return "<br>"

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, _cell_text(text), parent_tags)

    def convert_th(self, el, text, parent_tags):
        return super().convert_th(el, _cell_text(text), parent_tags)

    # markdownify dispatches on the tag name with `-` → `_`: CELL_BREAK_TAG is "x-cell-break".
    assert CELL_BREAK_TAG.replace("-", "_") == "x_cell_break"


def _cell_text(text: str) -> str:
    """One line per cell: pipes escaped, line breaks as `<br>`, no dangling break at the end."""
    text = _UNESCAPED_PIPE.sub(r"\\|", text.strip())
    text = re.sub(r"\s*\n\s*", " ", text)
    text = re.sub(r"(\s*<br>\s*)+", "<br>", text)  # a paragraph in a list item breaks once
    return re.sub(r"^(<br>)+|(<br>)+$", "", text).strip()


def _tidy(markdown: str) -> str:
    markdown = markdown.replace("\xa0", " ")  # &nbsp; is everywhere in storage format
    lines = [line.rstrip() if not line.endswith("  ") else line for line in markdown.split("\n")]
    return _THREE_OR_MORE_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def _plain_text(storage_html: str) -> str:
    try:
        text = BeautifulSoup(storage_html, "html.parser").get_text(" ")
    except Exception:  # noqa: BLE001 - last resort below cannot fail
        text = html.unescape(_TAG.sub(" ", storage_html))
    return re.sub(r"[ \t\xa0]+", " ", text).strip()
