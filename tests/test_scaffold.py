"""`kb init` (the starter project) and the YAML that `kb new` writes."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kb.articles import load_collection, read_article
from kb.cli import cli
from kb.scaffold import (
    STARTER_DIR,
    FolderError,
    NewArticle,
    _scalar,
    article_folder_path,
    render_article,
)
from kb.settings import Settings
from kb.taxonomy import default_taxonomy

TODAY = "2026-11-22"
LANGUAGES = ("nl", "en")
PROJECT_FILES = (
    "mkdocs.yml",
    "README.md",
    "requirements.txt",
    ".gitignore",
    ".github/workflows/help-centre.yml",
)
WORKFLOW = ".github/workflows/help-centre.yml"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def init(target: Path, *args: str) -> Path:
    result = run("init", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Creates a starter project and makes it the working directory; today is fixed."""
    monkeypatch.setenv("KB_TODAY", TODAY)

    def make(language: str) -> Path:
        root = init(tmp_path / f"help-{language}", "--language", language)
        monkeypatch.chdir(root)
        return root

    return make


# --- what `kb init` writes -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_init_creates_the_project_files(tmp_path: Path, language: str) -> None:
    args = () if language == "nl" else ("--language", language)
    result = run("init", str(tmp_path / "x"), *args)
    assert result.exit_code == 0, result.output
    root = tmp_path / "x"
    for name in PROJECT_FILES:
        assert (root / name).is_file(), name
    assert (root / "content").is_dir()
    articles = sorted((root / "content").rglob("*.md"))
    assert len(articles) == 6
    written = tree(root)
    assert f"Created {len(written)} files" in result.output
    # The packaged names without a dot never reach the user.
    assert not (root / "gitignore").exists() and not (root / "github").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_init_fills_in_name_and_language(tmp_path: Path, language: str) -> None:
    root = init(tmp_path / "x", "--language", language)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "X Help"
    assert config["docs_dir"] == "content"
    assert config["theme"]["language"] == language
    assert config["theme"]["font"] is False
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# X Help")
    for path, data in tree(root).items():
        text = data.decode("utf-8")
        assert "$site_name" not in text and "$language" not in text, path


def test_config_enables_kb_with_contact_channels_and_no_search_plugin(tmp_path: Path) -> None:
    root = init(tmp_path / "x")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = config["plugins"]
    # kb's own search answers shoppers; Material's search plugin is not needed.
    assert "search" not in plugins and "material/search" not in plugins
    assert not any(f.startswith("search.") for f in config["theme"]["features"])
    assert not any(p == "blog" or (isinstance(p, dict) and "blog" in p) for p in plugins)
    kb = next(p["kb"] for p in plugins if isinstance(p, dict) and "kb" in p)
    assert kb["review_every"] == 180
    assert kb["review_policy"] == "warn"
    assert kb["owner"]
    types = [channel["type"] for channel in kb["contact"]["channels"]]
    assert types == ["chat", "phone", "email"]
    assert all(channel.get("response_time") for channel in kb["contact"]["channels"])
    assert kb["contact"]["closed"]


