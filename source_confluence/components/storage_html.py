"""Rewrite Confluence storage format (XHTML with `ac:`/`ri:` elements) into plain HTML.

Confluence stores page bodies as XHTML plus its own elements: macros (`ac:structured-macro`),
links to pages, users and attachments (`ac:link` + `ri:*`), images, task lists, layouts and
emoticons. A generic HTML → Markdown converter does not know them, so this module replaces each
with the plain HTML that says the same thing; `markdown.py` then hands the result to markdownify.

    <ac:structured-macro ac:name="code"><ac:parameter ac:name="language">python</ac:parameter>
      <ac:plain-text-body><![CDATA[print(1)]]></ac:plain-text-body></ac:structured-macro>
    →  <pre data-language="python"><code>print(1)</code></pre>

Reference: https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

from bs4 import BeautifulSoup, NavigableString, Tag

# A CDATA section holds raw text (code, link bodies). Python's html.parser has changed how it
# treats `<![CDATA[` across 3.11/3.13 patch releases (it may become a bogus comment ending at the
# first `>`), so the sections are turned into escaped text before parsing. This is tokenising,
# not conversion: the text is unchanged once parsed. Confluence splits a literal `]]>` inside code
# into two adjacent sections, which simply concatenate here.
_CDATA_SECTION = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)

CELL_BREAK_TAG = "x-cell-break"
"""Marks a line break inside a table cell; the converter renders it as `<br>`."""

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
_BLOCK_TAGS_IN_CELLS = ("p", "div", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6")


def parse_storage(storage_html: str) -> BeautifulSoup:
    text = _CDATA_SECTION.sub(lambda match: html.escape(match.group(1), quote=False), storage_html)
    return BeautifulSoup(text, "html.parser")


def rewrite_confluence_elements(soup: BeautifulSoup, user_display_names: Mapping[str, str]) -> None:
    """Replace every `ac:`/`ri:` element of `soup` with plain HTML, in place.

    Elements are visited deepest first, so a macro's body is already plain HTML when the macro
    itself is rewritten; `ri:` resource identifiers are read by their parent (`ac:link`,
    `ac:image`) and are not visited on their own.
    """
    rewriter = _Rewriter(soup, user_display_names)
    for element in reversed(soup.find_all(True)):
        if element.parent is None:  # removed together with an ancestor's parameters
            continue
        handler = rewriter.handlers.get(element.name)
        if handler is not None:
            handler(element)
    for element in soup.find_all(True):
        if element.parent is None:
            continue
        if element.name in ("ac:parameter", "ac:placeholder"):
            element.decompose()
        elif ":" in element.name:  # an element this module has no rule for: keep its text
            element.unwrap()
    for cell in soup.find_all(["td", "th"]):
        _flatten_cell(soup, cell)


class _Rewriter:
    def __init__(self, soup: BeautifulSoup, user_display_names: Mapping[str, str]) -> None:
        self.soup = soup
        self.user_display_names = user_display_names
        self.handlers: dict[str, Callable[[Tag], None]] = {
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
    def macro(self, element: Tag) -> None:
        name = (element.get("ac:name") or "").lower()
        if name in ("code", "noformat"):
            element.replace_with(self._code_block(element, name))
        elif name in PANEL_LABELS:
            element.replace_with(self._panel(element, PANEL_LABELS[name]))
        elif name in DROPPED_MACROS:
            element.decompose()
        elif name == "jira":
            element.replace_with(self._jira(element))
        elif name in ("expand", "ui-expand"):
            element.replace_with(self._expand(element))
        elif name == "status":
            title = _parameter(element, "title") or _parameter(element, "colour") or ""
            element.replace_with(self.soup.new_string(f"[{title}]" if title else ""))
        else:
            # Unknown macro (excerpt, section, column, details, ...): keep the body it shows,
            # never its parameters, which are configuration rather than content.
            element.replace_with(self._body_div(element))

    def _code_block(self, element: Tag, name: str) -> Tag:
        language = "" if name == "noformat" else _parameter(element, "language")
        body = element.find("ac:plain-text-body")
        pre = self.soup.new_tag("pre")
        if language and language.lower() != "none":
            pre["data-language"] = language.lower()
        code = self.soup.new_tag("code")
        code.string = body.get_text() if body is not None else ""
        pre.append(code)
        return pre

    def _panel(self, element: Tag, label: str) -> Tag:
        title = _parameter(element, "title")
        quote = self.soup.new_tag("blockquote")
        heading = self.soup.new_tag("p")
        strong = self.soup.new_tag("strong")
        strong.string = f"{label}:"
        heading.append(strong)
        if title:
            heading.append(self.soup.new_string(f" {title}"))
        quote.append(heading)
        quote.append(self._body_div(element))
        return quote

    def _jira(self, element: Tag) -> NavigableString:
        key = _parameter(element, "key")
        if key:
            return self.soup.new_string(key)
        query = _parameter(element, "jqlQuery") or _parameter(element, "jql")
        return self.soup.new_string(f"Jira issues: {query}" if query else "")

    def _expand(self, element: Tag) -> Tag:
        wrapper = self.soup.new_tag("div")
        heading = self.soup.new_tag("p")
        strong = self.soup.new_tag("strong")
        strong.string = _parameter(element, "title") or "Details"
        heading.append(strong)
        wrapper.append(heading)
        wrapper.append(self._body_div(element))
        return wrapper

    def _body_div(self, element: Tag) -> Tag:
        div = self.soup.new_tag("div")
        body = element.find("ac:rich-text-body", recursive=False) or element.find("ac:rich-text-body")
        if body is not None:
            for child in list(body.contents):
                div.append(child.extract())
        return div

    # ── links, users, images ───────────────────────────────────────────────
    def link(self, element: Tag) -> None:
        body_text = _link_body_text(element)
        body_rich = element.find("ac:link-body")
        resource = next((child for child in element.find_all(True) if child.name.startswith("ri:")), None)
        if resource is not None and resource.name == "ri:user":
            element.replace_with(self.soup.new_string(self._mention(resource)))
            return
        href, fallback_text = _link_target(resource, element.get("ac:anchor"))
        if href:
            anchor = self.soup.new_tag("a", href=href)
            if body_rich is not None and not body_text:
                for child in list(body_rich.contents):
                    anchor.append(child.extract())
            else:
                anchor.string = body_text or fallback_text or href
            element.replace_with(anchor)
        elif body_rich is not None and not body_text:
            element.replace_with(self._unwrap_into_span(body_rich))
        else:
            element.replace_with(self.soup.new_string(body_text or fallback_text))

    def _mention(self, user: Tag) -> str:
        user_id = user.get("ri:account-id") or user.get("ri:userkey") or user.get("ri:username") or ""
        display_name = self.user_display_names.get(user_id)
        return f"@{display_name or user_id or 'unknown-user'}"

    def image(self, element: Tag) -> None:
        attachment = element.find("ri:attachment")
        url = element.find("ri:url")
        img = self.soup.new_tag("img")
        if attachment is not None and attachment.get("ri:filename"):
            img["src"] = attachment["ri:filename"]
            img["alt"] = element.get("ac:alt") or attachment["ri:filename"]
        elif url is not None and url.get("ri:value"):
            img["src"] = url["ri:value"]
            img["alt"] = element.get("ac:alt") or element.get("ac:title") or ""
        else:
            element.decompose()
            return
        element.replace_with(img)

    # ── structure ──────────────────────────────────────────────────────────
    def task_list(self, element: Tag) -> None:
        items = self.soup.new_tag("ul")
        for task in element.find_all("ac:task", recursive=False):
            status = task.find("ac:task-status")
            is_complete = status is not None and status.get_text(strip=True).lower() == "complete"
            item = self.soup.new_tag("li")
            item.append(self.soup.new_string("[x] " if is_complete else "[ ] "))
            body = task.find("ac:task-body")
            if body is not None:
                for child in list(body.contents):
                    item.append(child.extract())
            items.append(item)
        element.replace_with(items)

    def emoticon(self, element: Tag) -> None:
        name = element.get("ac:name") or ""
        symbol = element.get("ac:emoji-fallback") or EMOTICONS.get(name) or (f":{name}:" if name else "")
        element.replace_with(self.soup.new_string(symbol))

    def unwrap_as_div(self, element: Tag) -> None:
        element.name = "div"
        element.attrs = {}

    def adf_extension(self, element: Tag) -> None:
        fallback = element.find("ac:adf-fallback")
        if fallback is None:
            element.decompose()
            return
        element.replace_with(self._unwrap_into_span(fallback, tag_name="div"))

    def time(self, element: Tag) -> None:
        if not element.get_text(strip=True) and element.get("datetime"):
            element.replace_with(self.soup.new_string(element["datetime"]))

    def _unwrap_into_span(self, container: Tag, tag_name: str = "span") -> Tag:
        wrapper = self.soup.new_tag(tag_name)
        for child in list(container.contents):
            wrapper.append(child.extract())
        return wrapper


def _parameter(macro: Tag, name: str) -> str:
    for parameter in macro.find_all("ac:parameter"):
        if (parameter.get("ac:name") or "").lower() == name.lower() and _owning_macro(parameter) is macro:
            return parameter.get_text(strip=True)
    return ""


def _owning_macro(parameter: Tag) -> Tag | None:
    return parameter.find_parent(["ac:structured-macro", "ac:macro"])


def _link_body_text(link: Tag) -> str:
    body = link.find("ac:plain-text-link-body")
    return body.get_text().strip() if body is not None else ""


def _link_target(resource: Tag | None, anchor: str | None) -> tuple[str, str]:
    """Return `(href, text to show when the link has no body)` for a link's `ri:` resource."""
    fragment = f"#{anchor}" if anchor else ""
    if resource is None:
        return fragment, anchor or ""
    if resource.name == "ri:url":
        value = resource.get("ri:value") or ""
        return value, value
    if resource.name == "ri:attachment":
        filename = resource.get("ri:filename") or ""
        return filename, filename
    if resource.name in ("ri:page", "ri:blog-post"):
        # Only the title is stored; the page's URL is not knowable offline, so show the title.
        return "", resource.get("ri:content-title") or ""
    if resource.name == "ri:space":
        return "", resource.get("ri:space-key") or ""
    return "", ""


