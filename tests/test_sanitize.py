"""Article bodies sanitized (kb.sanitize): what nh3 removes from rendered HTML, what
`kb check` reports from the Markdown, and what the Markdown copies keep."""

from __future__ import annotations

import textwrap
from datetime import date
from html.parser import HTMLParser

import markdown
import pytest
from click.testing import CliRunner

from kb import sanitize
from kb.articles import load_collection
from kb.cli import cli
from kb.sanitize import body_problems, findings, safe_markdown, sanitize_html
from kb.settings import Settings, parse_settings
from tests.conftest import ProjectFactory, article

# The extensions of the demo and the starter, and those Material's documentation
# suggests for a help centre.
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html",
              "tables", "toc", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.tabbed", "pymdownx.highlight", "pymdownx.inlinehilite",
              "pymdownx.mark", "pymdownx.keys", "pymdownx.caret", "pymdownx.tilde",
              "pymdownx.tasklist", "pymdownx.emoji"]


def render(text: str) -> str:
    from material.extensions import emoji

    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs={
        "toc": {"permalink": True},
        "pymdownx.tabbed": {"alternate_style": True},
        "pymdownx.highlight": {"anchor_linenums": True, "linenums": True},
        "pymdownx.tasklist": {"custom_checkbox": True},
        "pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg},
    })


class _Canonical(HTMLParser):
    """HTML as a browser's DOM holds it: serialization (attribute order and quotes,
    entities, `<br />`, the implied <tbody>, spaces in a style) does not count."""

    BOOLEAN = {"checked", "disabled", "open", "hidden", "controls"}
    VOID = {"tbody", "br", "hr", "img", "input", "source", "track", "wbr", "col", "area"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[object] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tbody":
            return
        normal = []
        for name, value in attrs:
            value = "" if name in self.BOOLEAN else (value or "")
            if name == "style":
                value = ";".join(d.replace(" ", "") for d in value.split(";") if d.strip())
            normal.append((name, value))
        self.tokens.append((tag, tuple(sorted(normal))))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)  # <path/> is <path></path>, <br /> is <br>
        self.handle_endtag(tag)

    def handle_endtag(self, tag) -> None:
        if tag not in self.VOID:
            self.tokens.append("/" + tag)

    def handle_data(self, data) -> None:
        if data.strip():
            self.tokens.append(" ".join(data.split()))


def dom(html: str) -> list[object]:
    parser = _Canonical()
    parser.feed(html)
    parser.close()
    return parser.tokens


RICH = textwrap.dedent("""\
    Text with **bold**, ==mark==, ^^insert^^, ~~gone~~, H~2~O, ++ctrl+alt+del++,
    `inline code`, `#!python print("hi")`, an :material-information-outline: icon,
    :smile: and a footnote[^1]. HTML is old.

    *[HTML]: Hyper Text Markup Language

    ## A heading {#custom-id .special data-sort="1"}

    !!! note "A note"
        Inside, a [link](https://example.com){target=_blank rel=noopener}.

    ??? tip "Folded"
        Hidden content.

    ???+ warning
        Open content.

    === "Tab one"

        First tab.

    === "Tab two"

        Second tab.

    | Left | Center | Right |
    |:-----|:------:|------:|
    | a    | b      | c     |

    ```python hl_lines="2" title="example.py"
    def f(x):
        return x < 1 and "<script>"
    ```

    - [x] done
    - [ ] to do

    Term
    :   Definition

    ![Logo](data:image/png;base64,iVBORw0KGgo=){ width="20" height="20" loading=lazy }
    ![Photo](https://example.com/p.jpg "A title")

    <figure markdown>
      ![Caption image](pictures/c.png)
      <figcaption>A caption</figcaption>
    </figure>

    <div class="grid" markdown>
    A raw div with *Markdown*.
    </div>

    <details open><summary>Raw details</summary>Raw body <kbd>Ctrl</kbd></details>

    <span style="color: red; text-align: center">Styled</span> and
    <a href="mailto:service@shop.example">mail</a>, <a href="tel:+31201234567">call</a>,
    <a href="../other/#section" title="Other">another answer</a>, H<sub>2</sub>O,
    <abbr title="As soon as possible">ASAP</abbr>, <mark>marked</mark>,
    <video src="film.mp4" controls width="320"></video>.

    [^1]: The footnote text.
    """)


def test_everything_markdown_and_its_extensions_write_survives_sanitizing() -> None:
    html = render(RICH)
    for made in ('class="admonition note"', 'class="tip"', 'type="radio"', "<label for=",
                 "text-align: center", 'class="highlight"', 'id="fnref:1"',
                 'src="data:image/png;base64,', 'type="checkbox"', "<svg", "<path d=",
                 'class="headerlink"', "<abbr", "<kbd", "<mark>", 'target="_blank"',
                 'class="linenos"'):
        assert made in html, made  # the fixture exercises it
    assert dom(sanitize_html(html)) == dom(html)


