"""What a reader must find in the Markdown of a storage-format body, read from the body itself with
the standard library's HTML parser (independent of the converter under test).

    StorageSemantics.of('<h2>Plan</h2><table><tr><td>a</td><td>b</td></tr></table>')
    → headings [(2, "Plan")], table_rows [["a", "b"]], ...

Text inside macro parameters, task ids/statuses and editor placeholders is configuration or a hint,
not content, and is not collected as text; except the `title` of a macro that shows it (a status
lozenge, an expand's label, a panel's title).
"""
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

PANEL_MACROS = {"panel", "info", "note", "tip", "warning"}
TITLED_MACROS = PANEL_MACROS | {"status", "expand"}   # their `title` parameter is shown as text
CODE_MACROS = {"code", "noformat"}
# Macros whose output is generated navigation or a feed, with no text of the page's own.
TEXTLESS_MACROS = {"toc", "anchor", "recently-updated", "blog-posts", "children", "pagetree", "contentbylabel"}
NOT_TEXT = {"ac:parameter", "ac:task-id", "ac:task-uuid", "ac:task-status", "ac:placeholder"}
VOID = {"br", "hr", "col", "img", "input", "meta", "link", "wbr"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@dataclass
class _Open:
    tag: str
    attrs: Dict[str, str]
    text: List[str] = field(default_factory=list)


@dataclass
class StorageSemantics:
    headings: List[Tuple[int, str]] = field(default_factory=list)
    table_rows: List[List[str]] = field(default_factory=list)
    links: List[Tuple[str, str]] = field(default_factory=list)          # (text, href)
    inline_code: List[str] = field(default_factory=list)
    code_blocks: List[str] = field(default_factory=list)
    tasks: List[Tuple[bool, str]] = field(default_factory=list)         # (complete, text)
    panel_texts: List[str] = field(default_factory=list)
    list_items: List[str] = field(default_factory=list)                 # outside tables
    placeholders: List[str] = field(default_factory=list)
    textless_parameters: List[str] = field(default_factory=list)

    @classmethod
    def of(cls, storage: str) -> "StorageSemantics":
        parser = _Parser()
        parser.feed(storage)
        parser.close()
        return parser.found


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = StorageSemantics()
        self.stack: List[_Open] = []
        self.macros: List[str] = []
        self.row: Optional[List[str]] = None
        self.task_complete: List[bool] = []

    # ── structure ─────────────────────────────────────────────────────
    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "ac:structured-macro" or tag == "ac:macro":
            self.macros.append(attributes.get("ac:name", "").lower())
        if tag == "tr":
            self.row = []
        if tag == "ac:task":
            self.task_complete.append(False)
        if tag not in VOID:
            self.stack.append(_Open(tag, attributes))

    def handle_startendtag(self, tag, attrs):
        pass   # <p />, <br />, <ri:url …/>: no text

    def handle_endtag(self, tag):
        if tag == "ac:structured-macro" or tag == "ac:macro":
            if self.macros:
                self.macros.pop()
        if not any(open_.tag == tag for open_ in self.stack):
            return
        while self.stack:
            open_ = self.stack.pop()
            self._close(open_)
            if open_.tag == tag:
                break

    def _close(self, open_: _Open) -> None:
        text = squash("".join(open_.text))
        tag = open_.tag
        if tag == "ac:task-status" and self.task_complete:
            self.task_complete[-1] = text.lower() == "complete"
        elif tag == "ac:parameter" and self.macros and self.macros[-1] in TEXTLESS_MACROS and text:
            self.found.textless_parameters.append(text)
        elif tag == "ac:placeholder" and text:
            self.found.placeholders.append(text)
        elif tag in NOT_TEXT:
            pass
        elif re.fullmatch(r"h[1-6]", tag) and text and not self._inside("td", "th"):
            self.found.headings.append((int(tag[1]), text))
        elif tag in ("td", "th") and self.row is not None:
            self.row.append(text)
        elif tag == "tr" and self.row is not None:
            if any(self.row):
                self.found.table_rows.append(self.row)
            self.row = None
        elif tag == "a" and text and open_.attrs.get("href"):
            self.found.links.append((text, open_.attrs["href"]))
        elif tag == "code" and text:
            self.found.inline_code.append(text)
        elif tag == "ac:task-body" and text:
            self.found.tasks.append((self.task_complete[-1] if self.task_complete else False, text))
        elif tag == "ac:task" and self.task_complete:
            self.task_complete.pop()
        elif tag == "li" and text and not self._inside("td", "th"):
            self.found.list_items.append(text)
        if tag == "p" and text and self.macros and self.macros[-1] in PANEL_MACROS:
            self.found.panel_texts.append(text)
        self._pass_up(open_)

    def _pass_up(self, open_: _Open) -> None:
        """A closed element's text belongs to its parent too."""
        shown_title = (open_.tag == "ac:parameter" and open_.attrs.get("ac:name") == "title"
                       and bool(self.macros) and self.macros[-1] in TITLED_MACROS)
        if self.stack and (open_.tag not in NOT_TEXT or shown_title):
            # A word boundary at every element edge: `<code>x</code>to` is two words in the Markdown too.
            self.stack[-1].text.extend(open_.text)
            self.stack[-1].text.append(" ")

    def _inside(self, *tags: str) -> bool:
        return any(open_.tag in tags for open_ in self.stack)

    # ── text ──────────────────────────────────────────────────────────
    def handle_data(self, data):
        if self.stack:
            self.stack[-1].text.append(data)

    def unknown_decl(self, data):
        if data.startswith("CDATA["):
            text = data[len("CDATA["):]
            if self.macros and self.macros[-1] in CODE_MACROS:
                self.found.code_blocks.append(text)
            elif self.stack:
                self.stack[-1].text.append(text)
