"""`body_markdown` of real storage bodies (issue 12 part 4): the pages of cloud__v2-pages__2 and __3
and the historical Data Center page, read from ../shared/real-responses/ at test time.

Semantic properties, not the converter's exact bytes (the engine may change): every heading is a `#`
line of its level, every table row a pipe row with its cells' text in order, every link a Markdown
link with its text and href, inline code in backticks, code macros in fences, tasks as `- [ ]` /
`- [x]` items, panel text present, list items as list lines, and nothing of the storage syntax left
(no `ac:`/`ri:` tags, no CDATA, no editor placeholder, no parameter of a macro that shows no text).
Text is compared as its words in order (letters and digits only): a converter may move a space
across a `**` boundary, bullet a list inside a table cell or bracket a status lozenge.
"""
import json
import re
from pathlib import Path
from typing import List, Tuple

import pytest

from source_confluence.components.bodies.markdown import storage_to_markdown

from .storage_semantics import StorageSemantics

RECORDINGS = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-responses"
PAGE_LISTS = ["cloud__v2-pages__2", "cloud__v2-pages__3"]
HISTORICAL_DC_PAGE = "datacenter__v1-content-by-id-historical__1"


def real_bodies() -> List[Tuple[str, str]]:
    """(label, storage) of every recorded body with text; [] when the recordings are absent."""
    if not RECORDINGS.is_dir():
        return []
    bodies = []
    for name in PAGE_LISTS:
        for page in json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))["body"]["results"]:
            storage = ((page.get("body") or {}).get("storage") or {}).get("value")
            if storage:
                bodies.append((f"{name}:{page['id']}", storage))
    page = json.loads((RECORDINGS / f"{HISTORICAL_DC_PAGE}.json").read_text(encoding="utf-8"))["body"]
    bodies.append((f"{HISTORICAL_DC_PAGE}:{page['id']}", page["body"]["storage"]["value"]))
    return bodies


BODIES = real_bodies()
needs_recordings = pytest.mark.skipif(not RECORDINGS.is_dir(), reason=f"{RECORDINGS.resolve()} is absent")
QUOTE = r"(?:>\s?)*"
HTML_TAGS = (r"</?(?:p|div|span|strong|em|u|s|sup|sub|a|img|table|tbody|thead|tr|td|th|col|colgroup|ul|ol|li"
             r"|h[1-6]|pre|code|blockquote|time|hr)\b[^>]*>")


def key(text: str) -> str:
    return re.sub(r"[\s*_`\\]", "", text.replace("<br>", "").replace("\xa0", ""))


def words(text: str) -> List[str]:
    return re.findall(r"\w+", text.replace("<br>", " "))


def has_in_order(text: str, where: str) -> bool:
    """Every word of `text` occurs in `where`, in the same order (other text may come between)."""
    position = 0
    for word in words(text):
        found = where.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def lines(markdown: str) -> List[str]:
    return markdown.split("\n")


@pytest.fixture(scope="module")
def converted():
    return {label: (StorageSemantics.of(storage), storage_to_markdown(storage)) for label, storage in BODIES}


@needs_recordings
def test_the_recordings_hold_the_bodies_this_file_pins():
    """Present but empty would make every test below pass vacuously: that is a failure."""
    assert len(BODIES) >= 30, [label for label, _ in BODIES]
    found = [StorageSemantics.of(storage) for _, storage in BODIES]
    for kind in ("headings", "table_rows", "links", "inline_code", "tasks", "panel_texts", "list_items",
                 "placeholders", "textless_parameters"):
        assert any(getattr(semantics, kind) for semantics in found), f"no recorded body has {kind}"
    assert any(complete for semantics in found for complete, _ in semantics.tasks)


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_headings_are_atx_lines_of_their_level(label, converted):
    semantics, markdown = converted[label]
    heading_lines = {}
    for line in lines(markdown):
        match = re.match(QUOTE + r"(#{1,6}) (.*)$", line)
        if match:
            heading_lines.setdefault(len(match.group(1)), []).append(match.group(2))
    for level, text in semantics.headings:
        assert any(has_in_order(text, line) for line in heading_lines.get(level, [])), f"h{level} {text!r} missing"


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_table_rows_are_pipe_rows_with_their_cells_in_order(label, converted):
    semantics, markdown = converted[label]
    pipe_rows = [line for line in lines(markdown) if re.match(QUOTE + r"\|", line)]
    for cells in semantics.table_rows:
        assert any(has_in_order(" ".join(cells), row) for row in pipe_rows), f"table row {cells!r} missing"


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_links_keep_their_text_and_href(label, converted):
    semantics, markdown = converted[label]
    markdown_links = [(key(text), href) for text, href in re.findall(r"\[((?:[^\]\\]|\\.)*)\]\((\S+?)(?:\s+\"[^\"]*\")?\)", markdown)]
    for text, href in semantics.links:
        assert any(key(text) in found_text and found_href == href for found_text, found_href in markdown_links), (
            f"link [{text}]({href}) missing")


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_code_stays_code(label, converted):
    semantics, markdown = converted[label]
    spans = [key(span) for span in re.findall(r"`+([^`]+)`+", markdown)]
    for code in semantics.inline_code:
        assert any(key(code) in span for span in spans), f"inline code {code!r} not in backticks"
    fences = [key(block) for block in re.findall(r"```[^\n]*\n(.*?)```", markdown, re.DOTALL)]
    for block in semantics.code_blocks:
        assert any(key(block) in fence for fence in fences), f"code block {block[:40]!r} not fenced"


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_tasks_are_checkbox_items_with_their_state(label, converted):
    semantics, markdown = converted[label]
    for complete, text in semantics.tasks:
        mark = "x" if complete else " "
        items = [line for line in lines(markdown) if re.match(QUOTE + r"\s*[-*] \[" + mark + r"\] ", line)]
        assert any(has_in_order(text, item) for item in items), f"task [{mark}] {text!r} missing"


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_panel_and_list_text_is_kept(label, converted):
    semantics, markdown = converted[label]
    for text in semantics.panel_texts:
        assert has_in_order(text, markdown), f"panel text {text!r} missing"
    list_lines = [line for line in lines(markdown) if re.match(QUOTE + r"\s*(?:[-*+]|\d+\.) ", line)]
    for text in semantics.list_items:
        # An item's first words open a list line; a nested list continues on the lines below it.
        assert any(has_in_order(" ".join(words(text)[:4]), line) for line in list_lines), f"list item {text!r} missing"
        assert has_in_order(text, markdown), f"list item {text!r} missing"


@needs_recordings
@pytest.mark.parametrize("label", [label for label, _ in BODIES])
def test_no_storage_syntax_placeholder_or_textless_macro_is_left(label, converted):
    semantics, markdown = converted[label]
    storage = dict(BODIES)[label]
    assert not re.search(r"</?(?:ac|ri):", markdown) and "CDATA" not in markdown and "<![" not in markdown
    # Markup left as markup (text such as "<Insert company name>" is the page's own words).
    assert not re.search(HTML_TAGS, markdown), "an HTML tag other than a cell's <br> is left"
    for placeholder in semantics.placeholders:
        if storage.count(placeholder) == 1:   # the hint's text appears nowhere else in the body
            assert key(placeholder) not in key(markdown), f"editor placeholder {placeholder!r} kept"
    standalone = {key(line) for line in lines(markdown)}
    for value in semantics.textless_parameters:
        assert key(value) not in standalone, f"parameter {value!r} of a text-less macro left as a line"
