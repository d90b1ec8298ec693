"""Script in an article body, in a real browser: sanitized by default it never runs;
with `unsafe_html: true` the same page runs every piece of it (which shows the
attacks are real and the page is loaded far enough for them to have run)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kb.mkdocs.builder import build_site
from tests.browser.conftest import serve
from tests.conftest import article

RAN = "window.kbPwned = (window.kbPwned || []).concat"
BODY = f"""\
Een antwoord met een plaatje: <img src="nergens.png" alt="" onerror="{RAN}('img')">

<script>{RAN}('script')</script>

<svg onload="{RAN}('svg')" width="10" height="10"><rect width="10" height="10"/></svg>

<details open ontoggle="{RAN}('details')"><summary>Meer</summary>Tekst.</details>

<iframe srcdoc="<script>parent.kbPwned = (parent.kbPwned || []).concat('iframe')</script>">
</iframe>

<a id="kb-js-link" href="javascript:{RAN}('link')">Klik hier</a>
"""
EVERY_ATTACK = ["details", "iframe", "img", "link", "script", "svg"]


def build(root: Path, unsafe: bool) -> Path:
    root.mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Winkel Hulp\nsite_url: https://help.shop.example/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  language: nl\n"
        f"plugins:\n  - search\n  - kb:\n      coverage_policy: warn\n"
        f"      unsafe_html: {'true' if unsafe else 'false'}\n", encoding="utf-8")
    path = root / "docs" / "returns" / "plaatje.md"
    path.parent.mkdir(parents=True)
    path.write_text(article(title="Zie ik een plaatje?", body=BODY), encoding="utf-8")
    site = root / "site"
    build_site(str(root / "mkdocs.yml"), today=date(2026, 11, 22), site_dir=str(site))
    return site


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("sanitize")
    return {unsafe: build(root / ("unsafe" if unsafe else "safe"), unsafe)
            for unsafe in (False, True)}


def attacks_that_ran(browser, site: Path, wait_for_all: bool) -> list[str]:
    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        with serve(site) as url:
            page.goto(url + "returns/plaatje/", wait_until="load")
            if wait_for_all:
                page.wait_for_function("(window.kbPwned || []).length >= 5")
            else:  # the handlers run before "load"; leave a late one time all the same
                page.wait_for_timeout(300)
            page.click("#kb-js-link")
            if wait_for_all:
                page.wait_for_function("(window.kbPwned || []).includes('link')")
            return sorted(page.evaluate("window.kbPwned || []"))
    finally:
        context.close()


def test_script_handlers_frames_and_javascript_links_in_an_article_never_run(
        browser, sites: dict[bool, Path]) -> None:
    assert attacks_that_ran(browser, sites[False], wait_for_all=False) == []


def test_with_unsafe_html_the_same_article_runs_every_one_of_them(
        browser, sites: dict[bool, Path]) -> None:
    assert attacks_that_ran(browser, sites[True], wait_for_all=True) == EVERY_ATTACK
