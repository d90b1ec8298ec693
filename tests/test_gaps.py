"""Content gaps: `kb gaps` and its core, kb.gaps (finding and describing the gaps)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kb.analysis import analyzer_for
from kb.answerindex import IndexFiles, build_answer_index, memory_loader
from kb.articles import Article, read_article
from kb.cli import cli
from kb.clustering import EXAMPLES
from kb.engine import Engine
from kb.gaps import GapFinder, _AreaGuess, find_gaps
from kb.settings import parse_settings
from tests.conftest import SHOP_ARTICLES, TODAY, article

DAY = date.fromisoformat(TODAY)


# Questions the articles above answer, and two topics they lack.
ANSWERED = ["hoe kan ik mijn bestelling retourneren", "retourneren",
            "wanneer wordt mijn pakket bezorgd", "welke betaalmethoden zijn er",
            "wachtwoord vergeten"]
SUBSCRIPTION = ["abonnement", "koffie abonnement", "hebben jullie een koffieabonnement?",
                "abbonement", "hoe zeg ik mijn abonnement op"]
JOBS = ["vacatures", "hebben jullie vacatures?", "vacature"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The articles above, read and indexed in memory; (settings, articles, engine)."""
    folder = tmp_path_factory.mktemp("docs")
    settings, problems = parse_settings({"language": "nl"}, "mkdocs.yml")
    assert not problems
    articles = []
    for src_uri, text in SHOP_ARTICLES.items():
        path = folder / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        found = read_article(str(path), src_uri, settings, DAY, [])
        assert found and found is not True
        articles.append(found)
    return settings, articles, answers(articles, settings)


def answers(articles, settings) -> Engine:
    """The engine over the answer index of `articles`, as kb build writes it."""
    return Engine(IndexFiles(memory_loader(build_answer_index(articles, settings, DAY))))


def gaps(shop, rows):
    settings, articles, engine = shop
    return find_gaps(rows, engine, articles, settings.taxonomy, settings.language)


def cluster_of(report, question):
    return next(c for c in report.clusters if question in c.examples)


# --- Answered share, deduplication --------------------------------------------------


def test_answered_share_and_the_articles_that_answered(shop):
    report = gaps(shop, ANSWERED + SUBSCRIPTION + JOBS)
    assert (report.rows, report.questions) == (13, 13)
    assert report.answered == 5
    assert report.answered_share == pytest.approx(5 / 13)
    assert report.unanswered == 8
    assert {(a.slug, a.questions) for a in report.top_articles} == {
        ("retourneren/termijn", 2), ("bezorging/wanneer", 1), ("betalen/methoden", 1),
        ("account/wachtwoord", 1)}


def test_rows_without_a_question_are_skipped_not_counted(shop):
    report = gaps(shop, ["", "   ", "Bedankt!", "hallo", "100241178", "retourneren"])
    assert report.rows == 6
    assert report.questions == 1
    assert report.answered == 1
    assert report.as_dict()["skipped"] == 5


def test_identical_questions_are_asked_once_and_counted_every_time(shop, monkeypatch):
    settings, articles, _ = shop
    engine = answers(articles, settings)
    rows = ["abonnement"] * 7 + ["Hallo, ABONNEMENT?? Groetjes, Sanne"] * 3 + ["retourneren"] * 4
    asked = Counter()
    ask = engine.ask

    def counting(question, limit=5):
        asked[question] += 1
        return ask(question, limit)

    monkeypatch.setattr(engine, "ask", counting)
    finder = GapFinder(engine, articles)
    for row in rows:
        finder.add(row)
    report = finder.report(settings.taxonomy, settings.language)
    assert asked == {"abonnement": 1, "retourneren": 1}
    assert (report.questions, report.distinct, report.answered) == (14, 2, 4)
    [subscription] = report.clusters
    assert (subscription.size, subscription.distinct) == (10, 1)
    assert subscription.representative == "abonnement"