def test_gitignore_and_requirements(tmp_path: Path) -> None:
    root = init(tmp_path / "x")
    ignored = (root / ".gitignore").read_text(encoding="utf-8").split()
    for entry in ("site/", ".kb-cache/", "__pycache__/", ".venv/"):
        assert entry in ignored
    lines = [line.strip() for line in (root / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == ["kb-helpcentre"]


def test_workflow_checks_builds_and_deploys(tmp_path: Path) -> None:
    root = init(tmp_path / "x")
    text = (root / WORKFLOW).read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert {"push", "pull_request", "workflow_dispatch", "schedule"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["schedule"][0]["cron"]
    build_runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "kb check --format github" in build_runs
    assert "kb build" in build_runs
    report = "kb report --format html --output content-health.html"
    assert report in build_runs
    steps = workflow["jobs"]["build"]["steps"]
    artifact = next(s for s in steps if s.get("uses") == "actions/upload-artifact@v4")
    assert artifact["with"]["path"] == "content-health.html"
    uses = " ".join(step.get("uses", "") for job in workflow["jobs"].values()
                    for step in job["steps"])
    for action in ("actions/checkout@v4", "actions/setup-python@v5",
                   "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"):
        assert action in uses
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert "pull_request" in deploy["if"]
    # GitHub's own ${{ }} expressions survive the template substitution.
    assert "${{ steps.deployment.outputs.page_url }}" in text


# --- the starter content is valid and builds -------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_check_passes_in_a_new_project(in_project, language: str) -> None:
    in_project(language)
    result = run("check")
    assert result.exit_code == 0, result.output
    # The only warning: the public address is not known yet (the starter's
    # mkdocs.yml says to set site_url once it is).
    assert "6 articles checked: 0 errors, 1 warning." in result.output
    assert "mkdocs.yml: warning: site_url: not set" in result.output


@pytest.mark.parametrize("language", LANGUAGES)
def test_build_in_a_new_project(in_project, language: str) -> None:
    root = in_project(language)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (root / "site" / "index.html").is_file()
    article = "returns/retourtermijn" if language == "nl" else "returns/return-period"
    page = root / "site" / article / "index.html"
    assert page.is_file()
    assert "<h1" in page.read_text(encoding="utf-8")
    # The help blocks come from the installed package, not from this repository.
    for name in ("kb-help.js", "kb-help.css", "cart.json", "cart.html", "demo/cart.html"):
        assert (root / "site" / "help" / name).is_file(), name
    assert not list((root / "site").rglob("*fonts.googleapis*"))
    for html in (root / "site").rglob("*.html"):
        assert "fonts.googleapis.com" not in html.read_text(encoding="utf-8"), html


@pytest.mark.parametrize("language", LANGUAGES)
def test_starter_articles_cover_every_area(language: str) -> None:
    docs = STARTER_DIR / language / "content"
    collection = load_collection(str(docs), Settings(language=language), date(2026, 11, 22))
    assert collection.problems == []
    articles = collection.articles
    assert sorted(a.policy for a in articles) == sorted(default_taxonomy().policies)
    by_slug = collection.by_slug()
    for article in articles:
        assert article.slug.split("/")[0] == article.policy
        assert article.reviewed == date(2026, 11, 1)
        assert article.covers and article.contexts and article.keywords and article.related
        assert all(slug in by_slug for slug in article.related)
        assert article.is_live(date(2026, 11, 22))
        assert "$" not in article.body  # no template variable in an article


# --- init refuses to overwrite ------------------------------------------------------


def test_init_into_a_non_empty_folder_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(target)
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert tree(target) == before
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_init_with_force_keeps_existing_files(tmp_path: Path) -> None:
    target = tmp_path / "x"
    (target / "content" / "returns").mkdir(parents=True)
    mine = "site_name: Mine\n"
    (target / "mkdocs.yml").write_text(mine, encoding="utf-8")
    article = target / "content" / "returns" / "retourtermijn.md"
    article.write_text("my own answer\n", encoding="utf-8")
    result = run("init", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert (target / "mkdocs.yml").read_text(encoding="utf-8") == mine
    assert article.read_text(encoding="utf-8") == "my own answer\n"
    for name in PROJECT_FILES[1:]:
        assert (target / name).is_file(), name
    assert (target / "content" / "shipping" / "levertijd.md").is_file()


@pytest.mark.parametrize("name", [
    "Mijn: Winkel",
    'Winkel "De Hoek" #1',
    "Café & Co's help",
    "- dash first",
    "yes",
    "2026",
    "Price: $5",
])
def test_site_name_round_trips_into_mkdocs_yml(tmp_path: Path, name: str) -> None:
    root = init(tmp_path / "x", "--name", name)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == name


def test_site_name_with_colon_checks_and_builds(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TODAY", TODAY)
    root = init(tmp_path / "colon", "--name", "Mijn: Winkel")
    monkeypatch.chdir(root)
    assert run("check").exit_code == 0
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "Mijn: Winkel" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_new_draft_without_summary_keeps_the_starter_valid(in_project) -> None:
    """`kb new` without --summary writes a draft; drafts may go without a summary."""
    in_project("nl")
    result = run("new", "Kan ik mijn bestelling nog wijzigen?", "--policy", "order-status",
                 "--stage", "order")
    assert result.exit_code == 0, result.output
    assert Path("content/order-status/kan-ik-mijn-bestelling-nog-wijzigen.md").is_file()
    result = run("check")
    assert result.exit_code == 0, result.output
    assert " 0 errors" in result.output


# --- the YAML kb writes -------------------------------------------------------------

AWKWARD = [
    "Retour: hoe werkt dat?",
    "Is #1 ook te koop?",
    'Wat betekent "verzonden"?',
    "Wat betekent 'verzonden'?",
    "Kan ik met 'iDEAL | Wero' betalen?",
    "- Een streepje vooraan?",
    "[Actie] Gratis verzending?",
    "{Geen} mapping?",
    "&anker *alias",
    "!belangrijk: lees dit",
    "% korting?",
    "@winkel op Instagram?",
    "`code` in de titel?",
    "Prijs: $5 of €5?",
    "yes",
    "no",
    "null",
    "~",
    "123",
    "1.5",
    "2026-11-01",
    "Een regel met een: dubbele punt en # hekje",
    "Eindigt op een dubbele punt:",
    "Backslash \\ in de titel?",
    "Ümlaut en café",
]


@pytest.mark.parametrize("value", AWKWARD + [" spaties eromheen ", ""])
def test_scalar_reads_back_identical(value: str) -> None:
    assert yaml.safe_load(f"key: {_scalar(value)}") == {"key": value}


@pytest.mark.parametrize("value", ["Gewone vraag", "Hoe lang duurt verzenden?", "team-retour"])
def test_scalar_leaves_plain_text_plain(value: str) -> None:
    assert _scalar(value) == value


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    block = text[4:text.index("\n---\n", 4)]
    return yaml.safe_load(block)


@pytest.mark.parametrize("title", AWKWARD)
def test_render_article_front_matter_reads_back(tmp_path: Path, title: str) -> None:
    settings = Settings(owner="Team: Retour #2")
    new = NewArticle(title, "returns", ["returns", "delivery"], ["returns"],
                     summary='Binnen 30 dagen: "gratis" # echt.', draft=True)
    text = render_article(new, settings, date(2026, 11, 1))
    data = _front_matter(text)
    assert data["title"] == title
    assert data["summary"] == 'Binnen 30 dagen: "gratis" # echt.'
    assert data["owner"] == "Team: Retour #2"
    assert data["stages"] == ["returns", "delivery"]
    assert data["draft"] is True
    # kb itself reads the file back without a single problem.
    path = tmp_path / "vraag.md"
    path.write_text(text, encoding="utf-8")
    problems: list = []
    article = read_article(str(path), "returns/vraag.md", settings, date(2026, 11, 22),
                           problems)
    assert problems == []
    assert article is not False and article is not None
    assert article.title == title
    assert article.owner == "Team: Retour #2"


def test_render_article_has_every_field() -> None:
    new = NewArticle("Hoe kan ik betalen?", "payment", ["order"], [], summary="Met iDEAL.",
                     draft=False)
    data = _front_matter(render_article(new, Settings(), date(2026, 11, 1)))
    assert list(data) == ["title", "summary", "policy", "stages", "contexts", "keywords",
                          "reviewed", "review_every", "owner", "related", "covers", "draft",
                          "publish", "expires", "weight"]
    assert data["draft"] is False
    assert data["weight"] is None  # unpinned until an editor sets it
    assert str(data["reviewed"]) == "2026-11-01"


def test_starter_files_have_no_stray_dollar_signs() -> None:
    """safe_substitute turns `$$` into `$`; only our own variables may appear."""
    allowed = {"site_name", "site_name_yaml", "language"}
    for path in STARTER_DIR.rglob("*"):
        if path.is_file() and path.suffix in (".yml", ".md", ".txt", ""):
            text = path.read_text(encoding="utf-8")
            assert "$$" not in text, path
            for name in re.findall(r"\$([A-Za-z_]\w*)", text):
                assert name in allowed, (path, name)


# --- kb new --folder stays inside the docs folder (issue 14, row 20) -----------------

QUESTION = "Kan ik ruilen?"
NEW = "kan-ik-ruilen.md"


def files_below(*roots: Path) -> dict[str, bytes]:
    """Every file and link below `roots` (links by their target), to see nothing moved."""
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink():
                found[str(path)] = os.readlink(path).encode()
            elif path.is_file():
                found[str(path)] = path.read_bytes()
    return found


@pytest.fixture
def shop_with_outside(project, tmp_path_factory):
    """A project (docs in docs/) and a folder outside it that docs/elders links to."""
    project.config()
    project.write("retour/termijn.md", "---\ntitle: Termijn?\nsummary: Dertig dagen.\n"
                                       "policy: returns\nstages: [returns]\n"
                                       "reviewed: 2026-10-01\n---\nTekst.\n")
    outside = tmp_path_factory.mktemp("outside")
    (project.docs / "elders").symlink_to(outside, target_is_directory=True)
    return project, outside


@pytest.mark.parametrize("folder, fragment", [
    ("../../outside", "'../../outside' leads outside the docs folder docs/"),
    ("..", "'..' leads outside the docs folder docs/"),
    ("retour/../../naast", "'retour/../../naast' leads outside the docs folder docs/"),
    ("retour/../../../naast", "leads outside the docs folder docs/"),
    ("elders", "'elders' leads through a link to "),
    ("elders/sub", "'elders/sub' leads through a link to "),
    (".concepten", "'.concepten' has a folder name starting with '.' ('.concepten'), which "
                   "kb skips; give another folder inside docs/"),
    ("retour/.oud", "('.oud'), which kb skips"),
])
def test_new_refuses_a_folder_outside_the_docs_folder_as_a_usage_error_and_writes_nothing(
        shop_with_outside, folder, fragment):
    project, outside = shop_with_outside
    before = files_below(project.root, outside, project.root.parent)
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", folder])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--folder'" in result.output
    assert fragment in result.output
    assert result.output.rstrip().endswith("nothing was written.")
    assert "Traceback" not in result.output
    assert files_below(project.root, outside, project.root.parent) == before


def test_new_refuses_an_absolute_folder_even_inside_the_docs_folder(shop_with_outside):
    project, _ = shop_with_outside
    for folder in (str(project.docs / "retour"), "/tmp"):
        before = files_below(project.root)
        result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                          "--folder", folder])
        assert result.exit_code == 2, result.output
        assert (f"{folder!r} is an absolute path; give a folder inside the docs folder docs/ "
                "relative to it") in result.output
        assert files_below(project.root) == before


def test_new_names_the_link_target_that_leads_outside(shop_with_outside):
    project, outside = shop_with_outside
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", "elders"])
    assert f"leads through a link to {os.path.realpath(outside)}, outside the docs folder " \
           "docs/" in result.output
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("folder, where", [
    ("retour", "retour"),
    ("./retour/", "retour"),
    ("retour/../ruilen", "ruilen"),
    ("retour/nieuw/diep", "retour/nieuw/diep"),
    ("", ""),
])
def test_new_accepts_any_folder_that_stays_inside_the_docs_folder(shop_with_outside, folder,
                                                                   where):
    project, _ = shop_with_outside
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", folder])
    assert result.exit_code == 0, result.output
    path = project.docs / where / NEW
    assert path.is_file()
    assert result.output == f"Created {os.path.relpath(path)}.\n"


def test_new_follows_a_link_to_a_folder_inside_the_docs_folder(shop_with_outside):
    project, _ = shop_with_outside
    (project.docs / "ruil").symlink_to("retour", target_is_directory=True)
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", "ruil"])
    assert result.exit_code == 0, result.output
    assert (project.docs / "retour" / NEW).is_file()


def test_new_never_replaces_a_broken_link_with_the_new_articles_name(shop_with_outside):
    project, outside = shop_with_outside
    link = project.docs / "retour" / NEW
    link.symlink_to(outside / "weg.md")
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", "retour"])
    assert result.exit_code == 1
    assert f"docs/retour/{NEW} already exists" in result.output
    assert link.is_symlink() and not (outside / "weg.md").exists()


def test_new_writes_the_whole_article_with_the_usual_permissions(shop_with_outside):
    project, _ = shop_with_outside
    umask = os.umask(0o022)
    try:
        result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                          "--folder", "retour"])
    finally:
        os.umask(umask)
    assert result.exit_code == 0, result.output
    path = project.docs / "retour" / NEW
    assert path.stat().st_mode & 0o777 == 0o644
    assert path.read_text(encoding="utf-8").endswith("weight:\n---\n\n")
    assert sorted(p.name for p in path.parent.iterdir()) == [NEW, "termijn.md"]


def test_new_reports_a_folder_it_cannot_create_without_a_traceback(shop_with_outside):
    project, _ = shop_with_outside
    (project.docs / "bestand").write_text("geen map\n")
    result = CliRunner().invoke(cli, ["new", QUESTION, "-p", "returns", "-s", "returns",
                                      "--folder", "bestand/sub"])
    assert result.exit_code == 1
    assert "cannot be written" in result.output and "nothing was written." in result.output
    assert "Traceback" not in result.output
    assert (project.docs / "bestand").read_text() == "geen map\n"


def test_article_folder_path_is_the_folder_below_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    assert article_folder_path(str(docs), "a/b/../c") == str(docs / "a" / "c")
    assert article_folder_path(str(docs), "") == str(docs)
    with pytest.raises(FolderError):
        article_folder_path(str(docs), "a/../../b")


def test_init_with_force_never_writes_through_a_broken_link(tmp_path: Path) -> None:
    target = tmp_path / "help"
    target.mkdir()
    outside = tmp_path / "elders.yml"
    (target / "mkdocs.yml").symlink_to(outside)
    result = run("init", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert (target / "mkdocs.yml").is_symlink() and not outside.exists()
    assert (target / "README.md").is_file()
