"""The `kb` command line, run with click's CliRunner inside a project folder."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from kb.cli import cli
from kb.frontmatter import FIELDS
from tests.conftest import SHOP_ARTICLES, article

QUESTION = "Wanneer komt mijn pakket?"
NEW_FILE = "wanneer-komt-mijn-pakket.md"


def kb(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_usage_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


pytestmark = pytest.mark.usefixtures("restore_mkdocs_state")


@pytest.fixture
def good(project):
    project.config()
    project.one_per_area()
    return project


# --- kb check -----------------------------------------------------------------------


def test_check_on_good_content_exits_0(good):
    result = kb("check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # No problems: the coverage report, then the summary.
    assert lines[0].startswith("Coverage on 2026-11-22")
    assert lines[-1] == "6 articles checked: 0 errors, 0 warnings."


def test_check_on_bad_content_exits_1_and_lists_every_problem(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/leeg.md", "")
    good.write("extra/datum.md", article(title="Datum?").replace("2026-10-01", "1-10-2026"))
    result = kb("check")
    assert result.exit_code == 1
    out = result.output
    assert ("docs/extra/kapot.md:4: error: policy: expected one of product, order-status, "
            "payment, shipping, returns, privacy but found 'retour' (did you mean 'returns'?)"
            ) in out
    assert "docs/extra/leeg.md" in out and "the file is empty" in out
    assert ("docs/extra/datum.md:6: error: reviewed: expected a date as YYYY-MM-DD but found "
            "'1-10-2026'") in out
    assert "9 articles checked: 3 errors, 0 warnings." in out
    assert "Traceback" not in out


def test_check_with_only_warnings_exits_0(good):
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert "warning: sumary:" in result.output
    assert "0 errors, 1 warning." in result.output


def test_check_strict_fails_on_warnings(good):
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--strict")
    assert result.exit_code == 1
    assert "warning: sumary:" in result.output


def test_check_strict_passes_without_warnings(good):
    result = kb("check", "--strict")
    assert result.exit_code == 0, result.output
    # Every article was checked, and the report is the one without --strict.
    assert result.output.splitlines()[-1] == "6 articles checked: 0 errors, 0 warnings."
    assert result.output == kb("check").output


def test_check_format_json(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["articles"] == 8
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert data["problems"] == [
        {"path": "docs/extra/kapot.md", "line": 4, "field": "policy", "severity": "error",
         "message": "expected one of product, order-status, payment, shipping, returns, privacy "
                    "but found 'retour' (did you mean 'returns'?)"},
        {"path": "docs/extra/vraag.md", "line": 7, "field": "sumary", "severity": "warning",
         "message": data["problems"][1]["message"]},
    ]
    assert "did you mean 'summary'?" in data["problems"][1]["message"]


def test_check_format_json_on_good_content(good):
    result = kb("check", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data.pop("coverage")["published"] == 6
    assert data == {"ok": True, "articles": 6, "errors": 0, "warnings": 0, "problems": []}


def test_check_format_github(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    good.write("extra/vraag.md", article(title="Extra?", sumary="x"))
    result = kb("check", "--format", "github")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    # The coverage report comes as a collapsible group of the job's log.
    group = out.index("::group::Coverage and schedule")
    assert "::endgroup::" in out[group:]
    lines = out[:group]
    assert len(lines) == 2
    assert out[-1] == "8 articles checked: 1 error, 1 warning."
    for line in lines:
        assert line.startswith(("::error ", "::warning ")), line
        assert "file=" in line and "line=" in line
    assert lines[0] == ("::error file=docs/extra/kapot.md,line=4,title=policy::expected one of "
                        "product, order-status, payment, shipping, returns, privacy but found "
                        "'retour' (did you mean 'returns'?)")
    assert lines[1].startswith("::warning file=docs/extra/vraag.md,line=7,title=sumary::")


def test_check_unknown_format_is_a_usage_error(good):
    assert_usage_error(kb("check", "--format", "xml"), "'xml'")


def test_check_today_option_decides_what_is_overdue(good):
    assert kb("check", "--strict").exit_code == 0
    result = kb("check", "--strict", "--today", "2027-06-01")
    assert result.exit_code == 1
    assert "review overdue" in result.output


def test_check_bad_today_is_a_usage_error(good):
    assert_usage_error(kb("check", "--today", "2026-13-01"), "'--today'")


def test_check_reports_problems_in_the_kb_config(project):
    project.config({"review_every": 0, "review_polcy": "fail"})
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert ("mkdocs.yml: error: plugins.kb.review_every: expected a whole number of days "
            "from 1 to 3650 (10 years) but found 0") in result.output
    assert "plugins.kb.review_polcy" in result.output
    assert "did you mean 'review_policy'?" in result.output


@pytest.mark.parametrize("args", [("check",), ("build",),
                                  ("new", QUESTION, "--policy", "shipping", "--stage", "delivery")])
def test_no_mkdocs_yml_is_a_usage_error(project, args):
    result = kb(*args)
    assert_usage_error(result, "No mkdocs.yml in this folder")
    assert not (project.root / "site").exists()
    assert list(project.docs.iterdir()) == []


def test_config_option_pointing_to_a_missing_file_is_a_usage_error(good):
    result = kb("check", "--config", "nope.yml")
    assert_usage_error(result, "nope.yml: no such file")
    assert "'--config'" in result.output


def test_config_option_finds_the_project_from_another_folder(good, monkeypatch):
    elsewhere = good.root / "elders"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = kb("check", "--config", "../mkdocs.yml")
    assert result.exit_code == 0, result.output
    assert "6 articles checked" in result.output


def test_missing_kb_plugin_exits_1_with_a_message(project):
    project.config(plugins=["search"])
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert "the kb plugin is not enabled" in result.output
    assert "mkdocs.yml" in result.output
    assert "Traceback" not in result.output


def test_invalid_plugin_option_exits_1_naming_the_option(project):
    project.config({"top_questions": "many"})
    project.one_per_area()
    result = kb("check")
    assert result.exit_code == 1
    assert "plugins.kb.top_questions" in result.output


def test_malformed_mkdocs_yml_exits_1_with_its_line(project):
    project.one_per_area()
    (project.root / "mkdocs.yml").write_text("site_name: x\nplugins: [kb\n", encoding="utf-8")
    result = kb("check")
    assert result.exit_code == 1
    assert "mkdocs.yml" in result.output and "not valid YAML" in result.output
    assert "Traceback" not in result.output


# --- kb new -------------------------------------------------------------------------


def test_new_goes_where_the_policy_areas_articles_live(project):
    project.config()
    project.write("verzending/levertijd.md", article(policy="shipping", stage="delivery"))
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 0, result.output
    path = project.docs / "verzending" / NEW_FILE
    assert path.is_file()
    assert f"docs/verzending/{NEW_FILE}" in result.output
    assert not (project.docs / "shipping").exists()


def test_new_goes_to_the_policy_id_folder_when_the_area_is_empty(project):
    project.config()
    project.write("retour/termijn.md", article())
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 0, result.output
    assert (project.docs / "shipping" / NEW_FILE).is_file()


def test_new_writes_every_front_matter_key(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    data = front_matter(project.docs / "shipping" / NEW_FILE)
    assert [key for key in FIELDS if key not in data] == []


def test_new_writes_front_matter_reviewed_today(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    data = front_matter(project.docs / "shipping" / NEW_FILE)
    assert data["title"] == QUESTION
    assert data["policy"] == "shipping"
    assert data["stages"] == ["delivery"]
    assert data["reviewed"] == date(2026, 11, 22)
    assert data["review_every"] == 180
    assert data["owner"] == "unassigned"
    assert data["draft"] is True


def test_new_takes_contexts_summary_and_config_defaults(project):
    project.config({"review_every": 60, "owner": "team-logistiek"})
    project.one_per_area()
    result = kb("new", "Kan ik: met spoed?", "-p", "shipping", "-s", "order", "-s", "delivery",
                "-c", "cart", "--summary", "Ja, voor 22:00 besteld.", "--publish")
    assert result.exit_code == 0, result.output
    data = front_matter(project.docs / "shipping" / "kan-ik-met-spoed.md")
    assert data["title"] == "Kan ik: met spoed?"
    assert data["stages"] == ["order", "delivery"]
    assert data["contexts"] == ["cart"]
    assert data["summary"] == "Ja, voor 22:00 besteld."
    assert data["review_every"] == 60
    assert data["owner"] == "team-logistiek"
    assert data["draft"] is False
    check = kb("check")
    assert "kan-ik-met-spoed" not in check.output
    assert "0 errors" in check.output


def test_new_article_passes_check_once_a_summary_is_filled_in(good):
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    path = good.docs / "shipping" / NEW_FILE
    text = path.read_text(encoding="utf-8")
    assert 'summary: ""' in text
    path.write_text(text.replace('summary: ""', "summary: Binnen twee werkdagen."),
                    encoding="utf-8")
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert "7 articles checked: 0 errors, 0 warnings." in result.output


def test_new_draft_without_summary_does_not_fail_check(good):
    # `kb new` writes a draft; a draft may go without a summary (a warning, not an error).
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    result = kb("check")
    assert result.exit_code == 0, result.output
    assert f"docs/shipping/{NEW_FILE}" in result.output
    assert "warning: summary:" in result.output


def test_new_refuses_to_overwrite(project):
    project.config()
    assert kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery").exit_code == 0
    path = project.docs / "shipping" / NEW_FILE
    path.write_text("edited by hand\n", encoding="utf-8")
    result = kb("new", QUESTION, "--policy", "shipping", "--stage", "delivery")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "edited by hand\n"


@pytest.mark.parametrize("option, value, fragment", [
    ("--policy", "shiping", "(did you mean 'shipping'?)"),
    ("--stage", "delivry", "(did you mean 'delivery'?)"),
    ("--context", "kart", "(did you mean 'cart'?)"),
])
def test_new_with_an_unknown_id_is_a_usage_error(project, option, value, fragment):
    project.config()
    args = {"--policy": "shipping", "--stage": "delivery"}
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    result = kb("new", QUESTION, *flat)
    assert_usage_error(result, fragment)
    assert f"'{option}'" in result.output
    assert "expected one of" in result.output
    assert list(project.docs.iterdir()) == []


def test_new_without_policy_is_a_usage_error(project):
    project.config()
    assert_usage_error(kb("new", QUESTION, "--stage", "delivery"), "--policy")


# --- kb build -----------------------------------------------------------------------


def test_build_on_bad_content_exits_1_and_writes_nothing(good):
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    before = sorted(os.listdir(good.root))
    result = kb("build")
    assert result.exit_code == 1
    assert "docs/extra/kapot.md:4: error: policy:" in result.output
    assert "Nothing was built" in result.output
    assert not (good.root / "site").exists()
    assert sorted(os.listdir(good.root)) == before


def test_build_writes_the_help_centre(good):
    good.write("extra/concept.md", article(title="Concept?", draft=True))
    result = kb("build")
    assert result.exit_code == 0, result.output
    site = good.root / "site"
    assert (site / "index.html").is_file()
    assert (site / "contact" / "index.html").is_file()
    for policy in ("product", "order-status", "payment", "shipping", "returns", "privacy"):
        assert (site / "topics" / policy / "index.html").is_file(), policy
        page = site / policy / "vraag" / "index.html"
        assert f"Een vraag over {policy}?" in page.read_text(encoding="utf-8")
    for stage in ("research", "discovery", "order", "delivery", "returns"):
        assert (site / "stages" / stage / "index.html").is_file(), stage
    assert not (site / "extra" / "concept").exists()  # drafts are never published
    for name in ("kb-help.js", "kb-help.css", "cart.json", "cart.js", "cart.html",
                 "demo/cart.html"):
        assert (site / "help" / name).is_file(), name
    pages = sum(1 for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    match = re.search(r"Built (\d+) pages", result.output)
    assert match and int(match.group(1)) == pages
    assert sorted(os.listdir(good.root)) == ["docs", "mkdocs.yml", "site"]


def test_failed_rebuild_leaves_the_previous_site_untouched(good):
    assert kb("build").exit_code == 0
    site = good.root / "site"
    before = snapshot(site)
    assert "index.html" in before

    # Broken front matter: stopped by the check.
    page = good.docs / "returns" / "vraag.md"
    page.write_text(article(title="Een vraag over returns?", policy="retour"), encoding="utf-8")
    result = kb("build")
    assert result.exit_code == 1
    assert snapshot(site) == before

    # A link to a missing page: valid front matter, but MkDocs fails in strict mode.
    page.write_text(article(title="Een vraag over returns?", body="Zie [dit](nergens.md)."),
                    encoding="utf-8")
    result = kb("build")
    assert result.exit_code == 1
    assert "nergens.md" in result.output
    assert "previous site was left as it was" in result.output
    assert "Traceback" not in result.output
    assert snapshot(site) == before
    assert sorted(os.listdir(good.root)) == ["docs", "mkdocs.yml", "site"]


def test_build_leaves_no_content_behind_for_a_later_mkdocs_build(good):
    # MkDocs reuses plugin instances within a process; the collection that `kb build`
    # handed to the plugin must not be used by the next, plain MkDocs build.
    assert kb("build").exit_code == 0
    good.write("extra/kapot.md", article(title="Kapot?", policy="retour"))
    with pytest.raises((PluginError, Abort)):
        build(load_config("mkdocs.yml"))


# --- help ---------------------------------------------------------------------------


def test_main_help():
    result = kb("--help")
    assert result.exit_code == 0
    for name in cli.commands:
        assert name in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command):
    result = kb(command, "--help")
    assert result.exit_code == 0, result.output
    assert f"{command} [OPTIONS]" in result.output
    assert "--help" in result.output


def test_version():
    result = kb("--version")
    assert result.exit_code == 0
    assert result.output.startswith("kb, version ")


# --- kb ask -------------------------------------------------------------------------

CONTACT = {"channels": [
    {"type": "email", "address": "help@shop.example", "response_time": "1 workday"},
    {"type": "phone", "number": "020 123 45 67", "hours": {"mon-fri": "09:00-17:00"}},
]}
SITE_URL = "https://help.shop.example/"


@pytest.fixture
def shop(project):
    """A small Dutch help centre with a site_url and two contact channels."""
    project.config({"contact": CONTACT}, site_url=SITE_URL)
    for src_uri, text in SHOP_ARTICLES.items():
        project.write(src_uri, text)
    return project


def bump(path: Path, text: str) -> None:
    """Rewrite an article so that both its size and its modification time change."""
    before = path.stat()
    assert len(text.encode()) != before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))


def test_ask_lists_title_summary_and_url(shop):
    result = kb("ask", "Hoe kan ik mijn bestelling retourneren?")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "1. Hoe kan ik mijn bestelling retourneren?"
    assert lines[1] == "   Je kunt binnen 30 dagen gratis retourneren via je account."
    assert re.fullmatch(r"   https://help\.shop\.example/retourneren/termijn/  \(score \d+\.\d\d\)",
                        lines[2])
    assert "Hier hebben we" not in result.output


def test_ask_with_synonyms_and_typos(shop):
    for question, slug in [("terugsturen", "retourneren/termijn"),
                           ("wanneer komt mijn zending", "bezorging/wanneer"),
                           ("wachtwoort vergeten", "account/wachtwoord")]:
        result = kb("ask", question, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["slug"] == slug, question


def test_ask_urls_without_site_url_and_without_directory_urls(shop):
    shop.config({"contact": CONTACT}, site_url=None)
    result = kb("ask", "wachtwoord vergeten", "--format", "json", "-k", "1")
    assert json.loads(result.stdout)[0]["url"] == "account/wachtwoord/"
    shop.config({"contact": CONTACT}, site_url=SITE_URL, use_directory_urls=False)
    result = kb("ask", "wachtwoord vergeten", "--format", "json", "-k", "1")
    assert json.loads(result.stdout)[0]["url"] == SITE_URL + "account/wachtwoord.html"


def test_ask_format_json(shop):
    result = kb("ask", "Wanneer wordt mijn pakket bezorgd?", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and 1 <= len(data) <= 3
    for item in data:
        assert set(item) == {"slug", "title", "summary", "url", "score"}
        assert isinstance(item["score"], (int, float)) and item["score"] > 0
    assert data[0] == {
        "slug": "bezorging/wanneer", "title": "Wanneer wordt mijn pakket bezorgd?",
        "summary": "We bezorgen binnen twee werkdagen.",
        "url": SITE_URL + "bezorging/wanneer/", "score": data[0]["score"]}


def test_ask_limit(shop):
    question = "mijn pakket en bestelling"
    assert len(json.loads(kb("ask", question, "--format", "json", "-k", "5").stdout)) > 1
    result = kb("ask", question, "--format", "json", "-k", "1")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    text = kb("ask", question, "-k", "1").stdout
    assert text.startswith("1. ") and "\n2. " not in text


@pytest.mark.parametrize("limit", ["0", "51", "x"])
def test_ask_with_a_bad_limit_is_a_usage_error(shop, limit):
    assert_usage_error(kb("ask", "retour", "-k", limit), "--limit")


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_ask_an_empty_question_is_a_usage_error(shop, question):
    assert_usage_error(kb("ask", question), "expected a question but found nothing")
    assert not (shop.root / ".kb-cache").exists()


def test_a_declined_question_shows_the_decline_the_suggestion_and_the_channels_only(shop):
    # The returns article is found (kb eval's ranking has it first) but covers too little
    # of the question: the site shows no article, and neither does kb ask.
    result = kb("ask", "retoerneren xyzzy blubber")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Hier hebben we (nog) geen goed antwoord op.",
        "Bedoelde je: retourneren xyzzy blubber?",
        "Onze klantenservice helpt je graag verder:",
        "  - E-mail · help@shop.example · Reactie meestal binnen 1 werkdag",
        result.stdout.splitlines()[-1]]
    assert result.stdout.splitlines()[-1].startswith("  - Telefoon · 020 123 45 67 · ")
    assert "retourneren/termijn" not in result.stdout
    result = kb("ask", "retoerneren xyzzy blubber", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def made_up_answer(monkeypatch, good: bool, coverages: list[float]) -> None:
    """Every question answered with hits a/0, a/1, ... of these coverages, best score
    first, and the question's decline decision `good`."""
    from kb.engine import Answer, Engine, Hit

    hits = [Hit(f"a/{i}", f"Vraag {i}?", f"Antwoord {i}.", f"a/{i}.md", 10.0 - i, coverage)
            for i, coverage in enumerate(coverages)]

    def ask(self, question, limit=5):
        return Answer(question, hits[:limit], good, None if good else "een suggestie")

    monkeypatch.setattr(Engine, "ask", ask)