def test_a_question_counts_as_answered_exactly_when_kb_ask_offers_an_answer(shop):
    settings, articles, engine = shop
    rows = ANSWERED + SUBSCRIPTION + JOBS + ["kan mijn pakket met een drone komen",
                                             "levering per drone of helikopter"]
    expected = sum(bool(engine.ask(q).answers) for q in rows)
    assert 0 < expected < len(rows)
    assert gaps(shop, rows).answered == expected


def test_a_question_only_a_draft_answers_is_a_gap(shop, tmp_path):
    settings, articles, _ = shop
    path = tmp_path / "abonnement.md"
    path.write_text(article(title="Hebben jullie een koffieabonnement?", policy="product",
                            stage="research", keywords=["abonnement"], draft=True,
                            summary="Ja, met een abonnement krijg je elke maand bonen."),
                    encoding="utf-8")
    draft = read_article(str(path), "acties/abonnement.md", settings, DAY, [])
    assert isinstance(draft, Article) and draft.draft
    with_draft = [*articles, draft]
    report = find_gaps(SUBSCRIPTION, answers(with_draft, settings), with_draft,
                       settings.taxonomy, settings.language)
    assert report.answered == 0
    assert sum(c.size for c in report.clusters) == len(SUBSCRIPTION)


# --- Clustering ----------------------------------------------------------------------


def test_paraphrases_and_typos_cluster_together_and_topics_stay_apart(shop):
    report = gaps(shop, ANSWERED + SUBSCRIPTION + JOBS)
    assert len(report.clusters) == 2
    subscription, jobs = report.clusters
    assert sorted(subscription.examples) == sorted(SUBSCRIPTION)
    # "hebben jullie vacatures?" asks what "vacatures" asks: one wording, counted twice.
    assert jobs.examples == ["vacatures", "vacature"]
    assert (subscription.size, jobs.size) == (5, 3)
    assert (subscription.distinct, jobs.distinct) == (5, 2)
    assert jobs.title == "Hebben jullie vacatures?"
    assert subscription.representative == "abonnement"
    assert subscription.title == "Hebben jullie een koffieabonnement?"
    assert subscription.keywords[0] == "abonnement"
    assert "abbonement" not in subscription.keywords


def test_examples_are_capped_and_the_most_asked_wording_represents(shop):
    wordings = [f"abonnement voor {n} kilo per maand" for n in range(2, 14)]
    rows = wordings + ["abonnement"] * 5
    report = gaps(shop, rows)
    [subscription] = report.clusters
    assert subscription.size == 17
    assert subscription.distinct == 13
    assert len(subscription.examples) == EXAMPLES
    assert subscription.representative == "abonnement"


def test_many_unrelated_questions_make_many_clusters(shop):
    topics = ["statiegeld", "vacatures", "abonnement", "capsules", "workshop",
              "studentenkorting", "influencer", "wederverkoper"]
    rows = [f"{topic} {extra}" for topic in topics for extra in ("", "graag", "vraagje")]
    report = gaps(shop, rows)
    assert len(report.clusters) == len(topics)
    assert all(c.size == 3 for c in report.clusters)
    for c in report.clusters:
        assert len({e.split()[0] for e in c.examples}) == 1


# --- Policy area and stage -----------------------------------------------------------


def test_area_and_stage_are_guessed_from_the_weak_hits(shop):
    rows = ["kan mijn pakket met een drone of helikopter komen", "drone helikopter pakket",
            "levering per drone of helikopter"] + JOBS
    report = gaps(shop, rows)
    drones = cluster_of(report, "drone helikopter pakket")
    assert (drones.policy, drones.stage) == ("shipping", "delivery")
    jobs = cluster_of(report, "vacatures")
    assert (jobs.policy, jobs.stage) == (None, None)
    areas = {a.policy: (a.unanswered, a.clusters) for a in report.areas}
    assert areas["shipping"] == (3, 1)
    assert areas[None] == (3, 1)
    assert areas["payment"] == (0, 0)


def test_area_guess_without_hits_uses_the_words_typical_of_each_area(shop):
    settings, articles, _ = shop
    guesser = _AreaGuess(articles, analyzer_for("nl"), {})
    assert guesser.guess(Counter(), {"wachtwoord": 1.0}) == ("privacy", "order")
    assert guesser.guess(Counter(), {"onbekend": 1.0}) == (None, None)