def test_material_icons_are_kept_as_inline_svg() -> None:
    html = render(":material-information-outline: and :fontawesome-brands-github:")
    clean = sanitize_html(html)
    assert clean.count("<svg") == 2 and 'viewBox="0 0 ' in clean and "<path d=" in clean
    assert dom(clean) == dom(html)


@pytest.mark.parametrize("unsafe, left", [
    ("<script>window.x=1</script>after", "after"),
    ('<iframe srcdoc="<script>window.x=1</script>"></iframe>after', "after"),
    ('<object data="x.swf"><p>fallback</p></object>after', "after"),
    ('<embed src="x.swf">after', "after"),
    ('<img src="x.png" onerror="window.x=1" alt="a">', '<img src="x.png" alt="a">'),
    ('<p onclick="window.x=1" onmouseover="y()">text</p>', "<p>text</p>"),
    ('<a href="javascript:window.x=1">a</a>', "<a>a</a>"),
    ('<a href=" JaVa&#x09;Script:window.x=1">a</a>', "<a>a</a>"),
    ('<a href="vbscript:msgbox(1)">a</a>', "<a>a</a>"),
    ('<a href="data:text/html,<script>window.x=1</script>">a</a>', "<a>a</a>"),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "<img>"),
    ('<a href="data:image/svg+xml;base64,PHN2Zz4=">a</a>', "<a>a</a>"),
    ('<form action="https://evil.example/"><input type="password" name="p"></form>',
     '<input name="p">'),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">after', "after"),
    ('<base href="https://evil.example/">after', "after"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">after', "after"),
    ("<style>body{display:none}</style>after", "after"),
    ('<svg><script>window.x=1</script><a href="javascript:alert(1)">'
     "<text>x</text></a></svg>", "<svg><a>x</a></svg>"),
    ('<div style="position:fixed;top:0;color:red">x</div>', '<div style="color:red">x</div>'),
    ('<a data-kb-href="javascript:x" data-md-component="x" data-note="y">a</a>',
     '<a data-note="y">a</a>'),
    ('<a id="kbHelp">a</a>', "<a>a</a>"),
    ("<!-- a note for editors -->after", "after"),
])
def test_what_could_run_script_is_removed_from_rendered_html(unsafe: str, left: str) -> None:
    assert sanitize_html(unsafe) == left


@pytest.mark.parametrize("kept", [
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo">',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="icon">',
    '<div data-kb-help="cart"></div>',
    '<a href="https://shop.example/" target="_blank" rel="noopener">shop</a>',
    '<input type="checkbox" disabled="" checked="">',
])
def test_images_help_blocks_links_and_task_boxes_are_kept(kept: str) -> None:
    assert sanitize_html(kept) == kept


BODY = textwrap.dedent("""\
    An answer with `<script>` in code and a <kbd>key</kbd>.

    <script>alert(1)</script>

    ```html
    <script src="https://help.shop.example/help/kb-help.js"></script>
    ```

    <img src="x.png" onerror="alert(2)"> and <a href="javascript:alert(3)">here</a>
    <iframe src="https://evil.example/"></iframe>
    [click](javascript:alert(4)) ![pic](data:text/html,hi) ![ok](data:image/png;base64,AA==)
    [coded](&#106;avascript:alert(5)) <https://shop.example/> <service@shop.example>

    [ref]: vbscript:msgbox(6)
    """)


def test_findings_name_each_tag_attribute_and_scheme_with_its_line() -> None:
    assert [(f.line, f.what) for f in findings(BODY)] == [
        (3, "<script>"),
        (9, "the event handler 'onerror' on <img>"),
        (9, "a 'javascript:' URL in 'href' on <a>"),
        (10, "<iframe>"),
        (11, "a 'javascript:' URL as link address"),
        (11, "a 'data:text/html' URL as image address"),
        (12, "a 'javascript:' URL as link address"),
        (14, "a 'vbscript:' URL as link address"),
    ]


@pytest.mark.parametrize("body", [
    "Plain text: nothing to see, R&D, 3 < 4.",
    "Use `<script>` or ``<iframe src=`x`>`` in code.",
    "```\n<script>alert(1)</script>\n```",
    "~~~~\n<img src=x onerror=alert(1)>\n~~~~",
    "- a list\n\n    ```js\n    <script>in a list</script>\n    ```",
    "<div markdown>*Markdown* in a <span markdown>box</span></div>",
    "<https://shop.example/page> and <service@shop.example>",
    "![logo](data:image/png;base64,AA==) and [a link](https://shop.example/)",
    '<table><tr><td align="left" style="text-align: left">a</td></tr></table>',
    "Our JavaScript: not needed. Your data: safe.",
])
def test_code_markdown_attributes_and_safe_markup_are_no_findings(body: str) -> None:
    assert findings(body) == []


