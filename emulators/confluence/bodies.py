"""Storage-format (XHTML) page bodies with the macros real spaces contain: code, info, toc and
jira macros, tables, page links, user mentions, attached images and task lists; a third of them
in the editor's layout sections with a placeholder, emoji and `&nbsp;` (`in_layout`).

Bodies are cheap to build (a few formatted snippets) so the `large` profile stays fast.
"""
from __future__ import annotations

import random
import zlib
from html import escape

WORDS = ("alpha beta release deploy roadmap onboarding incident review design api backend "
         "frontend quarterly planning retro security budget hiring metrics search index cache "
         "storage latency migration runbook policy handbook glossary customer support billing "
         "analytics pipeline kafka postgres kubernetes terraform audit compliance privacy").split()

_LANGUAGES = ("python", "java", "bash", "sql", "yaml")


def _code(rng: random.Random) -> str:
    language = rng.choice(_LANGUAGES)
    return (f'<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="{rng.getrandbits(32):08x}">'
            f'<ac:parameter ac:name="language">{language}</ac:parameter>'
            f"<ac:plain-text-body><![CDATA[# {language} example\nprint('hello & <world>')\n]]>"
            "</ac:plain-text-body></ac:structured-macro>")


def _info(rng: random.Random) -> str:
    kind = rng.choice(("info", "note", "warning", "tip"))
    return (f'<ac:structured-macro ac:name="{kind}" ac:schema-version="1"><ac:rich-text-body>'
            f"<p>Remember the {rng.choice(WORDS)} checklist before the {rng.choice(WORDS)} step.</p>"
            "</ac:rich-text-body></ac:structured-macro>")


def _toc(rng: random.Random) -> str:
    return '<ac:structured-macro ac:name="toc" ac:schema-version="1"><ac:parameter ac:name="maxLevel">3</ac:parameter></ac:structured-macro>'


def _jira(rng: random.Random) -> str:
    return (f'<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="key">'
            f"PROJ-{rng.randint(1, 9999)}</ac:parameter><ac:parameter ac:name=\"server\">System JIRA"
            "</ac:parameter></ac:structured-macro>")


def _table(rng: random.Random) -> str:
    rows = "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 500)}</td><td>{rng.choice(WORDS)}</td></tr>"
                   for _ in range(rng.randint(1, 4)))
    return ("<table data-layout=\"default\"><colgroup><col /><col /><col /></colgroup><tbody>"
            f"<tr><th><p>Item</p></th><th><p>Count</p></th><th><p>Owner</p></th></tr>{rows}</tbody></table>")


def _tasks(rng: random.Random) -> str:
    items = "".join(f"<ac:task><ac:task-id>{i + 1}</ac:task-id><ac:task-status>"
                    f"{rng.choice(('complete', 'incomplete'))}</ac:task-status><ac:task-body>"
                    f"Follow up on {rng.choice(WORDS)}</ac:task-body></ac:task>" for i in range(rng.randint(1, 3)))
    return f"<ac:task-list>{items}</ac:task-list>"


_SNIPPETS = (_code, _info, _toc, _jira, _table, _tasks)


def page_body(rng: random.Random, title: str, *, link_title: str | None, link_space_key: str | None,
              mention: str | None, mention_is_key: bool, image: str | None) -> str:
    """A storage body: heading, prose, 1-3 macros/tables, and the given cross-references.

    mention: an accountId (Cloud) or userKey (DC, mention_is_key=True); image: an attachment
    file name on this page; link_title: another page's title.
    """
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p>This page covers {rng.choice(WORDS)} and {rng.choice(WORDS)} &amp; more.</p>"]
    for snippet in rng.sample(_SNIPPETS, rng.randint(1, 3)):
        parts.append(snippet(rng))
    if link_title:
        space = f' ri:space-key="{escape(link_space_key)}"' if link_space_key else ""
        parts.append(f'<p>See <ac:link><ri:page ri:content-title="{escape(link_title)}"{space} />'
                     f"<ac:plain-text-link-body><![CDATA[{link_title}]]></ac:plain-text-link-body></ac:link>.</p>")
    if mention:
        attribute = "ri:userkey" if mention_is_key else "ri:account-id"
        parts.append(f'<p>Owner: <ac:link><ri:user {attribute}="{mention}" /></ac:link></p>')
    if image:
        parts.append(f'<ac:image ac:height="250"><ri:attachment ri:filename="{escape(image)}" /></ac:image>')
    if zlib.crc32(title.encode()) % 3 == 0:   # chosen without the rng: the rest of the instance is unchanged
        return in_layout(parts)
    return "".join(parts)


def in_layout(parts: list[str]) -> str:
    """The editor's page layout as recorded (cloud__v2-pages__2, __3): sections of cells, the newlines
    and indentation the editor leaves between blocks, an editor placeholder, emoji and `&nbsp;`."""
    cell = "<ac:layout-cell>\n\n            {}\n        </ac:layout-cell>"
    return ('<ac:layout><ac:layout-section ac:type="fixed-width" ac:breakout-mode="default">'
            + cell.format(parts[0]) + '</ac:layout-section><ac:layout-section ac:type="two_equal">'
            + cell.format("\n            ".join(parts[1:]))
            + cell.format("<h2>📌&nbsp;Notes</h2>\n            "
                          "<p>✉️ <ac:placeholder>Insert your notes here</ac:placeholder></p>")
            + "</ac:layout-section></ac:layout>")


def comment_body(rng: random.Random) -> str:
    return f"<p>{rng.choice(('Looks good', 'Question about', 'Please update', '+1 on'))} the {rng.choice(WORDS)} part.</p>"
