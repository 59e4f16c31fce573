"""Rewrite Confluence storage format (XHTML with `ac:`/`ri:` elements) into plain HTML.

Confluence stores page bodies as XHTML plus its own elements: macros (`ac:structured-macro`),
links to pages, users and attachments (`ac:link` + `ri:*`), images, task lists, layouts and
emoticons. A generic HTML → Markdown converter does not know them, so this module replaces each
with the plain HTML that says the same thing; `markdown.py` then hands the result to the
converter (html-to-markdown).

    <ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter>
      <ac:plain-text-body><![CDATA[print(1)]]></ac:plain-text-body></ac:structured-macro>
    →  <pre><code class="language-python">print(1)</code></pre>

The body is parsed once, by lxml (libxml2's HTML parser keeps `ac:`/`ri:` names and attributes
as written), and rewritten in place. A line break inside a table cell is written as
`CELL_BREAK`, a private-use character the converter keeps and `markdown.py` turns into `<br>`.

Reference: https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

from lxml import etree
from lxml.etree import _Element as Element

# A CDATA section holds raw text (code, link bodies). An HTML parser does not know CDATA (it
# would become a bogus comment ending at the first `>`), so the sections are turned into escaped
# text before parsing. This is tokenising, not conversion: the text is unchanged once parsed.
# Confluence splits a literal `]]>` inside code into two adjacent sections, which simply
# concatenate here.
_CDATA_SECTION = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# Characters libxml2 refuses (NUL, C0 controls other than tab/newline/CR) and our own marker.
_UNPARSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000]")

CELL_BREAK = "\ue000"
"""Marks a line break inside a table cell; `markdown.py` renders it as `<br>`."""

PANEL_LABELS = {"info": "Info", "note": "Note", "warning": "Warning", "tip": "Tip", "panel": "Panel"}
DROPPED_MACROS = frozenset(
    {"toc", "toc-zone", "anchor", "children", "pagetree", "pagetreesearch", "recently-updated",
     "contentbylabel", "livesearch", "space-attachments", "attachments", "profile", "create-from-template"}
)
# Names Confluence gives its classic emoticons (ac:emoticon ac:name=...), as Unicode.
EMOTICONS = {
    "smile": "🙂", "sad": "🙁", "cheeky": "😛", "laugh": "😀", "wink": "😉", "thumbs-up": "👍",
    "thumbs-down": "👎", "information": "ℹ️", "tick": "✅", "cross": "❌", "warning": "⚠️",
    "plus": "➕", "minus": "➖", "question": "❓", "light-on": "💡", "light-off": "💡",
    "yellow-star": "⭐", "red-star": "⭐", "green-star": "⭐", "blue-star": "⭐", "heart": "❤️",
    "broken-heart": "💔",
}
_BLOCK_TAGS_IN_CELLS = frozenset(("p", "div", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"))
_MACRO_TAGS = ("ac:structured-macro", "ac:macro")
# What `_flatten_cell` rewrites: a cell holding none of these is left as it is.
_TAGS_FLATTENED_IN_CELLS = _BLOCK_TAGS_IN_CELLS | {"table", "li"}


class StorageParseError(ValueError):
    """The body could not be parsed completely (e.g. nesting deeper than libxml2 allows)."""


def _new_parser() -> etree.HTMLParser:
    return etree.HTMLParser(
        recover=True, remove_comments=True, remove_pis=True, no_network=True, huge_tree=True, default_doctype=False
    )


def parse_storage(storage_html: str, parser: etree.HTMLParser | None = None) -> Element:
    """Parse a storage body into the `<body>` element holding it; raise `StorageParseError` if parts were lost."""
    parser = parser or _new_parser()
    text = storage_html
    if "<![CDATA[" in text:
        text = _CDATA_SECTION.sub(lambda match: html.escape(match.group(1), quote=False), text)
    document = etree.fromstring(f"<div>{_UNPARSABLE.sub('', text)}</div>", parser)
    if any(entry.level >= etree.ErrorLevels.FATAL for entry in parser.error_log):
        raise StorageParseError(parser.error_log.last_error.message if parser.error_log.last_error else "fatal")
    # The body, not the wrapper: a stray `</div>` in the storage closes the wrapper early, and what
    # follows it must not be lost.
    root = document.find("body") if document is not None else None
    if root is None:
        raise StorageParseError("the parser returned no body")
    return root


def rewrite_confluence_elements(root: Element, user_display_names: Mapping[str, str]) -> None:
    """Replace every `ac:`/`ri:` element under `root` with plain HTML, in place.

    Elements are visited deepest first, so a macro's body is already plain HTML when the macro
    itself is rewritten; `ri:` resource identifiers are read by their parent (`ac:link`,
    `ac:image`) and are not visited on their own.
    """
    rewriter = _Rewriter(user_display_names)
    for element in reversed(list(root.iter(*rewriter.handlers))):
        rewriter.handlers[element.tag](element)
    # Elements still with a prefixed name (`ac:…`, `ri:…`); a plain walk is faster than XPath here.
    for element in [element for element in root.iterdescendants(etree.Element) if ":" in element.tag]:
        if element.tag in ("ac:parameter", "ac:placeholder"):
            _drop_tree(element)
        else:  # an element this module has no rule for: keep its text
            _drop_tag(element)
    # One walk for the three passes below, each still in document order. An element a pass has
    # already removed (a nested table flattened into its cell's text) is rewritten detached: it is
    # no longer part of the body, so that changes nothing.
    items: list[Element] = []
    cells: list[Element] = []
    tables: list[Element] = []
    for element in root.iter("li", "td", "th", "table"):
        tag = element.tag
        (items if tag == "li" else tables if tag == "table" else cells).append(element)
    for item in items:
        _tighten_list_item(item)
    for cell in cells:
        _flatten_cell(cell)
    for table in tables:
        _give_header_row(table)


class _Rewriter:
    def __init__(self, user_display_names: Mapping[str, str]) -> None:
        self.user_display_names = user_display_names
        self.handlers: dict[str, Callable[[Element], None]] = {
            "ac:structured-macro": self.macro,
            "ac:macro": self.macro,  # the pre-2012 macro element, still found in migrated spaces
            "ac:link": self.link,
            "ac:image": self.image,
            "ac:task-list": self.task_list,
            "ac:emoticon": self.emoticon,
            "ac:layout": self.unwrap_as_div,
            "ac:layout-section": self.unwrap_as_div,
            "ac:layout-cell": self.unwrap_as_div,
            "ac:adf-extension": self.adf_extension,
            "time": self.time,
        }

    # ── macros ─────────────────────────────────────────────────────────────
    def macro(self, element: Element) -> None:
        name = (element.get("ac:name") or "").lower()
        if name in ("code", "noformat"):
            _replace(element, _code_block(element, name))
        elif name in PANEL_LABELS:
            _replace(element, _panel(element, PANEL_LABELS[name]))
        elif name in DROPPED_MACROS:
            _drop_tree(element)
        elif name == "jira":
            _replace_with_text(element, _jira(element))
        elif name in ("expand", "ui-expand"):
            _replace(element, _expand(element))
        elif name == "status":
            title = _parameter(element, "title") or _parameter(element, "colour") or ""
            _replace_with_text(element, f"[{title}]" if title else "")
        else:
            # Unknown macro (excerpt, section, column, details, ...): keep the body it shows,
            # never its parameters, which are configuration rather than content.
            _replace(element, _body_div(element))

    # ── links, users, images ───────────────────────────────────────────────
    def link(self, element: Element) -> None:
        plain_body = body_rich = resource = None    # the first of each, in document order (one walk)
        for child in element.iterdescendants():
            tag = child.tag
            if tag == "ac:plain-text-link-body":
                plain_body = child if plain_body is None else plain_body
            elif tag == "ac:link-body":
                body_rich = child if body_rich is None else body_rich
            elif resource is None and tag.startswith("ri:"):
                resource = child
        body_text = _text(plain_body).strip() if plain_body is not None else ""
        if resource is not None and resource.tag == "ri:user":
            _replace_with_text(element, self._mention(resource))
            return
        href, fallback_text = _link_target(resource, element.get("ac:anchor"))
        if href:
            anchor = _element("a", href=href)
            if body_rich is not None and not body_text:
                _move_contents(body_rich, anchor)
            else:
                anchor.text = body_text or fallback_text or href
            _replace(element, anchor)
        elif body_rich is not None and not body_text:
            span = _element("span")
            _move_contents(body_rich, span)
            _replace(element, span)
        else:
            _replace_with_text(element, body_text or fallback_text)

    def _mention(self, user: Element) -> str:
        user_id = user.get("ri:account-id") or user.get("ri:userkey") or user.get("ri:username") or ""
        display_name = self.user_display_names.get(user_id)
        return f"@{display_name or user_id or 'unknown-user'}"

    def image(self, element: Element) -> None:
        attachment = _first(element, "ri:attachment")
        url = _first(element, "ri:url")
        if attachment is not None and attachment.get("ri:filename"):
            filename = attachment.get("ri:filename")
            img = _element("img", src=filename, alt=element.get("ac:alt") or filename)
        elif url is not None and url.get("ri:value"):
            img = _element("img", src=url.get("ri:value"), alt=element.get("ac:alt") or element.get("ac:title") or "")
        else:
            _drop_tree(element)
            return
        _replace(element, img)

    # ── structure ──────────────────────────────────────────────────────────
    def task_list(self, element: Element) -> None:
        items = _element("ul")
        for task in element.iterchildren("ac:task"):
            status = _first(task, "ac:task-status")
            is_complete = status is not None and _text(status).strip().lower() == "complete"
            item = _element("li")
            item.text = "[x] " if is_complete else "[ ] "
            body = _first(task, "ac:task-body")
            if body is not None:
                _move_contents(body, item)
            items.append(item)
        _replace(element, items)

    def emoticon(self, element: Element) -> None:
        name = element.get("ac:name") or ""
        symbol = element.get("ac:emoji-fallback") or EMOTICONS.get(name) or (f":{name}:" if name else "")
        _replace_with_text(element, symbol)

    def unwrap_as_div(self, element: Element) -> None:
        element.tag = "div"
        element.attrib.clear()

    def adf_extension(self, element: Element) -> None:
        fallback = _first(element, "ac:adf-fallback")
        if fallback is None:
            _drop_tree(element)
            return
        div = _element("div")
        _move_contents(fallback, div)
        _replace(element, div)

    def time(self, element: Element) -> None:
        if not _text(element).strip() and element.get("datetime"):
            _replace_with_text(element, element.get("datetime"))


# ── macro bodies ───────────────────────────────────────────────────────────
def _code_block(element: Element, name: str) -> Element:
    language = "" if name == "noformat" else _parameter(element, "language")
    body = _first(element, "ac:plain-text-body")
    code = _element("code")
    if language and language.lower() != "none":
        code.set("class", f"language-{language.lower()}")
    code.text = _text(body) if body is not None else ""
    pre = _element("pre")
    pre.append(code)
    return pre


def _panel(element: Element, label: str) -> Element:
    title = _parameter(element, "title")
    quote = _element("blockquote")
    heading = _element("p")
    strong = _element("strong")
    strong.text = f"{label}:"
    heading.append(strong)
    if title:
        strong.tail = f" {title}"
    quote.append(heading)
    quote.append(_body_div(element))
    return quote


def _jira(element: Element) -> str:
    key = _parameter(element, "key")
    if key:
        return key
    query = _parameter(element, "jqlQuery") or _parameter(element, "jql")
    return f"Jira issues: {query}" if query else ""


def _expand(element: Element) -> Element:
    wrapper = _element("div")
    heading = _element("p")
    strong = _element("strong")
    strong.text = _parameter(element, "title") or "Details"
    heading.append(strong)
    wrapper.append(heading)
    wrapper.append(_body_div(element))
    return wrapper


def _body_div(element: Element) -> Element:
    div = _element("div")
    body = next(element.iterchildren("ac:rich-text-body"), None)
    if body is None:
        body = _first(element, "ac:rich-text-body")
    if body is not None:
        _move_contents(body, div)
    return div


def _parameter(macro: Element, name: str) -> str:
    wanted = name.lower()
    for parameter in macro.iter("ac:parameter"):
        if (parameter.get("ac:name") or "").lower() == wanted and _owning_macro(parameter) is macro:
            return _text(parameter).strip()
    return ""


def _owning_macro(parameter: Element) -> Element | None:
    return next(parameter.iterancestors(*_MACRO_TAGS), None)


def _link_target(resource: Element | None, anchor: str | None) -> tuple[str, str]:
    """Return `(href, text to show when the link has no body)` for a link's `ri:` resource."""
    fragment = f"#{anchor}" if anchor else ""
    if resource is None:
        return fragment, anchor or ""
    if resource.tag == "ri:url":
        value = resource.get("ri:value") or ""
        return value, value
    if resource.tag == "ri:attachment":
        filename = resource.get("ri:filename") or ""
        return filename, filename
    if resource.tag in ("ri:page", "ri:blog-post"):
        # Only the title is stored; the page's URL is not knowable offline, so show the title.
        return "", resource.get("ri:content-title") or ""
    if resource.tag == "ri:space":
        return "", resource.get("ri:space-key") or ""
    return "", ""