def test_ask_shows_the_articles_that_answer_well_first_then_the_others_as_the_site_does(
        shop, monkeypatch):
    # Coverage 0.2 is below kb's good coverage (0.3): such a hit is found, not an answer.
    made_up_answer(monkeypatch, True, [0.9, 0.2, 0.5, 0.1, 0.8])
    result = kb("ask", "een vraag", "--format", "json", "-k", "5")
    assert result.exit_code == 0, result.output
    assert [item["slug"] for item in json.loads(result.stdout)] == [
        "a/0", "a/2", "a/4", "a/1", "a/3"]
    text = kb("ask", "een vraag", "-k", "5").stdout.splitlines()
    assert [line for line in text if re.match(r"\d\. ", line)] == [
        "1. Vraag 0?", "2. Vraag 2?", "3. Vraag 4?", "4. Vraag 1?", "5. Vraag 3?"]
    assert text[2] == f"   {SITE_URL}a/0/  (score 10.00)"
    # Of the first `limit` hits only, as the site asks for `limit`.
    result = kb("ask", "een vraag", "--format", "json", "-k", "2")
    assert [item["slug"] for item in json.loads(result.stdout)] == ["a/0", "a/1"]


def test_ask_shows_no_article_when_kb_declines_however_many_it_found(shop, monkeypatch):
    made_up_answer(monkeypatch, False, [0.25, 0.2])
    result = kb("ask", "een vraag")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Hier hebben we (nog) geen goed antwoord op.", "Bedoelde je: een suggestie?",
        "Onze klantenservice helpt je graag verder:"]
    assert "Vraag" not in result.stdout
    assert json.loads(kb("ask", "een vraag", "--format", "json").stdout) == []


