"""The content-health report (`kb report`) in Markdown, HTML and JSON."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from kb.cli import cli
from tests.conftest import article

HOSTILE = "<img src=x onerror=alert(1)> | `x` *y*"


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def setup(project) -> None:
    project.config({"coverage_policy": "warn"})
    for policy, stage in [("product", "discovery"), ("payment", "order"),
                          ("shipping", "delivery"), ("returns", "returns")]:
        project.write(f"{policy}/vraag.md", article(
            title=f"Een vraag over {policy}?", summary="Kort.", policy=policy, stage=stage))
    project.write("returns/oud.md", article(title="Oud antwoord?", owner="team-retour",
                                            covers=["return-period"]))
    project.write("returns/bijna.md", article(title="Bijna aan de beurt?", owner="team-retour",
                                              review_every=70))
    project.write("shipping/kerst.md", article(title=HOSTILE, policy="shipping",
                                               stage="delivery", expires="2026-12-31"))
    project.write("shipping/nieuw.md", article(title="Nieuwe bezorger?", policy="shipping",
                                               stage="delivery", publish="2026-12-05"))
    project.write("payment/concept.md", article(title="Concept?", policy="payment",
                                                stage="order", draft=True))
    (project.docs / "returns" / "oud.md").write_text(
        (project.docs / "returns" / "oud.md").read_text().replace("2026-10-01", "2026-01-01"))


def test_markdown_report_has_every_section(project):
    setup(project)
    result = kb("report", "--within", "40")
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# Content health: Test Shop Help\n")
    assert "| Published articles | 7 (drafts: 1, scheduled: 1) |" in md
    assert "| Reviews | 1 overdue, 1 due within 40 days |" in md
    # The matrix, with the site language's labels.
    assert "| Policy area | Oriënteren | Product kiezen | Bestellen |" in md
    assert re.search(r"\| Retourneren en terugbetalen \| 0 \| 0 \| 0 \| 0 \| 3 \| 3 \|", md)
    assert "- **Bestelling volgen** has no article at all." in md
    assert "- **Privacy en gegevens** has no article at all." in md
    assert "no article covers" in md and "Retourtermijn" not in md.split("## Reviews")[0] \
        .split("Retourneren en terugbetalen: no article covers")[-1].split("\n")[0]
    # Reviews by owner, with how late.
    assert re.search(r"\| team-retour \| Oud antwoord\? \| docs/returns/oud.md \| 2026-01-01 "
                     r"\| \d+ days overdue \|", md)
    assert "| team-retour | Bijna aan de beurt? | docs/returns/bijna.md | 2026-10-01 | " \
           "due in 18 days |" in md
    # The schedule, with the hostile title escaped so it stays text in Markdown.
    assert "| 2026-12-05 | goes live | Nieuwe bezorger? | docs/shipping/nieuw.md |" in md
    assert "\\<img src=x onerror=alert(1)\\> \\| \\`x\\` \\*y\\*" in md
    assert "<img" not in md.replace("\\<img", "")
    assert "## Problems" in md and "`docs:" not in md  # no errors under coverage_policy warn


def test_html_report_is_one_safe_page(project, tmp_path: Path):
    setup(project)
    out = tmp_path / "health.html"
    result = kb("report", "--format", "html", "-o", str(out), "--within", "40")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    html = out.read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt; | `x` *y*" in html
    # Nothing is fetched from anywhere: no script, no link, no src.
    assert not re.search(r"<script|<link|<[a-z]+ [^>]*src=|url\(", html)

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.zero = 0
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            if tag == "td" and "zero" in (dict(attrs).get("class") or ""):
                self.zero += 1

    cells = Cells()
    cells.feed(html)
    # 6 areas x 5 stages = 30 cells, of which the live articles fill 4; then the totals
    # of the two empty areas and of the research stage.
    assert cells.zero == 30 - 4 + 2 + 1
    assert cells.tags.count("table") >= 4


def test_json_report(project):
    setup(project)
    data = json.loads(kb("report", "--format", "json", "--today", "2026-12-06").output)
    assert data["today"] == "2026-12-06"
    assert data["articles"] == {"checked": 9, "published": 8, "drafts": 1, "scheduled": 0}
    assert data["coverage"]["empty_policies"] == ["order-status", "privacy"]
    assert [c["change"] for c in data["coverage"]["schedule"]] == ["expire"]
    owners = {o["owner"]: o for o in data["reviews"]["owners"]}
    assert [a["slug"] for a in owners["team-retour"]["articles"]][0] == "returns/oud"
    assert data["problems"]["errors"] == 0 and data["problems"]["warnings"] >= 2
    assert data["gaps"] is None


def test_report_file_gets_the_usual_permissions_and_no_temporary_file(project, tmp_path: Path):
    setup(project)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "r.md"
    assert kb("report", "-o", str(out)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in out.parent.iterdir()] == ["r.md"]


def test_report_to_a_file_that_cannot_be_written_fails_cleanly(project, tmp_path: Path):
    setup(project)
    result = kb("report", "-o", str(tmp_path / "missing" / "r.md"))
    assert result.exit_code == 1
    assert "cannot be written" in result.output
    assert "Traceback" not in result.output


def test_report_date_and_window_are_options(project):
    setup(project)
    assert kb("report", "--today", "2026-13-01").exit_code == 2
    assert kb("report", "--within", "-1").exit_code == 2
    md = kb("report", "--within", "0", "--today", str(date(2026, 11, 22))).output
    assert "Nothing is scheduled." in md
    assert "| Reviews | 1 overdue, 0 due within 0 days |" in md


def test_report_with_shoppers_questions_shows_the_gaps(project, tmp_path: Path):
    setup(project)
    questions = tmp_path / "vragen.csv"
    questions.write_text(
        "question\n"
        "hoe lang heb ik om iets terug te sturen\n"
        "Hoe lang heb ik om iets terug te sturen?\n"
        "hebben jullie een koffieabonnement?\n"
        "koffieabonnement\n"
        "Kan ik een koffieabonnement afsluiten?\n", encoding="utf-8")
    md = kb("report", "--questions", str(questions)).output
    assert "| Shoppers' questions answered | 40.0% (2 of 5) |" in md
    section = md.split("## Questions the help centre does not answer")[1]
    assert re.search(r"\| 3 \| [^|]*koffieabonnement[^|]*\|", section)
    data = json.loads(kb("report", "-q", str(questions), "--format", "json").output)
    assert (data["gaps"]["answered"], data["gaps"]["questions"]) == (2, 5)
    assert data["gaps"]["clusters"][0]["size"] == 3
    html = kb("report", "-q", str(questions), "--format", "html").output
    assert "<caption>Where the gaps are</caption>" in html


def test_report_with_a_broken_questions_file_writes_nothing(project, tmp_path: Path):
    setup(project)
    questions = tmp_path / "vragen.csv"
    questions.write_text("vraag,datum\nwaar is mijn pakket,2026-11-01\n", encoding="utf-8")
    out = tmp_path / "report.md"
    result = kb("report", "-q", str(questions), "-o", str(out))
    assert result.exit_code == 1
    assert "expected a column 'question'" in result.output
    assert not out.exists()
    assert kb("report", "-q", str(questions), "--column", "vraag",
              "-o", str(out)).exit_code == 0
    assert "## Questions the help centre does not answer" in out.read_text(encoding="utf-8")