# --- kb gaps -------------------------------------------------------------------------

CSV = "date,channel,question\n" + "".join(
    f"2026-11-0{1 + i % 9},zoekbalk,\"{q}\"\n"
    for i, q in enumerate(ANSWERED + SUBSCRIPTION + JOBS + SUBSCRIPTION[:2]))


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def helpcentre(project):
    project.config()
    for src_uri, text in SHOP_ARTICLES.items():
        project.write(src_uri, text)
    return project


def write_csv(project, content: str | bytes, name: str = "vragen.csv") -> Path:
    path = project.root / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_gaps_text_report(helpcentre):
    write_csv(helpcentre, CSV)
    result = kb("gaps", "vragen.csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "vragen.csv: 15 rows, 15 questions (12 distinct)"
    assert "Answered: 33.3% (5 of 15 questions)" in lines
    assert "Unanswered: 10 questions in 2 clusters" in lines
    assert any(re.fullmatch(r"  1\. 7 × 'abonnement'  \[\? / \?\]", line) for line in lines)
    assert not (helpcentre.root / "concepten").exists()


def test_gaps_format_json(helpcentre):
    write_csv(helpcentre, CSV)
    result = kb("gaps", "vragen.csv", "--format", "json", "--top", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"rows", "questions", "skipped", "distinct", "answered", "unanswered",
                         "answered_share", "clusters", "cluster_count", "areas",
                         "top_articles", "drafts"}
    assert (data["rows"], data["answered"], data["unanswered"]) == (15, 5, 10)
    assert data["answered_share"] == 0.3333
    assert [c["size"] for c in data["clusters"]] == [7]
    assert data["cluster_count"] == 2
    assert {a["policy"] for a in data["areas"]} >= {"product", "shipping", None}
    assert data["top_articles"][0] == {"slug": "retourneren/termijn",
                                       "title": "Hoe kan ik mijn bestelling retourneren?",
                                       "questions": 2}
    assert data["drafts"] == []


def test_gaps_another_column_in_any_case_and_semicolons(helpcentre):
    write_csv(helpcentre, "Datum;Vraag\n2026-11-01;abonnement\n2026-11-02;retourneren\n")
    result = kb("gaps", "vragen.csv", "--column", "VRAAG")
    assert result.exit_code == 0, result.output
    assert "Answered: 50.0% (1 of 2 questions)" in result.stdout


def test_gaps_accepts_utf8_with_bom_and_windows_1252(helpcentre):
    text = "question\nhoe kan ik mijn bestelling retourneren?\ncafé abonnement\n"
    write_csv(helpcentre, text.encode("cp1252"), "ansi.csv")
    write_csv(helpcentre, b"\xef\xbb\xbf" + text.encode("utf-8"), "bom.csv")
    for name in ("ansi.csv", "bom.csv"):
        result = kb("gaps", name, "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert (data["questions"], data["answered"]) == (2, 1)
        assert "café abonnement" in data["clusters"][0]["examples"]


def test_gaps_drafts_for_the_largest_clusters(helpcentre):
    write_csv(helpcentre, CSV)
    result = kb("gaps", "vragen.csv", "--drafts", "docs/concepten")
    assert result.exit_code == 0, result.output
    path = helpcentre.docs / "concepten/hebben-jullie-een-koffieabonnement.md"
    assert f"Wrote draft {Path('docs/concepten/hebben-jullie-een-koffieabonnement.md')}." \
        in result.stdout
    written = sorted(p.name for p in (helpcentre.docs / "concepten").iterdir())
    assert written == ["hebben-jullie-een-koffieabonnement.md", "hebben-jullie-vacatures.md"]
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["title"] == "Hebben jullie een koffieabonnement?"
    assert meta["draft"] is True
    assert meta["summary"] == ""
    assert meta["reviewed"] == DAY
    assert meta["policy"] in {"product", "order-status", "payment", "shipping", "returns",
                              "privacy"}
    assert len(meta["stages"]) == 1
    assert meta["keywords"][0] == "abonnement"
    check = kb("check")
    assert check.exit_code == 0, check.output
    assert "concepten/hebben-jullie-een-koffieabonnement.md:3: warning: summary" in check.output


def test_gaps_never_overwrites_a_draft(helpcentre):
    write_csv(helpcentre, CSV)
    folder = helpcentre.docs / "concepten"
    folder.mkdir()
    mine = folder / "hebben-jullie-een-koffieabonnement.md"
    mine.write_text("my own words\n", encoding="utf-8")
    result = kb("gaps", "vragen.csv", "--drafts", "docs/concepten")
    assert result.exit_code == 0, result.output
    assert mine.read_text(encoding="utf-8") == "my own words\n"
    assert ("Skipped a draft for 'abonnement': hebben-jullie-een-koffieabonnement.md exists "
            "already.") in result.stderr
    assert (folder / "hebben-jullie-vacatures.md").is_file()


def test_gaps_drafts_respect_max_drafts_and_min_size(helpcentre):
    write_csv(helpcentre, CSV)
    result = kb("gaps", "vragen.csv", "--drafts", "concepten", "--max-drafts", "1")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (helpcentre.root / "concepten").iterdir()] == [
        "hebben-jullie-een-koffieabonnement.md"]
    result = kb("gaps", "vragen.csv", "--drafts", "groot", "--min-size", "4")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (helpcentre.root / "groot").iterdir()] == [
        "hebben-jullie-een-koffieabonnement.md"]