def test_ask_nonsense_gets_no_answer_and_no_suggestion(shop):
    result = kb("ask", "hallo, graag, bedankt")
    assert result.exit_code == 0
    assert result.stdout.startswith("Hier hebben we (nog) geen goed antwoord op.\n")
    assert "Bedoelde je" not in result.stdout
    assert "help@shop.example" in result.stdout


def test_ask_without_contact_channels_lists_none(project):
    project.config()
    project.write("a/vraag.md", article())
    result = kb("ask", "xyzzy")
    assert result.exit_code == 0
    assert result.stdout == "Hier hebben we (nog) geen goed antwoord op.\n"


def test_ask_in_english(project):
    project.config({"language": "en"})
    project.write("a/returns.md", article(title="How do I return my order?",
                                          summary="Within 30 days, free of charge."))
    result = kb("ask", "send my parcel back for a refund xyzzy qwerty plugh")
    assert result.exit_code == 0
    assert "We don't have a good answer to that (yet)." in result.stdout
    result = kb("ask", "returning an order", "--format", "json")
    assert json.loads(result.stdout)[0]["slug"] == "a/returns"


def test_ask_sees_an_edit_at_once(shop):
    result = kb("ask", "guatemala", "--format", "json")
    assert json.loads(result.stdout) == []
    bump(shop.docs / "product/bonen.md", article(
        title="Waar komen jullie bonen vandaan?", policy="product", stage="research",
        summary="Uit Ethiopië, Colombia en sinds kort Guatemala."))
    result = kb("ask", "guatemala", "--format", "json")
    assert [item["slug"] for item in json.loads(result.stdout)] == ["product/bonen"]
    assert json.loads(result.stdout)[0]["summary"].endswith("Guatemala.")
    (shop.docs / "product/bonen.md").unlink()
    assert json.loads(kb("ask", "guatemala", "--format", "json").stdout) == []


