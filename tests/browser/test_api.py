"""The public answer API, window.kbHelp.ask (contract 4 of issue 16), in a real browser:
on the help centre's pages (assets/kb/kb.js) and on a shop's page that loads
help/kb-help.js from the help centre on another origin. Its answers are kb.engine's."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from kb.mkdocs.builder import build_site
from tests.browser.conftest import ROOT, serve
from tests.browser.test_help_widget import CONFIG
from tests.browser.test_site_search import answers_of
from tests.conftest import article

SITE_URL = "https://help.bonenbaai.example/"  # the demo's site_url
# What a shop's own code runs: one question after another, as api_eval does.
ASK_ALL = """async ([questions, limit]) => {
  const out = [];
  for (const q of questions) out.push(await window.kbHelp.ask(q, limit ? {limit} : undefined));
  return out;
}"""


def demo_questions(n: int) -> list[str]:
    with open(ROOT / "benchmarks/eval/demo-nl.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(ROOT / "benchmarks/eval/demo-nl-unanswerable.csv", encoding="utf-8",
              newline="") as fh:
        unanswerable = [row["question"] for row in csv.DictReader(fh)]
    return [row["question"] for row in rows[::len(rows) // n]][:n] + unanswerable[:8]


def expected(oracle, questions: list[str], limit: int, site: str) -> list[dict]:
    found = []
    for q in questions:
        urls, declined, suggestion = oracle(q, limit)
        found.append({"urls": [site + u for u in urls], "declined": declined,
                      "suggestion": suggestion})
    return found


def seen(answers: list[dict]) -> list[dict]:
    return [{"urls": [a["url"] for a in r["answers"]], "declined": r["declined"],
             "suggestion": r["suggestion"]} for r in answers]


def shop_page(help_url: str, block: bool = False) -> str:
    body = '<div id="help" data-kb-help="cart"></div>' if block else "<p>Onze koffie</p>"
    return (f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Winkel</title>'
            f'<link rel="icon" href="data:,"></head><body><h1>Winkel</h1>{body}'
            f'<script src="{help_url}help/kb-help.js" defer></script></body></html>\n')


@pytest.fixture(scope="module")
def oracle(demo_site: Path):
    return answers_of(demo_site)


@pytest.fixture(scope="module")
def shop(demo_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """A shop on an origin of its own whose pages load the demo's kb-help.js from the
    help centre's origin (which sends no CORS header): (shop URL, help URL)."""
    folder = tmp_path_factory.mktemp("shop")
    with serve(demo_site) as help_url, serve(folder) as shop_url:
        (folder / "plain.html").write_text(shop_page(help_url))
        (folder / "block.html").write_text(shop_page(help_url, block=True))
        yield shop_url, help_url


def test_every_help_centre_page_has_kbhelp_ask_and_it_answers_as_kb_engine(
        page, base_url, oracle):
    page.goto(base_url + "contact/")
    assert page.evaluate("typeof window.kbHelp.ask") == "function"
    questions = demo_questions(24)
    answers = page.evaluate(ASK_ALL, [questions, 3])
    assert seen(answers) == expected(oracle, questions, 3, SITE_URL)
    # Both kinds of answer are among them, and some questions are declined.
    assert any(r["declined"] for r in answers) and any(not r["declined"] for r in answers)
    for result in answers:
        assert result["answers"] == [] if result["declined"] else len(result["answers"]) <= 3
        for answer in result["answers"]:
            assert set(answer) == {"url", "title", "summary", "score", "policy", "kind"}
            assert answer["url"].startswith(SITE_URL)  # absolute: the demo has a site_url
            assert (answer["kind"] == "article") == (answer["policy"] is not None)


def test_the_default_limit_is_five_and_pages_come_after_the_articles_that_answer(
        page, base_url, oracle):
    page.goto(base_url)
    [result] = page.evaluate(ASK_ALL, [["koffie zetten"], 0])
    assert len(result["answers"]) == 5
    [wide] = page.evaluate(ASK_ALL, [["koffie zetten"], 9])
    kinds = [a["kind"] for a in wide["answers"]]
    assert "blog" in kinds and seen([wide]) == expected(oracle, ["koffie zetten"], 9, SITE_URL)


def test_odd_questions_and_limits_are_answered_not_thrown(page, base_url):
    page.goto(base_url)
    answers = page.evaluate("""() => Promise.all([
        kbHelp.ask(), kbHelp.ask(null), kbHelp.ask(""), kbHelp.ask("   "), kbHelp.ask(42),
        kbHelp.ask("<img src=x onerror=alert(1)>"), kbHelp.ask("retour", {limit: -3}),
        kbHelp.ask("retour", {limit: "2"}), kbHelp.ask("x".repeat(5000))])""")
    assert [a["declined"] for a in answers[:6]] == [True] * 6
    assert all(a["answers"] == [] for a in answers[:6])
    assert len(answers[6]["answers"]) == 5 and len(answers[7]["answers"]) == 2
    assert answers[8]["declined"] is True


def test_a_shop_page_that_loads_kb_help_js_has_the_api_and_gets_the_same_answers(
        browser, shop, oracle):
    shop_url, help_url = shop
    for name in ("plain.html", "block.html"):
        context = browser.new_context()
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.goto(shop_url + name, wait_until="networkidle")
        assert page.evaluate("typeof window.kbHelp.ask") == "function"
        # Nothing of the search on the shop's first load.
        assert not [u for u in requests if "/search" in u or "/engine/" in u]
        questions = demo_questions(6)
        answers = page.evaluate(ASK_ALL, [questions, 3])
        assert seen(answers) == expected(oracle, questions, 3, SITE_URL)
        assert all(u.startswith((shop_url, help_url, "data:")) for u in requests)
        assert [u for u in requests if u.startswith(help_url + "search/")]
        context.close()


@pytest.fixture(scope="module")
def no_site_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small help centre without a site_url."""
    root = tmp_path_factory.mktemp("nourl")
    (root / "mkdocs.yml").write_text(CONFIG.replace("site_url: https://help.shop.example/\n", ""))
    for slug, title, summary in (
            ("returns/kosten", "Wie betaalt de retourkosten?", "Retourneren is gratis."),
            ("shipping/snel", "Hoe snel bezorgen jullie?", "Morgen in huis.")):
        policy = slug.split("/")[0]
        path = root / "docs" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(title=title, summary=summary, policy=policy,
                                stage={"returns": "returns", "shipping": "delivery"}[policy],
                                contexts=["cart"]), encoding="utf-8")
    site = root / "site"
    build_site(str(root / "mkdocs.yml"), today=date(2026, 11, 22), site_dir=str(site))
    return site


def test_without_a_site_url_answer_links_point_at_the_help_host(browser, no_site_url,
                                                                tmp_path: Path):
    with serve(no_site_url) as help_url, serve(tmp_path) as shop_url:
        (tmp_path / "shop.html").write_text(shop_page(help_url))
        page = browser.new_page()
        page.goto(shop_url + "shop.html")
        [result] = page.evaluate(ASK_ALL, [["wie betaalt de retourkosten"], 3])
        assert result["answers"][0]["url"] == help_url + "returns/kosten/"
        page.close()