def _tighten_list_item(item: Element) -> None:
    """Drop an empty item (templates are full of `<li><p /></li>`); a leading paragraph is the item's text.

    The editor wraps every item's text in `<p>`; kept, it would make every list a loose list.
    """
    if not _text(item).strip() and next(item.iter("img"), None) is None:
        _drop_tree(item)
        return
    first = item[0] if len(item) else None
    if first is not None and first.tag == "p" and not (item.text or "").strip():
        _drop_tag(first)


def _give_header_row(table: Element) -> None:
    """A table without header cells gets its first row as the header, as a GFM table needs one.

    Said explicitly because html-to-markdown renders a header-less table whose rows hold several
    links (Confluence's feature and template tables) as a list of rows, losing the columns.
    """
    if next(table.iter("th"), None) is not None:
        return
    first_row = next(table.iter("tr"), None)
    if first_row is not None:
        for cell in first_row.iterchildren("td"):
            cell.tag = "th"


def _flatten_cell(cell: Element) -> None:
    """Make a table cell fit on one GFM table line.

    Nested tables become `a; b` rows separated by line breaks; list items and paragraphs become
    lines separated by `CELL_BREAK`. A cell cannot hold a fenced code block, so code stays inline.
    """
    tags = {child.tag for child in cell.iterdescendants()}
    if not tags & _TAGS_FLATTENED_IN_CELLS:
        return                                   # text and inline elements only
    # Each pass below runs only when the cell held its tags (a pass never adds tags a later one reads).
    for nested in reversed(list(cell.iter("table")) if "table" in tags else ()):
        if nested.getparent() is None:
            continue
        lines = []
        for row in nested.iter("tr"):
            cells = [" ".join(_text(c).split()) for c in row.iterchildren("td", "th")]
            lines.append("; ".join(text for text in cells if text))
        _replace_with_text(nested, CELL_BREAK.join(line for line in lines if line))
    for item in list(cell.iter("li")) if "li" in tags else ():
        _append_text(item, CELL_BREAK)
        item.text = "• " + (item.text or "")
        _drop_tag(item)
    for item_list in list(cell.iter("ul", "ol")) if "ul" in tags or "ol" in tags else ():
        _drop_tag(item_list)
    for pre in cell.iter("pre") if "pre" in tags else ():
        pre.tag = "code"
    blocks = [child for child in cell.iterdescendants() if child.tag in _BLOCK_TAGS_IN_CELLS]
    for block in blocks[:-1]:
        _append_text(block, CELL_BREAK)
    # Only inline content is left in the cell: a converter may render a table whose cells hold
    # headings or paragraphs as a layout (a list), not as a table.
    for block in reversed(blocks):
        _drop_tag(block)


# ── lxml helpers (lxml keeps text in `.text`/`.tail`, not in nodes) ─────────
def _element(tag: str, **attributes: str) -> Element:
    return etree.Element(tag, attributes)


def _text(element: Element) -> str:
    if not len(element):             # no children (parameters, link bodies): its own text is all of it
        return element.text or ""
    return "".join(element.itertext())


def _drop_tree(element: Element) -> None:
    """Remove the element and everything in it; the text after it stays."""
    _drop_tag_keeping(element, keep_contents=False)


def _drop_tag(element: Element) -> None:
    """Replace the element by its contents (text and children), keeping the text after it."""
    _drop_tag_keeping(element, keep_contents=True)


def _drop_tag_keeping(element: Element, keep_contents: bool) -> None:
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    leading = (element.text or "") if keep_contents else ""
    children = list(element) if keep_contents else []
    trailing = element.tail or ""
    if children:
        children[-1].tail = (children[-1].tail or "") + trailing
        trailing = ""
    text = leading + trailing
    if text:
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    position = parent.index(element)
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(position + offset, child)


def _first(element: Element, tag: str) -> Element | None:
    return next(element.iterdescendants(tag), None)


def _replace(old: Element, new: Element) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _replace_with_text(element: Element, text: str) -> None:
    element.text, element.tail = None, text + (element.tail or "")
    for child in list(element):
        element.remove(child)
    _drop_tag(element)


def _move_contents(source: Element, target: Element) -> None:
    """Append `source`'s text and children to `target`."""
    if source.text:
        _append_text(target, source.text)
    for child in list(source):
        target.append(child)  # lxml moves the element together with its tail


def _append_text(element: Element, text: str) -> None:
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text
