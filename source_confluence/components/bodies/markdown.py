"""Confluence storage format → Markdown, for `body_markdown` next to the storage HTML.

    storage_to_markdown('<h1>Plan</h1><p>Ask <ac:link><ri:user ri:account-id="557058:abc"/></ac:link></p>')
    →  '# Plan\\n\\nAsk @557058:abc'

Two steps: `storage_html` parses the body once with lxml and rewrites Confluence's `ac:`/`ri:`
elements into plain HTML, then html-to-markdown (a maintained HTML → Markdown converter with a
Rust core) converts that HTML. The result is GitHub-flavoured Markdown: ATX headings, `-`
bullets, fenced code with the macro's language, pipe tables with one line per row.

It never raises: a body the converter cannot handle (malformed markup, pathological nesting)
falls back to its text, so one odd page cannot fail a sync.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Mapping

from html_to_markdown import ConversionOptions, ConversionResult, convert
from lxml import etree

from source_confluence.components.bodies.storage_html import (
    CELL_BREAK,
    PANEL_LABELS,
    parse_storage,
    rewrite_confluence_elements,
)

logger = logging.getLogger("airbyte")

_OPTIONS = ConversionOptions(
    heading_style="atx",
    bullets="-",
    escape_asterisks=False,
    escape_underscores=False,  # identifiers like `snake_case` are common in wiki text
    autolinks=False,  # `<spec.pdf>` is no autolink: attachment links are relative file names
    keep_inline_images_in=["td", "th"],  # an image in a table cell stays an image
    compact_tables=True,
    extract_metadata=False,
)


def _native_converter() -> Callable[[str], ConversionResult]:
    """`convert(html, _OPTIONS)` with the options translated to the Rust binding's type once.

    html-to-markdown's `convert` rebuilds its native options object on every call, which took
    longer than the conversion itself on a typical page. The result is the same
    (unit_tests/markdown/test_markdown_engine.py); without the binding's API it is the public call.
    """
    try:
        from html_to_markdown import _html_to_markdown as native
        from html_to_markdown.api import _to_rust_conversion_options

        native_options = _to_rust_conversion_options(_OPTIONS)
        return lambda html_text: native.convert(html=html_text, options=native_options, visitor=None)
    except (ImportError, AttributeError, TypeError):
        return lambda html_text: convert(html_text, _OPTIONS)


_convert = _native_converter()
# Warnings after which the converter's output has lost part of the body.
_LOSSY_WARNINGS = frozenset({"depth_limit_exceeded", "truncated_input"})

_THREE_OR_MORE_NEWLINES = re.compile(r"\n{3,}")
_CELL_BREAKS = re.compile(rf"(?:[ \t]*{CELL_BREAK}[ \t]*)+")
_BREAK_AFTER_PIPE = re.compile(r"(?<=(?<!\\)\|) ?(?:<br>)+ ?")
_BREAK_BEFORE_PIPE = re.compile(r" ?(?:<br>)+ ?(?=\|)")
_TRAILING_SPACE_AT_BLOCK_END = re.compile(r"[ \t]+(?=\n[ \t]*\n|\n?\Z)")
_REPEATED_EMPTY_QUOTE_LINES = re.compile(r"^(>+\n)\1+", re.MULTILINE)
_TAG = re.compile(r"<[^>]*>")
# The first line of a panel (storage_html._panel): `> **Tip:**`, optionally followed by its title.
_PANEL_START = re.compile(r"> \*\*(?:" + "|".join(PANEL_LABELS.values()) + r"):\*\*(?: |$)")


def storage_to_markdown(storage_html: str | None, user_display_names: Mapping[str, str] | None = None) -> str:
    """Return Markdown for a Confluence storage-format body.

    `user_display_names` maps an account id (Cloud) or user key/username (Data Center) to a
    display name; a mention renders as `@Display Name` when the id is mapped, else `@<id>`.
    """
    markdown, fallback = convert_storage(storage_html, user_display_names)
    if fallback:
        log_fallback(fallback)
    return markdown


def convert_storage(storage_html: str | None, user_display_names: Mapping[str, str] | None = None) -> tuple[str, str | None]:
    """`storage_to_markdown` without logging: (Markdown, None), or (plain text, why) when the body fell
    back to its text. The Markdown processes (markdown_processes.py) return both; the connector logs."""
    if not storage_html or not isinstance(storage_html, str) or not storage_html.strip():
        return "", None
    try:
        root = parse_storage(storage_html)
        rewrite_confluence_elements(root, user_display_names or {})
        result = _convert(etree.tostring(root, encoding="unicode", method="html"))
        if any(str(warning.kind) in _LOSSY_WARNINGS for warning in result.warnings):
            raise ValueError("the converter skipped part of the body")
        markdown = result.content or ""
    except Exception as error:  # noqa: BLE001 - documented contract: never fail a record on its body
        # Nesting deeper than the parser or converter allows, or a bug on markup we have not seen.
        return _plain_text(storage_html), type(error).__name__
    return _tidy(markdown), None


def log_fallback(reason: str) -> None:
    logger.warning("body_markdown: falling back to plain text (%s)", reason)


def _tidy(markdown: str) -> str:
    markdown = markdown.replace("\xa0", " ")  # &nbsp; is everywhere in storage format
    if CELL_BREAK in markdown:  # one line per table cell: breaks as `<br>`, none at a cell's edge
        markdown = _CELL_BREAKS.sub("<br>", markdown)
        markdown = _BREAK_BEFORE_PIPE.sub(" ", _BREAK_AFTER_PIPE.sub(" ", markdown))
    # Each rule runs only when the text has what it matches (a scan of the text is far cheaper than
    # the regular expression's attempt at every position).
    # A hard break (two trailing spaces) counts only when a line follows in the same block.
    if " \n" in markdown or "\t\n" in markdown or markdown.endswith((" ", "\t")):
        markdown = _TRAILING_SPACE_AT_BLOCK_END.sub("", markdown)
    if ">\n>" in markdown:
        markdown = _REPEATED_EMPTY_QUOTE_LINES.sub(r"\1", markdown)  # one empty line in a blockquote, not two
    if "\n>" in markdown:
        markdown = _blank_line_before_quotes(markdown)
    if "\n\n\n" in markdown:
        markdown = _THREE_OR_MORE_NEWLINES.sub("\n\n", markdown)
    return markdown.strip()


def _blank_line_before_quotes(markdown: str) -> str:
    """A blockquote after a paragraph, heading or code block starts after a blank line, and so does a
    panel right after another quote.

    html-to-markdown separates `<blockquote>` from a preceding block by one newline only; the quote
    would read as a continuation of that block, and adjacent panels (Info, then Tip) as one quote.
    Lines inside fenced code are left alone.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    in_fence = False
    for line in lines:
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith(">") and out and out[-1].strip() and (
                not out[-1].startswith(">") or _PANEL_START.match(line)):
            out.append("")
        out.append(line)
    return "\n".join(out)


def _plain_text(storage_html: str) -> str:
    text = html.unescape(_TAG.sub(" ", storage_html)).replace(CELL_BREAK, " ")
    return re.sub(r"[ \t\xa0]+", " ", text).strip()
