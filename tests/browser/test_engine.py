"""The answer engine in a real browser (issue 16): the built demo site's own copy of
the engine's scripts (assets/kb/engine/), answering from the site's answer index
(search/, each file loaded as the script it is), gives kb.engine's answers on every
question of benchmarks/eval/ (demo-nl.csv first). The page's own kbHelp.ask stub loads
the engine and assets/kb/search.js, whose loader the test's engine reads the index with."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.answerindex import IndexFiles, folder_loader
from kb.engine import Engine
from kb.evaluate import DEPTH
from tests.browser.conftest import ROOT
from tests.conftest import eval_questions

EVAL = ROOT / "benchmarks" / "eval"
ARTICLE = "retourneren/retourtermijn/"

# Every question on one engine, as a page asks them: each answer as the shopper sees
# it (ranked slugs, the answers offered, declined or not, the suggestion).
ASK_ALL = """async ([root, questions, limit]) => {
  await window.kbHelp.ask("");  // loads the engine and search.js, whose loader reads the index
  const engine = new globalThis.kbEngine.Engine(window.kbHelp.search.load);
  const answers = [];
  for (const question of questions) {
    const answer = await engine.ask(question, {limit: limit});
    answers.push([answer.hits.map((h) => h.slug), answer.answers.map((h) => h.slug),
                  answer.declined, answer.suggestion]);
  }
  return answers;
}"""


def questions(name: str) -> list[str]:
    return [" ".join(q.split()) for _, q in eval_questions(name)]


def python_answers(site: Path, asked: list[str]) -> list[list]:
    engine = Engine(IndexFiles(folder_loader(str(site / "search"))))
    found = []
    for question in asked:
        answer = engine.ask(question, DEPTH)
        found.append([[h.slug for h in answer.hits], [h.slug for h in answer.answers],
                      not answer.good, answer.suggestion])
    return found


@pytest.fixture
def article_page(page, base_url: str):
    """An article page loaded as a shopper's first visit, with every request it made."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + ARTICLE, wait_until="networkidle")
    return page, requests


def test_the_browser_answers_every_eval_question_as_kb_engine(article_page, base_url: str,
                                                               demo_site: Path) -> None:
    page, requests = article_page
    on_load = list(requests)
    asked = questions("demo-nl.csv")
    assert len(asked) == 303
    asked += [q for path in sorted(EVAL.glob("*.csv")) if path.name != "demo-nl.csv"
              for q in questions(path.name)]
    browser = page.evaluate(ASK_ALL, [base_url, asked, DEPTH])
    differ = [(q, js, py) for q, js, py in zip(asked, browser, python_answers(demo_site, asked))
              if js != py]
    assert differ == []
    # The sets have questions nothing answers, and declined ones with a correction.
    assert sum(declined for _, _, declined, _ in browser) >= 20
    assert any(suggestion for *_, suggestion in browser)
    # Each file of the index was loaded at most once, as a script, from the site itself;
    # none is left in the page.
    index = [url for url in requests[len(on_load):] if url.startswith(base_url + "search/")]
    assert index and len(index) == len(set(index))
    assert all(url.endswith(".js") for url in index)
    assert [url for url in requests if not url.startswith(base_url)] == []
    assert page.evaluate("document.querySelectorAll('script[src*=\"/search/\"]').length") == 0


def test_a_missing_index_file_fails_the_question_instead_of_answering_less(
        article_page, base_url: str) -> None:
    page, _ = article_page
    # meta is the site's; every other file the engine asks for is missing.
    message = page.evaluate("""async () => {
      await window.kbHelp.ask("");
      const load = window.kbHelp.search.load;
      const engine = new globalThis.kbEngine.Engine(
        (name) => load(name === "meta" ? name : "no-such-folder/" + name));
      try { await engine.ask("retour"); return "answered"; } catch (e) { return e.message; }
    }""")
    assert message.startswith("the answer index has no ")


def test_a_first_page_load_fetches_no_part_of_the_answer_index(article_page,
                                                                base_url: str) -> None:
    _, requests = article_page
    assert base_url + ARTICLE in requests
    search = {url for url in requests if url.startswith(base_url + "search/")}
    assert not {url for url in search if url.endswith(".js")}
    assert not [url for url in requests if "/assets/kb/engine/" in url]
    assert [url for url in requests if not url.startswith(base_url)] == []