def test_ask_sees_a_new_article_and_leaves_out_drafts_scheduled_and_expired_ones(shop):
    kb("ask", "cadeaubon")
    shop.write("acties/concept.md", article(title="Kan ik met een cadeaubon betalen?",
                                            summary="Ja.", draft=True))
    shop.write("acties/kerst.md", article(title="Verkopen jullie een kerstpakket?",
                                          summary="Vanaf december.", publish="2026-12-01"))
    shop.write("acties/zomer.md", article(title="Hebben jullie een zomerkorting?",
                                          summary="Tot september.", expires="2026-09-01"))
    assert json.loads(kb("ask", "cadeaubon", "--format", "json").stdout) == []
    assert json.loads(kb("ask", "kerstpakket", "--format", "json").stdout) == []
    assert json.loads(kb("ask", "zomerkorting", "--format", "json").stdout) == []
    result = kb("ask", "kerstpakket", "--format", "json", "--today", "2026-12-01")
    assert [item["slug"] for item in json.loads(result.stdout)] == ["acties/kerst"]
    result = kb("ask", "zomerkorting", "--format", "json", "--today", "2026-08-31")
    assert [item["slug"] for item in json.loads(result.stdout)] == ["acties/zomer"]


def count_builds(monkeypatch) -> list[int]:
    """A list that gets one item each time kb builds an answer index for kb's commands."""
    from kb import answercache

    builds: list[int] = []
    build = answercache.build_answer_index

    def counting(*args, **kwargs):
        builds.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(answercache, "build_answer_index", counting)
    return builds


