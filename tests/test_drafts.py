"""Draft articles for the largest gaps: kb.drafts."""

from __future__ import annotations

from datetime import date

import pytest

from kb.drafts import write_drafts
from kb.gapreport import Cluster, GapReport
from kb.settings import parse_settings

DAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def settings():
    found, problems = parse_settings({"language": "nl"}, "mkdocs.yml")
    assert not problems
    return found


def gap(size: int, title: str, policy: str | None = "payment", stage: str | None = "order"
        ) -> Cluster:
    return Cluster(size, size, title.lower(), title, [title.lower()], ["sparen", "punten"],
                   policy, stage)


def test_a_draft_for_each_large_cluster_in_order_of_size(tmp_path, settings):
    report = GapReport(clusters=[gap(9, "Kan ik punten sparen?"), gap(4, "Vacatures?"),
                                 gap(1, "Verkopen jullie capsules?")])
    done = write_drafts(report, str(tmp_path), settings, DAY, min_size=2)
    assert [d.path for d in done] == [str(tmp_path / "kan-ik-punten-sparen.md"),
                                      str(tmp_path / "vacatures.md")]
    text = (tmp_path / "kan-ik-punten-sparen.md").read_text(encoding="utf-8")
    assert "draft: true" in text and "policy: payment" in text
    assert "keywords: [sparen, punten]" in text


def test_at_most_limit_drafts_are_written(tmp_path, settings):
    report = GapReport(clusters=[gap(5, f"Vraag {n}?") for n in range(5)])
    assert len(write_drafts(report, str(tmp_path), settings, DAY, limit=2)) == 2
    assert len(list(tmp_path.iterdir())) == 2


def test_a_guessed_area_the_taxonomy_lacks_falls_back_to_its_first_policy_and_stage(
        tmp_path, settings):
    report = GapReport(clusters=[gap(3, "Vacatures?", None, None)])
    [done] = write_drafts(report, str(tmp_path), settings, DAY)
    text = (tmp_path / "vacatures.md").read_text(encoding="utf-8")
    assert done.path and "policy: product" in text and "stages: [research]" in text


def test_a_question_the_help_centre_asks_already_gets_no_draft(tmp_path, settings):
    report = GapReport(clusters=[gap(3, "Hebben jullie vacatures?")])
    [done] = write_drafts(report, str(tmp_path), settings, DAY,
                          existing_titles=["Hebben jullie  vacatures"])
    assert done.path is None
    assert done.note == "an article asks 'Hebben jullie vacatures?' already"
    assert not list(tmp_path.iterdir())


def test_a_file_with_the_drafts_name_is_never_overwritten(tmp_path, settings):
    (tmp_path / "vacatures.md").write_text("van de redactie\n", encoding="utf-8")
    report = GapReport(clusters=[gap(3, "Vacatures?"), gap(2, "Vacatures!?")])
    done = write_drafts(report, str(tmp_path), settings, DAY)
    assert [(d.path, d.note) for d in done] == [(None, "vacatures.md exists already")] * 2
    assert (tmp_path / "vacatures.md").read_text(encoding="utf-8") == "van de redactie\n"