def _flatten_cell(soup: BeautifulSoup, cell: Tag) -> None:
    """Make a table cell fit on one GFM table line.

    Nested tables become `a; b` rows separated by line breaks; list items and paragraphs become
    lines separated by `<br>`. A cell cannot hold a fenced code block, so code stays inline.
    """
    for nested in reversed(cell.find_all("table")):
        lines = []
        for row in nested.find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in row.find_all(["td", "th"], recursive=False)]
            lines.append("; ".join(text for text in cells if text))
        replacement = soup.new_tag("span")
        for index, line in enumerate(text for text in lines if text):
            if index:
                replacement.append(soup.new_tag(CELL_BREAK_TAG))
            replacement.append(soup.new_string(line))
        nested.replace_with(replacement)
    for item in cell.find_all("li"):
        item.insert(0, soup.new_string("• "))
        item.append(soup.new_tag(CELL_BREAK_TAG))
        item.unwrap()
    for item_list in cell.find_all(["ul", "ol"]):
        item_list.unwrap()
    for pre in cell.find_all("pre"):
        pre.name = "code"
    blocks = [child for child in cell.find_all(_BLOCK_TAGS_IN_CELLS) if child.parent is not None]
    for block in blocks[:-1]:
        block.append(soup.new_tag(CELL_BREAK_TAG))