def test_a_second_ask_builds_nothing_and_answers_the_same(shop, monkeypatch):
    builds = count_builds(monkeypatch)
    first = kb("ask", "Hoe kan ik mijn bestelling retourneren?", "--format", "json")
    assert first.exit_code == 0, first.output
    assert len(builds) == 1
    for question in ("Hoe kan ik mijn bestelling retourneren?", "wachtwoort vergeten"):
        assert kb("ask", question, "--format", "json").exit_code == 0
    assert len(builds) == 1
    assert kb("ask", "Hoe kan ik mijn bestelling retourneren?", "--format",
              "json").stdout == first.stdout


def test_an_edit_a_new_file_another_day_or_option_builds_again(shop, monkeypatch):
    builds = count_builds(monkeypatch)
    kb("ask", "retourneren")
    bump(shop.docs / "product/bonen.md", article(title="Waar komen jullie bonen vandaan?",
                                                 policy="product", summary="Uit Ethiopië."))
    kb("ask", "retourneren")
    shop.write("extra/nieuw.md", article(title="Een nieuwe vraag?"))
    kb("ask", "retourneren")
    kb("ask", "retourneren", "--today", "2026-11-23")
    shop.config({"contact": CONTACT, "synonyms": [["retour", "terugsturen"]]},
                site_url=SITE_URL)
    kb("ask", "retourneren")
    assert len(builds) == 5
    kb("ask", "retourneren", "--today", "2026-11-23")  # still in the cache
    assert len(builds) == 6  # the options differ from the first run's that day


def test_ask_keeps_its_index_in_the_cache_folder(shop):
    assert kb("ask", "retourneren").exit_code == 0
    [cached] = (shop.root / ".kb-cache" / "answer-index").iterdir()
    assert cached.suffix == ".zip"
    assert kb("ask", "wachtwoord").exit_code == 0
    assert list((shop.root / ".kb-cache" / "answer-index").iterdir()) == [cached]


def test_ask_honours_the_cache_dir_option(shop):
    shop.config({"contact": CONTACT, "cache_dir": "tmp/antwoorden"}, site_url=SITE_URL)
    result = kb("ask", "retourneren")
    assert result.exit_code == 0, result.output
    assert len(list((shop.root / "tmp/antwoorden/answer-index").glob("*.zip"))) == 1
    assert not (shop.root / ".kb-cache").exists()


