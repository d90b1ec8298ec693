"""The demo site's 404 page in a real browser, served the way static hosts do: the body of
404.html, with status 404, at any address that has no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Handler, serve


class _NotFoundHandler(Handler):
    def send_error(self, code, message=None, explain=None):  # type: ignore[override]
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def host(demo_site: Path):
    with serve(demo_site, base=_NotFoundHandler) as url:
        yield url


MISSING = ["404.html", "bestaat-niet", "retourneren/oude/pagina/", "a/b/c/d.html?x=1"]


@pytest.mark.parametrize("path", MISSING)
def test_404_page_searches_from_any_address_without_leaving_the_site(page, host: str,
                                                                     path: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(host + path)
    assert response is not None
    assert response.status == (200 if path == "404.html" else 404)
    assert page.locator("h1").first.inner_text() == "Deze pagina bestaat niet (meer)"
    # Styles and scripts load from the site root whatever the depth of the address.
    assert page.locator("form[data-kb-search=inline] .kb-search__button").evaluate(
        "el => getComputedStyle(el).display") != "inline"
    # The 404 page's own box answers in place (contract 5: inline), its engine and
    # index fetched from the site root.
    form = page.locator("form[data-kb-search=inline]")
    assert form.get_attribute("action") == "/search/"
    page.fill("#kb-q", "retour")
    box = page.wait_for_selector("#kb-q[aria-controls]")  # search.js has taken the box
    options = page.locator(f"#{box.get_attribute('aria-controls')} [role=option]")
    options.first.wait_for()
    titles = options.all_inner_texts()
    assert any("retour" in t.lower() or "terug" in t.lower() for t in titles), titles
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if "/search/meta.js" in url] == [host + "search/meta.js"]
    foreign = [url for url in requests if not url.startswith(host) and
               not url.startswith("data:")]
    assert foreign == []


def test_404_page_links_lead_to_the_answers_and_contact(page, host: str) -> None:
    page.goto(host + "x/y/z/")
    page.click(".kb-questions details summary >> nth=0")
    page.click(".kb-question__answer a >> nth=0")
    page.wait_for_load_state()
    assert page.locator(".kb-answer__text").is_visible()
    page.goto(host + "x/y/z/")
    page.click(".kb-fallback__more a")
    page.wait_for_load_state()
    assert page.url == host + "contact/"


def test_404_search_works_without_javascript(browser, host: str) -> None:
    """Without JavaScript the box opens the search page, which lists the areas."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(host + "oud/adres/")
    page.fill("#kb-q", "verzendkosten")
    page.press("#kb-q", "Enter")
    page.wait_for_load_state()
    assert page.url == host + "search/?q=verzendkosten"
    assert page.locator(".kb-area").count() == 6
    context.close()