@pytest.mark.parametrize("body", [
    "", "Plain text without any markup.\n\nTip: a colon is no scheme.", "R&D and 5 & 6",
])
def test_bodies_without_markup_or_schemes_are_never_parsed(body: str, monkeypatch) -> None:
    def parse(_body: str):
        raise AssertionError("parsed")

    monkeypatch.setattr(sanitize, "_scan", parse)
    assert findings(body) == [] and safe_markdown(body) == body


def test_findings_agree_with_what_sanitizing_the_rendered_page_removes() -> None:
    cases = [
        "<script>alert(1)</script>", "`<script>` as code", "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))", "![x](data:text/html,hi)", "![x](data:image/png;base64,AA)",
        "[x](data:image/png;base64,AA)", "[x](&#106;avascript:alert(1))", "<font>x</font>",
        "press <Enter> now", "<details><summary>s</summary>b</details>",
        "<svg viewBox='0 0 1 1'><path d='M0'/></svg>", "<iframe src=x></iframe>",
        "<a href='skype:me'>x</a>", "<a href=#top>top</a>", "<p style='position:fixed'>x</p>",
        "[a]: javascript:alert(1)\n\n[x][a]", "<https://shop.example>", "<a id=kbHelp>x</a>",
        "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
        "<div markdown>*x*</div>", "<video src=x.mp4 controls></video>",
    ]
    for body in cases:
        html = render(body)
        assert bool(findings(body)) == (dom(sanitize_html(html)) != dom(html)), body


def test_the_markdown_copy_loses_what_the_page_loses_and_keeps_the_rest() -> None:
    copy = safe_markdown(BODY)
    assert findings(copy) == []
    assert "alert" not in copy.replace('<script src="https://help.shop.example/', "")
    assert "An answer with `<script>` in code and a <kbd>key</kbd>." in copy
    assert '```html\n<script src="https://help.shop.example/help/kb-help.js"></script>\n```' \
        in copy
    assert '<img src="x.png"> and <a>here</a>' in copy
    assert "[click](#) ![pic](#) ![ok](data:image/png;base64,AA==)" in copy
    assert "[ref]: #" in copy


@pytest.mark.parametrize("body", [
    "<scr<script>x</script>ipt>alert(1)</script>",
    "<<script>x</script>script>alert(1)<</script>/script>",
    "<img src=x o<!-- -->nerror=alert(1)>",
])
def test_cutting_never_joins_the_rest_into_new_markup(body: str) -> None:
    copy = safe_markdown(body)
    assert findings(copy) == []
    assert "<script" not in copy.lower() and "onerror" not in copy.lower()


def test_unsafe_html_is_a_yes_or_no_option() -> None:
    settings, problems = parse_settings({}, "mkdocs.yml")
    assert settings.unsafe_html is False and not problems
    settings, problems = parse_settings({"unsafe_html": True}, "mkdocs.yml")
    assert settings.unsafe_html is True and not problems
    _, problems = parse_settings({"unsafe_html": "yes"}, "mkdocs.yml")
    assert [p.field for p in problems] == ["plugins.kb.unsafe_html"]


def test_body_problems_are_warnings_on_the_lines_of_the_file(project: ProjectFactory) -> None:
    # Five front-matter lines plus '---' twice: the body starts on line 8.
    project.write("returns/x.md", article(body="Text.\n\n<script>alert(1)</script>\n"
                                               "<img src=x onerror=alert(2)>"))
    project.write("returns/clean.md", article(title="Schoon?", body="Only <b>bold</b>."))
    collection = load_collection(str(project.docs), Settings(), date(2026, 11, 22))
    problems = body_problems(collection.articles)
    assert [(p.path, p.line, p.field, p.severity) for p in problems] == [
        ("docs/returns/x.md", 10, "body", "warning"),
        ("docs/returns/x.md", 11, "body", "warning")]
    assert "<script>" in problems[0].message and "'onerror' on <img>" in problems[1].message
    assert body_problems(collection.articles, unsafe_html=True) == []


def test_body_problems_take_the_line_from_the_article_without_reading_the_file_again(
        project: ProjectFactory) -> None:
    project.write("returns/x.md", article(body="\n\nText.\n<script>alert(1)</script>"))
    collection = load_collection(str(project.docs), Settings(), date(2026, 11, 22))
    (project.docs / "returns/x.md").unlink()
    [problem] = body_problems(collection.articles)
    assert problem.line == 11  # blank lines after the front matter are not the body's


def test_kb_check_warns_with_file_and_line_unless_unsafe_html(project: ProjectFactory) -> None:
    project.config({"coverage_policy": "warn"})
    project.write("returns/x.md", article(
        body="Intro.\n\n[Klik](javascript:alert(1))\n\n<iframe src=x></iframe>"))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert ("docs/returns/x.md:10: warning: body: expected HTML that is safe to publish but "
            "found a 'javascript:' URL as link address") in result.output
    assert "docs/returns/x.md:12: warning: body: expected HTML that is safe to publish " \
           "but found <iframe>" in result.output
    project.config({"coverage_policy": "warn", "unsafe_html": True})
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0 and "body:" not in result.output, result.output