def test_ask_with_an_unwritable_cache_answers_from_memory(shop):
    (shop.root / "blocked").write_text("a file, not a folder", encoding="utf-8")
    shop.config({"contact": CONTACT, "cache_dir": "blocked"}, site_url=SITE_URL)
    result = kb("ask", "retourneren", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["slug"] == "retourneren/termijn"
    assert result.stderr.startswith("Note: the cache folder cannot be written (")
    assert result.stderr.endswith("); the index was built in memory for this run.\n")


def test_ask_reports_broken_files_and_answers_from_the_rest(shop):
    shop.write("kapot.md", "---\ntitle: Kapot\n---\nGeen policy.\n")
    note = "Note: 1 file(s) with errors left out (docs/kapot.md); run 'kb check'.\n"
    for _ in range(2):  # built, then from the cache
        result = kb("ask", "retourneren", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["slug"] == "retourneren/termijn"
        assert result.stderr == note


def test_ask_a_very_long_question(shop):
    question = ("Hallo, ik wil mijn bestelling 100234 retourneren want de doos is kapot. "
                * 150)[:10_000]
    result = kb("ask", question)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1. Hoe kan ik mijn bestelling retourneren?")
    result = kb("ask", "x" * 10_000)
    assert result.exit_code == 0, result.output
    assert "Hier hebben we (nog) geen goed antwoord op." in result.stdout


@pytest.mark.parametrize("args", [["ask", "retourneren"], ["gaps", "vragen.csv"],
                                  ["eval", "vragen.csv"]])
def test_ask_gaps_and_eval_answer_without_whoosh_s_index(shop, args):
    """They answer from the answer index the site ships (kb.engine), not a Whoosh index."""
    from tests.test_layers import imported_when_running

    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    names, done = imported_when_running(args, shop.root)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "kb.engine" in names
    assert not {"whoosh.index", "whoosh.searching"} & names


def test_ask_without_mkdocs_yml_is_a_usage_error(project):
    assert_usage_error(kb("ask", "retour"), "No mkdocs.yml")


# --- kb eval -------------------------------------------------------------------------

EVAL_CSV = ("question,expected\n"
            "hoe kan ik iets terugsturen,retourneren/termijn\n"
            "wanneer komt mijn pakket,bezorging/wanneer\n"
            "wachtwoort vergeten,account/wachtwoord|betalen/methoden\n"
            "wat betekent verzonden,betalen/methoden\n")


def test_eval_counts_false_answers_to_questions_nothing_answers(shop):
    (shop.root / "vragen.csv").write_text(
        EVAL_CSV + "hebben jullie vacatures in de branderij,-\n"
                   "hoe kan ik mijn bestelling retourneren of ruilen,-\n", encoding="utf-8")
    result = kb("eval", "vragen.csv", "--format", "json")
    data = json.loads(result.stdout)
    assert data["n"] == 4 and data["no_answer"] == 2
    # The second is answered by the returns article: a false answer by the file's word.
    assert [f["offered"] for f in data["false_answers"]] == ["retourneren/termijn"]
    assert data["declined"] == 0.5
    assert kb("eval", "vragen.csv", "--min-declined", "0.5").exit_code == 0
    failed = kb("eval", "vragen.csv", "--min-declined", "0.6")
    assert failed.exit_code == 1
    assert "Answer quality is below the minimum set." in failed.output


def test_eval_text_lists_misses_and_ends_with_the_figures_printed_first(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    result = kb("eval", "vragen.csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Misses (1): expected answer not shown first"
    assert lines[1] == "  vragen.csv:5: 'wat betekent verzonden'"
    assert lines[2].startswith("      expected betalen/methoden (")
    assert "first: bestelling/status (Wat betekent de status van mijn bestelling?)" in lines[2]
    assert re.fullmatch(r"4 questions: printed@1 0\.750, printed@3 (0\.750|1\.000)",
                        lines[-3])
    assert re.fullmatch(r"  ranking: hit@1 0\.750, hit@3 (0\.750|1\.000), MRR 0\.\d{3}",
                        lines[-2])
    assert lines[-1] == "  declined 0.000, wrong answer first 0.250"


def test_eval_format_json(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    result = kb("eval", "vragen.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["n", "printed_at_1", "printed_at_3", "hit_at_1", "hit_at_3", "mrr",
                          "unanswered", "wrong_first", "misses"]
    assert data["n"] == 4
    assert data["hit_at_1"] == data["printed_at_1"] == 0.75
    for key in ("hit_at_1", "hit_at_3", "mrr"):
        assert 0 <= data[key] <= 1
    assert data["hit_at_1"] <= data["hit_at_3"]
    assert [(m["line"], m["expected"], m["first"], m["declined"]) for m in data["misses"]] == [
        (5, ["betalen/methoden"], "bestelling/status", False)]


# The returns article comes first, but covers too little of the question: kb declines.
DECLINED = "retoerneren xyzzy blubber,retourneren/termijn\n"


def test_eval_a_declined_question_is_a_printed_miss_but_a_ranking_hit(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV + DECLINED, encoding="utf-8")
    data = json.loads(kb("eval", "vragen.csv", "--format", "json").stdout)
    assert (data["n"], data["hit_at_1"], data["printed_at_1"]) == (5, 0.8, 0.6)
    assert data["printed_at_3"] < data["hit_at_3"]
    assert data["unanswered"] == 0.2
    assert data["misses"][-1] == {
        "line": 6, "question": "retoerneren xyzzy blubber", "expected": ["retourneren/termijn"],
        "first": "retourneren/termijn", "first_title": "Hoe kan ik mijn bestelling retourneren?",
        "rank": 1, "declined": True}
    text = kb("eval", "vragen.csv").stdout
    assert ("      expected retourneren/termijn (rank 1); first: retourneren/termijn (Hoe kan ik "
            "mijn bestelling retourneren?); declined: nothing shown") in text.splitlines()
    assert "5 questions: printed@1 0.600, printed@3 " in text
    assert "  ranking: hit@1 0.800, hit@3 " in text


def test_eval_refuses_a_file_that_is_not_utf8(shop):
    (shop.root / "vragen.csv").write_bytes("question,expected\ncafé,product/bonen\n"
                                           .encode("cp1252"))
    result = kb("eval", "vragen.csv")
    assert result.exit_code == 1
    assert ("vragen.csv:2: error: is not valid UTF-8 (byte 0xe9); save the file as UTF-8"
            in result.stderr)
    assert "vragen.csv cannot be evaluated; fix the problems above." in result.stderr
    assert "Traceback" not in result.output


def test_eval_refuses_a_file_without_the_columns(shop):
    (shop.root / "vragen.csv").write_text("vraag;antwoord\nretour;retourneren/termijn\n",
                                          encoding="utf-8")
    result = kb("eval", "vragen.csv")
    assert result.exit_code == 1
    # The separator is the header's, as in every CSV kb reads.
    assert ("vragen.csv:1: error: expected the columns question, expected but found "
            "'vraag', 'antwoord' (missing: question, expected)") in result.stderr
    assert "vragen.csv cannot be evaluated" in result.stderr


def test_eval_refuses_unknown_slugs_naming_the_closest(shop):
    (shop.root / "vragen.csv").write_text("question,expected\nretour,retourneren/termjin\n",
                                          encoding="utf-8")
    result = kb("eval", "vragen.csv")
    assert result.exit_code == 1
    assert ("vragen.csv:2: error: expected: no article has the slug 'retourneren/termjin' "
            "(did you mean 'retourneren/termijn'?)") in result.stderr


def test_eval_missing_file_is_a_usage_error(shop):
    assert_usage_error(kb("eval", "bestaat-niet.csv"), "bestaat-niet.csv: no such file")


def test_eval_minimum_quality(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV + DECLINED, encoding="utf-8")
    result = kb("eval", "vragen.csv", "--min-hit-at-1", "1.0")
    assert result.exit_code == 1
    assert "Answer quality is below the minimum set." in result.stderr
    assert "5 questions: printed@1 0.600" in result.stdout  # the report is still printed
    assert kb("eval", "vragen.csv", "--min-hit-at-1", "0.8").exit_code == 0
    assert kb("eval", "vragen.csv", "--min-hit-at-3", "0.7").exit_code == 0
    # The decline passes the ranking's floor but not the same floor on what is shown.
    assert kb("eval", "vragen.csv", "--min-printed-at-1", "0.8").exit_code == 1
    assert kb("eval", "vragen.csv", "--min-printed-at-1", "0.6").exit_code == 0
    assert kb("eval", "vragen.csv", "--min-printed-at-3", "0.6").exit_code == 0
    assert kb("eval", "vragen.csv", "--min-printed-at-3", "1.0").exit_code == 1
    for option in ("--min-hit-at-1", "--min-printed-at-1", "--min-printed-at-3"):
        assert_usage_error(kb("eval", "vragen.csv", option, "75"), option)


def test_eval_on_the_demo_meets_the_quality_bar(tmp_path, monkeypatch):
    """A regression guard on the demo help centre."""
    root = demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = kb("eval", str(root / "benchmarks/eval/demo-nl.csv"), "--format", "json",
                "--today", "2026-11-22", "--min-hit-at-1", "0.75", "--min-hit-at-3", "0.88")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] >= 250
    assert data["hit_at_1"] >= 0.75
    assert data["hit_at_3"] >= 0.88
    assert data["mrr"] >= data["hit_at_1"]
    assert data["printed_at_1"] >= 0.75 and data["printed_at_3"] >= 0.88
    assert len(list((tmp_path / "cache/answer-index").glob("*.zip"))) == 1


def test_eval_site_answers_from_the_built_sites_index_as_kb_ask_does(shop):
    (shop.root / "vragen.csv").write_text(
        EVAL_CSV + "hebben jullie vacatures in de branderij,-\n", encoding="utf-8")
    assert kb("build").exit_code == 0
    result = kb("eval", "vragen.csv", "--site", "site", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(kb("eval", "vragen.csv", "--format",
                                                      "json").stdout)
    failed = kb("eval", "vragen.csv", "--site", "site", "--min-hit-at-1", "1.0")
    assert failed.exit_code == 1
    assert "Answer quality is below the minimum set." in failed.stderr
    assert "4 questions: printed@1 0.750" in failed.stdout
    # The site's day decides what is live; --today may only repeat it.
    assert kb("eval", "vragen.csv", "--site", "site", "--today", "2026-11-22").exit_code == 0


def demo_project(tmp_path: Path) -> Path:
    """The demo help centre (mkdocs.yml and content/ at the root), its cache and site in
    `tmp_path`."""
    root = Path(__file__).resolve().parent.parent
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(root / "content")
    config["theme"]["custom_dir"] = str(root / "theme")
    config["site_dir"] = str(tmp_path / "site")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "kb" in plugin:
            plugin["kb"]["cache_dir"] = str(tmp_path / "cache")
            plugin["kb"]["popularity"] = str(root / "popularity.csv")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                         encoding="utf-8")
    return root


def test_eval_site_and_source_give_the_same_figures_on_the_demo(tmp_path, monkeypatch):
    root = demo_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_TODAY", "2026-11-22")
    built = kb("build")
    assert built.exit_code == 0, built.output
    for name in ("demo-nl", "demo-nl-unanswerable"):
        questions = str(root / "benchmarks/eval" / f"{name}.csv")
        source = kb("eval", questions, "--format", "json")
        site = kb("eval", questions, "--site", "site", "--format", "json")
        assert source.exit_code == site.exit_code == 0, source.output + site.output
        assert json.loads(site.stdout) == json.loads(source.stdout)


def test_eval_site_without_an_index_says_to_build_the_site_first(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    (shop.root / "leeg").mkdir()
    for folder in ("leeg", "bestaat-niet"):
        result = kb("eval", "vragen.csv", "--site", folder)
        assert result.exit_code == 1
        assert result.stderr == (f"{os.path.join(folder, 'search')}{os.sep} holds no answer "
                                 "index; build the site first with kb build.\n")
        assert "Traceback" not in result.output


def test_eval_site_with_a_damaged_index_is_an_error_not_a_traceback(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    assert kb("build").exit_code == 0
    index = shop.root / "site/search"
    [meta] = index.glob("meta.*")
    for part in index.rglob("*"):
        if part.is_file() and part != meta:
            part.write_text('{"half":', encoding="utf-8")
    result = kb("eval", "vragen.csv", "--site", "site")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{os.path.join('site', 'search')}{os.sep} cannot be read "
                                    "as kb's answer index (")
    assert result.stderr.endswith("); build the site again with kb build.\n")
    assert "Traceback" not in result.output
    meta.write_text(re.sub(r'"format":\s*\d+', '"format":99', meta.read_text("utf-8")),
                    encoding="utf-8")
    result = kb("eval", "vragen.csv", "--site", "site")
    assert result.exit_code == 1
    assert "(ValueError: " in result.stderr and "format" in result.stderr
    assert "Traceback" not in result.output


def test_eval_site_usage_errors(shop):
    (shop.root / "vragen.csv").write_text(EVAL_CSV, encoding="utf-8")
    assert kb("build").exit_code == 0
    assert_usage_error(kb("eval", "vragen.csv", "--site", "site", "--today", "2026-11-23"),
                       "the site in site was built for 2026-11-22")
    assert_usage_error(kb("eval", "vragen.csv", "--site", "vragen.csv"), "is a file")
    assert_usage_error(kb("eval", "vragen.csv", "--site"), "--site")


def test_check_format_github_lets_no_file_name_or_title_start_a_workflow_command(project):
    from tests.test_problems import workflow_commands

    project.config()
    project.one_per_area()
    project.write("a\n::error file=x::Injected annotation.md",
                  article(title="Straks live?", publish="2026-12-01"))
    project.write("b\r::warning file=y::CR injected.md",
                  article(title="Een vraag over product?", policy="product",
                          publish="2026-12-02"))
    result = CliRunner().invoke(cli, ["check", "--format", "github", "--today", "2026-11-22"])
    commands = workflow_commands(result.stdout)
    annotations = [c for c in commands if c.startswith(("::error", "::warning", "::notice"))]
    assert annotations
    assert all(c.split(",")[0].split(" file=")[1].startswith("docs/") for c in annotations)
    assert "::group::Coverage and schedule" in commands and commands[-1] == "::endgroup::"


@pytest.mark.parametrize("command", ["eval", "gaps"])
def test_a_fifo_as_questions_file_is_a_usage_error_naming_it_not_a_hang(shop, command):
    fifo = shop.root / "vragen.csv"
    os.mkfifo(fifo)
    result = kb(command, "vragen.csv")
    assert result.exit_code == 2
    assert "expected a CSV file but found a FIFO (named pipe)" in result.output


def test_gaps_json_escapes_the_c1_and_bidi_characters_of_a_question(shop):
    (shop.root / "vragen.csv").write_text(
        "question\nzxqv \x9b31m plorf \u202e wibbel\nzxqv plorf wibbel\n", encoding="utf-8")
    result = kb("gaps", "vragen.csv", "--format", "json")
    assert result.exit_code == 0
    assert "\x9b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\u009b" in result.stdout and "\\u202e" in result.stdout
    json.loads(result.stdout)


def test_init_offers_exactly_the_languages_there_are_starters_for():
    from kb.scaffold import STARTER_LANGUAGES

    option = next(p for p in cli.commands["init"].params if p.name == "language")
    assert option.type.choices == STARTER_LANGUAGES


# A right-to-left override turns what follows around on a terminal; JSON output
# writes it as an escape, so the text reads back the same but shows nothing reversed.
BIDI_TITLE = "Hoe kan ik mijn \u202ebestelling\u202c retourneren?"


def test_ask_json_escapes_a_bidi_override_in_a_title(shop):
    shop.write("retourneren/termijn.md", article(
        title=BIDI_TITLE, summary="Je kunt binnen 30 dagen gratis retourneren.",
        body="Meld de retour aan in je account."))
    result = kb("ask", "bestelling retourneren", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    assert json.loads(result.stdout)[0]["title"] == BIDI_TITLE


def test_review_json_escapes_a_bidi_override_in_a_title_and_an_owner(good):
    good.write("extra/bidi.md", article(title=BIDI_TITLE, owner="team-\u202eretour",
                                        reviewed="2025-01-01"))
    result = kb("review", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    data = json.loads(result.stdout)
    owners = {group["owner"]: group["articles"] for group in data["owners"]}
    assert [a["title"] for a in owners["team-\u202eretour"]] == [BIDI_TITLE]