def test_gaps_progress_bar_goes_to_stderr_never_into_json(helpcentre):
    rows = "question\n" + "hoe kan ik mijn bestelling retourneren?\nabonnement\n" * 30_000
    path = write_csv(helpcentre, rows)
    assert path.stat().st_size > 1_000_000
    result = kb("gaps", "vragen.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["questions"] == 60_000
    assert "Reading questions" in result.stderr


BAD_INPUT = {
    "empty": (b"", "vragen.csv:1: error: is empty; expected a header line with a column "
                   "'question' and one row per line"),
    "wrong columns": (b"datum,kanaal,vraag\n2026-11-01,chat,retour\n",
                      "vragen.csv:1: error: expected a column 'question' (the shoppers' "
                      "questions) but found 'datum', 'kanaal', 'vraag'"),
    "not text": (b"question\nabonnement\n\x81\x8d kapot\n",
                 "vragen.csv:3: error: is neither UTF-8 nor Windows-1252 (byte 0x81); save it "
                 "as CSV UTF-8"),
    "ragged": (b"date,question\n2026-11-01,abonnement\n2026-11-02,retour,extra\n"
               b"2026-11-03\n", "vragen.csv:3: error: expected 2 cells (as in the header) but "
                                "found 3; quote a cell that contains ','"),
    "header only": (b"date,question\n", "vragen.csv:1: error: has a header but no questions"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_gaps_bad_input_exits_1_and_writes_nothing(helpcentre, case):
    content, message = BAD_INPUT[case]
    write_csv(helpcentre, content)
    before = sorted(p for p in helpcentre.root.rglob("*") if ".kb-cache" not in p.parts)
    result = kb("gaps", "vragen.csv", "--drafts", "docs/concepten")
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "vragen.csv cannot be read; fix the problems above. Nothing was written." \
        in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    after = sorted(p for p in helpcentre.root.rglob("*") if ".kb-cache" not in p.parts)
    assert after == before


def test_gaps_ragged_rows_are_all_listed(helpcentre):
    write_csv(helpcentre, "date,question\n2026-11-01,a,b\n2026-11-02,abonnement\n2026-11-03\n")
    result = kb("gaps", "vragen.csv")
    assert result.exit_code == 1
    assert "vragen.csv:2: error: expected 2 cells" in result.stderr
    assert "vragen.csv:4: error: expected 2 cells (as in the header) but found 1" \
        in result.stderr


def test_gaps_usage_errors(helpcentre):
    result = kb("gaps", "bestaat-niet.csv")
    assert result.exit_code == 2
    assert "bestaat-niet.csv: no such file" in result.output
    write_csv(helpcentre, CSV)
    for args in (["--top", "0"], ["--format", "xml"], ["--min-size", "0"],
                 ["--today", "22-11-2026"]):
        result = kb("gaps", "vragen.csv", *args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_gaps_on_the_demo_sample(tmp_path, monkeypatch):
    """The demo export against the demo help centre: a sensible share and the gaps an
    editor would expect at the top."""
    root = Path(__file__).resolve().parent.parent
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(root / "content")
    config["theme"].pop("custom_dir", None)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "kb" in plugin:
            plugin["kb"]["cache_dir"] = str(tmp_path / "cache")
            plugin["kb"].pop("popularity", None)
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = kb("gaps", str(root / "benchmarks/questions/demo-questions.csv"), "--format",
                "json", "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"] >= 300
    assert 0.6 <= data["answered_share"] <= 0.8
    top = " ".join(" ".join(c["examples"]) for c in data["clusters"][:5]).casefold()
    for topic in ("abonnement", "capsules", "spaarpunten", "workshop"):
        assert topic in top


# --- Speed: what makes thousands of questions fast must not change an answer ----------


def test_one_engine_asked_many_questions_answers_like_a_fresh_one(shop):
    settings, articles, engine = shop
    words = ["retourneren", "wachtwoord", "betaalmethoden", "bezorgd", "pakket", "klarna",
             "achteraf", "magazijn", "inlogpagina", "creditcard", "ethiopie", "colombia"]
    typos = {w[:i] + w[i + 1:] for w in words for i in (2, 3, 5)}  # one letter left out
    questions = [f"{typo} {extra}" for typo in sorted(typos) for extra in ("", "abonnement")]
    long_lived = answers(articles, settings)
    asked = [long_lived.ask(q) for q in questions]
    for question, answer in zip(questions, asked):
        assert answer == answers(articles, settings).ask(question), question


# --- kb gaps --drafts writes only new files (issue 14) --------------------------------


def test_gaps_drafts_never_replace_a_link_that_has_a_drafts_name(helpcentre, tmp_path_factory):
    write_csv(helpcentre, CSV)
    folder = helpcentre.root / "concepten"
    folder.mkdir()
    elsewhere = tmp_path_factory.mktemp("elders")
    broken = folder / "hebben-jullie-een-koffieabonnement.md"
    broken.symlink_to(elsewhere / "weg.md")
    mine = elsewhere / "mijn.md"
    mine.write_text("mijn eigen tekst\n", encoding="utf-8")
    (folder / "hebben-jullie-vacatures.md").symlink_to(mine)
    result = kb("gaps", "vragen.csv", "--drafts", "concepten")
    assert result.exit_code == 0, result.output
    assert "hebben-jullie-een-koffieabonnement.md exists already" in result.stderr
    assert "hebben-jullie-vacatures.md exists already" in result.stderr
    assert broken.is_symlink() and not (elsewhere / "weg.md").exists()
    assert mine.read_text(encoding="utf-8") == "mijn eigen tekst\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["mijn.md"]
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_gaps_drafts_go_to_the_folder_the_user_names_even_outside_the_project(
        helpcentre, tmp_path_factory):
    # --drafts names an output folder outright: unlike kb new --folder it may be anywhere.
    write_csv(helpcentre, CSV)
    folder = tmp_path_factory.mktemp("buiten") / "concepten"
    result = kb("gaps", "vragen.csv", "--drafts", str(folder), "--max-drafts", "1")
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["hebben-jullie-een-koffieabonnement.md"]


def test_gaps_drafts_into_a_file_is_a_clear_error(helpcentre):
    write_csv(helpcentre, CSV)
    (helpcentre.root / "bestand").write_text("geen map\n", encoding="utf-8")
    result = kb("gaps", "vragen.csv", "--drafts", "bestand/concepten")
    assert result.exit_code == 1
    assert "bestand/concepten: cannot write drafts there (Not a directory)." in result.stderr
    assert "Traceback" not in result.output


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x00\x9b31m\u202e"


def test_gaps_prints_an_escape_sequence_in_a_question_escaped(helpcentre):
    write_csv(helpcentre, "question\n" + f'"hebben jullie {ESCAPES} vacatures?"\n' * 2)
    result = kb("gaps", "vragen.csv")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout
