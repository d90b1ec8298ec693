"""The gap report as people and machines read it: kb.gapreport."""

from __future__ import annotations

import json

from kb.gapreport import AreaGaps, Cluster, GapReport, TopArticle, format_json, format_text

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x00\x9b31m\u202e"


def subscription(size: int = 5, *examples: str, policy: str | None = None) -> Cluster:
    shown = list(examples) or ["abonnement", "koffie abonnement"]
    return Cluster(size, len(shown), shown[0], "Hebben jullie een koffieabonnement?", shown,
                   ["abonnement", "koffie"], policy, "order" if policy else None)


def jobs() -> Cluster:
    return Cluster(3, 2, "vacatures", "Hebben jullie vacatures?", ["vacatures", "vacature"],
                   ["vacatures"], None, None)


def test_text_report_states_the_answered_share_as_a_percentage():
    report = GapReport(rows=20, questions=20, distinct=10, answered=15,
                       clusters=[subscription()])
    lines = format_text(report, "vragen.csv", top=1).splitlines()
    assert lines[0] == "vragen.csv: 20 rows, 20 questions (10 distinct)"
    assert "Answered: 75.0% (15 of 20 questions)" in lines
    assert "Unanswered: 5 questions in 1 cluster" in lines
    assert "  1. 5 × 'abonnement'  [? / ?]" in lines
    assert "         - 'koffie abonnement'" in lines
    assert "         keywords: abonnement, koffie" in lines


def test_text_report_counts_rows_without_a_question_as_skipped():
    text = format_text(GapReport(rows=3, questions=1, distinct=1, answered=1), "vragen.csv")
    assert text.splitlines()[:2] == [
        "vragen.csv: 3 rows, 1 question (1 distinct)",
        "Skipped: 2 rows without a question (empty, only a greeting or an order number)."]


def test_text_report_shows_the_top_clusters_the_areas_and_the_most_used_answers():
    report = GapReport(rows=1_200, questions=1_200, distinct=40, answered=1_192,
                       clusters=[subscription(5, policy="shipping"), jobs()],
                       areas=[AreaGaps("shipping", "Verzending", 1_192, 5, 1),
                              AreaGaps(None, "no article comes close", 0, 3, 1)],
                       top_articles=[TopArticle("retour/termijn", "Hoe lang?", 1_192)])
    lines = format_text(report, "vragen.csv", top=1).splitlines()
    assert lines[0] == "vragen.csv: 1,200 rows, 1,200 questions (40 distinct)"
    assert "Largest gaps (1 of 2):" in lines
    assert "  1. 5 × 'abonnement'  [shipping / order]" in lines
    assert not any("vacatures" in line for line in lines)
    assert "  shipping      5 of 1,197 unanswered (0%) in 1 cluster  Verzending" in lines
    assert "  -             3 of     3 unanswered (100%) in 1 cluster  no article comes close" \
        in lines
    assert lines[-2:] == ["Most used answers:", "  1,192  retour/termijn  Hoe lang?"]


def test_json_report_is_one_object():
    report = GapReport(rows=13, questions=13, distinct=9, answered=5,
                       clusters=[subscription(), jobs()])
    data = json.loads(format_json(report, top=1))
    assert data["answered_share"] == round(5 / 13, 4)
    assert (data["unanswered"], data["skipped"]) == (8, 0)
    assert len(data["clusters"]) == 1 and data["cluster_count"] == 2
    assert set(data["clusters"][0]) == {"size", "distinct", "representative", "title",
                                        "examples", "keywords", "policy", "stage"}


def test_text_report_shows_control_characters_of_the_csv_as_visible_escapes():
    question = f"abonnement {ESCAPES} opzeggen"
    report = GapReport(rows=7, questions=7, distinct=6, clusters=[subscription(7, question)])
    text = format_text(report, "vragen\x1b[31m.csv")
    assert text.replace("\n", "").isprintable()
    assert text.splitlines()[0].startswith("vragen\\x1b[31m.csv: ")
    assert "\\x1b[2J\\x1b]0;pwned\\x07\\x00\\x9b31m\\u202e" in text


def test_json_report_escapes_every_control_character_and_reads_back_the_same():
    question = f"abonnement {ESCAPES} opzeggen"
    report = GapReport(rows=7, questions=7, distinct=6, clusters=[subscription(7, question)])
    text = format_json(report)
    assert text.replace("\n", "").isprintable()
    assert "\\u009b31m\\u202e" in text
    assert question in json.loads(text)["clusters"][0]["examples"]
