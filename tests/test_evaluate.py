"""Measured answer quality: the question file and the hit@k / MRR report."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from kb.evaluate import (
    DEPTH,
    Case,
    EvalError,
    evaluate,
    format_json,
    format_text,
    printed,
    read_cases,
)

SLUGS = {
    "retourneren/termijn": "live",
    "retourneren/kosten": "live",
    "bezorging/levertijd": "live",
    "acties/kerst": "draft",
}


def live(slug: str) -> bool:
    return SLUGS[slug] == "live"


def write(tmp_path: Path, content: str | bytes, name: str = "vragen.csv") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return str(path)


def read(tmp_path: Path, content: str | bytes) -> list[Case]:
    return read_cases(write(tmp_path, content), "vragen.csv", SLUGS, live)


def problems(tmp_path: Path, content: str | bytes) -> list:
    with pytest.raises(EvalError) as info:
        read(tmp_path, content)
    error = info.value
    assert str(error) == "; ".join(p.message for p in error.problems)
    assert all(p.path == "vragen.csv" and p.is_error for p in error.problems)
    return error.problems


# --- Reading the question file -----------------------------------------------------


def test_read_cases(tmp_path):
    cases = read(tmp_path, "question,expected\n"
                           "hoe lang mag ik iets terugsturen,retourneren/termijn\n"
                           "\n"
                           "\"wat kost   retour, en wie betaalt\",/retourneren/kosten/\n"
                           "wanneer komt het,bezorging/levertijd.md\n")
    assert cases == [
        Case(2, "hoe lang mag ik iets terugsturen", ["retourneren/termijn"]),
        Case(4, "wat kost retour, en wie betaalt", ["retourneren/kosten"]),
        Case(5, "wanneer komt het", ["bezorging/levertijd"]),
    ]


def test_several_expected_answers_are_separated_by_a_bar(tmp_path):
    cases = read(tmp_path, "question,expected\n"
                           "retour,retourneren/termijn | retourneren/kosten|\n")
    assert cases[0].expected == ["retourneren/termijn", "retourneren/kosten"]


def test_columns_in_any_order_any_case_with_extra_columns(tmp_path):
    cases = read(tmp_path, "Notes, Expected ,QUESTION\n"
                           "van klant,retourneren/termijn,hoe retourneren\r\n")
    assert cases == [Case(2, "hoe retourneren", ["retourneren/termijn"])]


def test_utf8_with_byte_order_mark_is_accepted(tmp_path):
    content = "question,expected\nhoeveel cafeïne,retourneren/termijn\n".encode("utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")
    assert read(tmp_path, content) == [Case(2, "hoeveel cafeïne", ["retourneren/termijn"])]


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    content = "question,expected\nretour,retourneren/termijn\ncafé,retourneren/kosten\n"
    found = problems(tmp_path, content.encode("cp1252"))
    assert len(found) == 1
    assert found[0].line == 3
    assert found[0].message == ("is not valid UTF-8 (byte 0xe9); save the file as UTF-8")


def test_missing_columns_are_named(tmp_path):
    found = problems(tmp_path, "vraag,antwoord\nretour,retourneren/termijn\n")
    assert len(found) == 1 and found[0].line == 1
    assert found[0].message == ("expected the columns question, expected but found 'vraag', "
                                "'antwoord' (missing: question, expected)")
    found = problems(tmp_path, "question,slug\nretour,retourneren/termijn\n")
    assert found[0].message.endswith("(missing: expected)")


@pytest.mark.parametrize("content", ["", "\n\n", " , \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(tmp_path, content):
    found = problems(tmp_path, content)
    assert len(found) == 1 and found[0].line == 1
    assert found[0].message.startswith("is empty; expected a header line 'question,expected'")


@pytest.mark.parametrize("content", ["question,expected\n", "question,expected\n\n , \n"])
def test_a_header_without_questions_is_refused(tmp_path, content):
    found = problems(tmp_path, content)
    assert [(p.line, p.message) for p in found] == [(1, "has a header but no questions")]


def test_an_empty_question_is_refused(tmp_path):
    found = problems(tmp_path, "question,expected\n  ,retourneren/termijn\n")
    assert [(p.line, p.field, p.message) for p in found] == [
        (2, "question", "the question is empty")]


def test_an_empty_expected_answer_is_refused(tmp_path):
    found = problems(tmp_path, "question,expected\nretour, | \n")
    assert [(p.line, p.field) for p in found] == [(2, "expected")]
    assert found[0].message == ("expected a slug such as 'retourneren/termijn', or '-' when "
                                "nothing answers the question, but found nothing")


def test_a_dash_marks_a_question_nothing_answers(tmp_path):
    cases = read(tmp_path, "question,expected\nhebben jullie vacatures, - \n"
                                 "retour,retourneren/termijn\n")
    assert [(c.line, c.question, c.expected, c.answerable) for c in cases] == [
        (2, "hebben jullie vacatures", [], False),
        (3, "retour", ["retourneren/termijn"], True)]


def test_an_unknown_slug_gets_a_did_you_mean(tmp_path):
    found = problems(tmp_path, "question,expected\nretour,retourneren/termjin\n")
    assert [(p.line, p.field, p.message) for p in found] == [
        (2, "expected", "no article has the slug 'retourneren/termjin' "
                        "(did you mean 'retourneren/termijn'?)")]
    found = problems(tmp_path, "question,expected\nretour,iets/heel/anders\n")
    assert found[0].message == "no article has the slug 'iets/heel/anders'"


def test_an_article_that_is_not_live_is_refused(tmp_path):
    found = problems(tmp_path, "question,expected\nkerstpakket,acties/kerst\n")
    assert [(p.line, p.field) for p in found] == [(2, "expected")]
    assert found[0].message.startswith("'acties/kerst' is not published on the evaluation day "
                                       "(draft, scheduled or expired)")


def test_a_row_with_too_few_columns_is_refused(tmp_path):
    found = problems(tmp_path, "question,expected\nalleen een vraag\n")
    assert [(p.line, p.message) for p in found] == [(2, "expected 2 columns but found 1")]
    found = problems(tmp_path, "expected,notes,question\nretourneren/termijn,x\n")
    assert found[0].message == "expected 3 columns but found 2"


def test_every_problem_is_reported_at_once(tmp_path):
    found = problems(tmp_path, "question,expected\n"
                               "goed,retourneren/termijn\n"
                               ",retourneren/termijn\n"
                               "fout,retourneren/termjin\n"
                               "kort\n"
                               "concept,acties/kerst|onbekend\n")
    assert [p.line for p in found] == [3, 4, 5, 6, 6]


def test_a_file_that_cannot_be_read(tmp_path):
    with pytest.raises(EvalError) as info:
        read_cases(str(tmp_path / "missing.csv"), "missing.csv", SLUGS, live)
    assert info.value.problems[0].path == "missing.csv"
    assert info.value.problems[0].message.startswith("cannot be read: ")


# --- Scoring ----------------------------------------------------------------------

RANKINGS = {
    "eerste": ["a", "b", "c"],
    "tweede": ["a", "b", "c"],
    "derde": ["a", "b", "c", "d"],
    "tiende": ["a", "b", "c", "x1", "x2", "x3", "x4", "x5", "x6", "d"],
    "ontbreekt": ["a", "b"],
    "een van twee": ["b", "a"],
    "elfde": ["a", "b", "c", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "f"],
    "niets": [],
}
CASES = [
    Case(2, "eerste", ["a"]),
    Case(3, "tweede", ["b"]),
    Case(4, "derde", ["c"]),
    Case(5, "tiende", ["d"]),
    Case(6, "ontbreekt", ["e"]),
    Case(7, "een van twee", ["z", "b"]),
    Case(8, "elfde", ["f"]),
    Case(9, "niets", ["g"]),
]


def rank(question: str) -> list[tuple[str, str]]:
    return [(slug, f"Titel {slug}") for slug in RANKINGS.get(question, ["x"])]


def evaluate_all_shown(cases: list[Case]):
    """Scored as if kb never declined: shoppers are shown the ranking."""
    return evaluate(cases, rank, rank)


def test_evaluate_computes_hit_at_1_hit_at_3_and_mrr():
    report = evaluate_all_shown(CASES)
    assert report.n == 8
    assert report.hit_at_1 == pytest.approx(2 / 8)  # eerste, een van twee
    assert report.hit_at_3 == pytest.approx(4 / 8)  # + tweede, derde
    # 1 + 1/2 + 1/3 + 1/10 (tiende) + 1 (een van twee); nothing beyond rank 10.
    assert report.mrr == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 10 + 1) / 8)
    assert DEPTH == 10


def test_without_a_decline_printed_at_k_equals_hit_at_k():
    report = evaluate_all_shown(CASES)
    assert (report.printed_at_1, report.printed_at_3) == (report.hit_at_1, report.hit_at_3)
    # Only "niets" shows nothing: its ranking is empty.
    assert report.unanswered == pytest.approx(1 / 8)
    assert report.wrong_first == pytest.approx(5 / 8)


def shown_unless_declined(question: str) -> list[tuple[str, str]]:
    """What shoppers see when kb declines 'eerste' and 'derde' (their best answer
    covers too little of the question)."""
    return [] if question in ("eerste", "derde") else rank(question)


def test_a_declined_question_is_a_miss_in_printed_but_not_in_the_ranking():
    report = evaluate(CASES, rank, shown_unless_declined)
    assert report.hit_at_1 == pytest.approx(2 / 8)  # eerste still counts
    assert report.hit_at_3 == pytest.approx(4 / 8)  # derde too
    assert report.printed_at_1 == pytest.approx(1 / 8)  # only een van twee
    assert report.printed_at_3 == pytest.approx(2 / 8)  # + tweede
    assert report.unanswered == pytest.approx(3 / 8)  # eerste, derde, niets
    assert report.printed_at_1 + report.wrong_first + report.unanswered == pytest.approx(1)
    declined = [(m.question, m.rank, m.declined) for m in report.misses if m.declined]
    assert declined == [("eerste", 1, True), ("derde", 3, True), ("niets", None, True)]


def test_evaluate_lists_every_miss_with_what_came_first():
    report = evaluate_all_shown(CASES)
    misses = [(m.line, m.question, m.expected, m.first, m.first_title, m.rank)
              for m in report.misses]
    assert misses == [
        (3, "tweede", ["b"], "a", "Titel a", 2),
        (4, "derde", ["c"], "a", "Titel a", 3),
        (5, "tiende", ["d"], "a", "Titel a", 10),
        (6, "ontbreekt", ["e"], "a", "Titel a", None),
        (8, "elfde", ["f"], "a", "Titel a", None),
        (9, "niets", ["g"], None, None, None),
    ]


def test_evaluate_with_a_perfect_ranking():
    report = evaluate_all_shown(CASES[:1] + CASES[5:6])
    assert (report.n, report.hit_at_1, report.hit_at_3, report.mrr) == (2, 1.0, 1.0, 1.0)
    assert (report.printed_at_1, report.printed_at_3) == (1.0, 1.0)
    assert report.misses == []


def test_evaluate_without_cases():
    report = evaluate_all_shown([])
    assert (report.n, report.printed_at_1, report.hit_at_1, report.hit_at_3, report.mrr,
            report.misses) == (0, 0.0, 0.0, 0.0, 0.0, [])


def test_format_text_lists_misses_then_leads_the_figures_with_printed_at_1_and_3():
    text = format_text(evaluate(CASES, rank, shown_unless_declined), "vragen.csv")
    lines = text.splitlines()
    assert lines[0] == "Misses (7): expected answer not shown first"
    assert "  vragen.csv:3: 'tweede'" in lines
    assert "      expected b (rank 2); first: a (Titel a)" in lines
    assert "      expected a (rank 1); first: a (Titel a); declined: nothing shown" in lines
    assert "      expected f (not in the first 10); first: a (Titel a)" in lines
    assert "      expected g (not in the first 10); first: nothing; declined: nothing shown" \
        in lines
    assert lines[-3:] == ["8 questions: printed@1 0.125, printed@3 0.250",
                          "  ranking: hit@1 0.250, hit@3 0.500, MRR 0.367",
                          "  declined 0.375, wrong answer first 0.500"]


def test_format_text_without_misses_is_the_figures_only():
    text = format_text(evaluate_all_shown(CASES[:1] + CASES[5:6]), "vragen.csv")
    assert text.splitlines() == ["2 questions: printed@1 1.000, printed@3 1.000",
                                 "  ranking: hit@1 1.000, hit@3 1.000, MRR 1.000",
                                 "  declined 0.000, wrong answer first 0.000"]


def test_format_json_leads_with_printed_at_1_and_3():
    data = json.loads(format_json(evaluate(CASES, rank, shown_unless_declined)))
    assert list(data) == ["n", "printed_at_1", "printed_at_3", "hit_at_1", "hit_at_3", "mrr",
                          "unanswered", "wrong_first", "misses"]
    assert (data["n"], data["printed_at_1"], data["printed_at_3"]) == (8, 0.125, 0.25)
    assert (data["hit_at_1"], data["hit_at_3"], data["mrr"]) == (0.25, 0.5, 0.3667)
    assert (data["unanswered"], data["wrong_first"]) == (0.375, 0.5)
    assert data["misses"][0] == {"line": 2, "question": "eerste", "expected": ["a"],
                                 "first": "a", "first_title": "Titel a", "rank": 1,
                                 "declined": True}
    assert data["misses"][-1]["first"] is None and data["misses"][-1]["rank"] is None


def offered(question: str) -> list[tuple[str, str]]:
    """What kb shows: the first ranked slug, except for 'niets' and 'nee'."""
    return [] if question in ("niets", "nee") else rank(question)[:1]


UNANSWERABLE = [Case(20, "nee", []), Case(21, "ja toch", [])]


def test_evaluate_counts_declines_and_false_answers_of_questions_nothing_answers():
    report = evaluate(CASES + UNANSWERABLE, rank, offered)
    # The '-' questions are not in the hit figures.
    assert (report.n, report.hit_at_1, report.printed_at_1) == (8, 2 / 8, 2 / 8)
    assert report.no_answer == 2
    assert report.declined == pytest.approx(1 / 2)
    assert [(f.line, f.question, f.offered, f.offered_title) for f in report.false_answers] \
        == [(21, "ja toch", "x", "Titel x")]
    text = format_text(report, "vragen.csv").splitlines()
    assert "False answers (1): nothing answers these, but kb offers an answer" in text
    assert "      offered: x (Titel x)" in text
    assert text[-1] == "2 questions nothing answers: declined 0.500, false answers 0.500"
    data = json.loads(format_json(report))
    assert (data["no_answer"], data["declined"], data["false_answer_rate"]) == (2, 0.5, 0.5)
    assert data["false_answers"] == [{"line": 21, "question": "ja toch", "offered": "x",
                                      "offered_title": "Titel x"}]


def test_only_questions_nothing_answers_print_no_figures_for_answerable_ones():
    text = format_text(evaluate(UNANSWERABLE, rank, offered), "vragen.csv")
    assert "questions: printed@1" not in text
    assert text.splitlines()[-1] == ("2 questions nothing answers: declined 0.500, "
                                     "false answers 0.500")


# --- What shoppers are shown ---------------------------------------------------------

def hit(slug: str, coverage: float) -> SimpleNamespace:
    return SimpleNamespace(slug=slug, coverage=coverage)


def answer(good: bool, *hits: SimpleNamespace) -> SimpleNamespace:
    """An Answer as kb.engine gives it: its hits, and those that answer well enough."""
    return SimpleNamespace(good=good, hits=list(hits),
                           answers=[h for h in hits if h.coverage >= 0.3] if good else [])


def test_printed_shows_the_good_answers_first_then_the_other_hits_as_the_site_does():
    found = answer(True, hit("a", 0.9), hit("b", 0.1), hit("c", 0.5), hit("d", 0.2),
                   hit("e", 0.4), hit("f", 0.8))
    assert [h.slug for h in printed(found)] == ["a", "c", "e", "b", "d"]  # of the first 5
    assert [h.slug for h in printed(found, 2)] == ["a", "b"]


def test_printed_shows_nothing_when_kb_declines():
    assert printed(answer(False, hit("a", 0.2), hit("b", 0.1))) == []


# --- issue 14: Excel's "Unicode text", control characters ---------------------------

@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_an_excel_unicode_text_file_in_utf16_separated_by_tabs_is_read(tmp_path, codec):
    content = "question\texpected\r\nhoeveel cafeïne, echt?\tretourneren/termijn\r\n"
    assert read(tmp_path, content.encode(codec)) == [
        Case(2, "hoeveel cafeïne, echt?", ["retourneren/termijn"])]


def test_a_semicolon_separated_file_is_read(tmp_path):
    content = "question;expected\nretour, hoe?;retourneren/termijn\n"
    assert read(tmp_path, content) == [Case(2, "retour, hoe?", ["retourneren/termijn"])]


def test_a_file_marked_as_utf16_that_is_not_names_the_encoding(tmp_path):
    found = problems(tmp_path, "question,expected\n".encode("utf-16") + b"\x00")
    assert [(p.line, p.message) for p in found] == [
        (2, "is marked as UTF-16 but is not valid UTF-16 (at byte 38); save it as CSV UTF-8")]


def test_a_control_character_in_a_question_or_slug_is_refused_with_its_column(tmp_path):
    content = ("question,expected\nretour\x1b[2J?,retourneren/termijn\n"
               "bezorging,bezorging/lever\x07tijd\n")
    found = problems(tmp_path, content)
    assert [(p.line, p.field, p.message) for p in found] == [
        (2, "question", "expected a text without control characters but found U+001B at "
                        "position 7"),
        (3, "expected", "expected a text without control characters but found U+0007 at "
                        "position 16")]


def test_kb_eval_reads_an_excel_unicode_text_file(project):
    from click.testing import CliRunner

    from kb.cli import cli
    from tests.conftest import SHOP_ARTICLES
    project.config()
    for src_uri, text in SHOP_ARTICLES.items():
        project.write(src_uri, text)
    (project.root / "vragen.csv").write_bytes(
        "question\texpected\r\nhoe kan ik mijn bestelling retourneren\tretourneren/termijn\r\n"
        .encode("utf-16"))
    result = CliRunner().invoke(cli, ["eval", "vragen.csv"])
    assert result.exit_code == 0, result.output
    assert "1 question: printed@1 1.000, printed@3 1.000\n" in result.output
