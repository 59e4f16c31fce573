"""The converter call `markdown.py` makes equals html-to-markdown's public `convert` with the same options."""

from __future__ import annotations

import pytest
from html_to_markdown import convert

from source_confluence.components.bodies import markdown

HTML_SAMPLES = [
    "<h1>T</h1><p>a <strong>b</strong> snake_case *x*</p><ul><li>one</li><li>two<ul><li>deep</li></ul></li></ul>",
    "<table><tr><th>a</th><th>b</th></tr><tr><td>1 | 2</td><td><img src='x.png' alt='x'></td></tr></table>",
    "<pre><code class='language-python'>print('<x>')</code></pre><blockquote><p><strong>Info:</strong></p><p>x</p></blockquote>",
    "<p>See <a href='spec.pdf'>spec.pdf</a> and <a href='#rollback'><em>Rollback</em></a>.</p>",
]


@pytest.mark.parametrize("html", HTML_SAMPLES)
def test_given_html_then_the_prebuilt_options_call_equals_the_public_convert(html):
    assert markdown._convert(html).content == convert(html, markdown._OPTIONS).content
