"""The `kb` command line: one `<verb>_command` per verb, each a few lines over the core.

Exit status: 0 fine, 1 content or configuration problems, 2 usage errors.

Each command imports the core modules it uses when it runs, so `kb --help` and
`kb <verb> --help` load click and nothing of the core (tests/test_layers.py).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from kb import __version__

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from kb.articles import Collection
    from kb.coverage import Coverage
    from kb.engine import Engine
    from kb.gapreport import GapReport
    from kb.i18n import Translator
    from kb.problems import Problem
    from kb.project import Project

# kb.scaffold.STARTER_LANGUAGES, written out: importing kb.scaffold for it would more
# than double the start-up of `kb --help`. tests/test_cli.py holds the two equal.
STARTER_LANGUAGES = ("nl", "en")


class ContentProblem(click.ClickException):
    """Input the user gave is wrong (exit 1); the message is already complete."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


def _fail(message: str) -> ContentProblem:
    return ContentProblem(message if message.endswith(".") else message + ".")


config_option = click.option(
    "-f", "--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
    help="The project's mkdocs.yml (default: mkdocs.yml in the current folder).",
)
today_option = click.option(
    "--today", metavar="YYYY-MM-DD",
    help="Pretend it is this day: decides which scheduled and expiring articles are "
         "published and which reviews are overdue (default: today, or $KB_TODAY).",
)


def _project(config_file: str | None) -> Project:
    from kb.project import ProjectError, find_config, load_project

    try:
        if config_file is None:
            find_config(None)
    except ProjectError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        return load_project(config_file)
    except ProjectError as exc:
        if config_file and not os.path.isfile(config_file):
            raise click.BadParameter(str(exc), param_hint="'--config'") from None
        raise _fail(str(exc)) from None


def _today(value: str | None) -> date:
    from kb.project import ProjectError, resolve_today

    try:
        return resolve_today(value)
    except ProjectError as exc:
        raise click.BadParameter(str(exc), param_hint="'--today'") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kb")
def cli() -> None:
    """kb: turn a folder of Markdown answers into a web shop's help centre.

    Run the commands in the folder that holds mkdocs.yml, or pass --config.
    """


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--language", type=click.Choice(STARTER_LANGUAGES), default="nl", show_default=True,
              help="Language of the example articles and of the site.")
@click.option("--name", "site_name", default=None,
              help="Name of the help centre (default: the folder name + ' Help').")
@click.option("--force", is_flag=True,
              help="Add the starter files to a folder that is not empty (never overwrites).")
def init_command(directory: str, language: str, site_name: str | None, force: bool) -> None:
    """Start a new help centre in DIRECTORY: mkdocs.yml, example articles, a README for
    editors and a GitHub Actions workflow that checks, builds and publishes it."""
    from kb.scaffold import ScaffoldError, init_project

    name = site_name or f"{os.path.basename(os.path.abspath(directory)).title()} Help"
    try:
        written = init_project(directory, language=language, site_name=name, force=force)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Created {len(written)} files in {directory}.")
    click.echo(f"Next: cd {directory} && kb build   (or kb serve for a live preview)")


@cli.command("new")
@click.argument("question")
@click.option("-p", "--policy", required=True, help="Policy area id, e.g. returns.")
@click.option("-s", "--stage", "stages", multiple=True, required=True,
              help="Journey stage id, e.g. delivery; repeat for more stages.")
@click.option("-c", "--context", "contexts", multiple=True,
              help="Shop page type whose help block lists it, e.g. cart; repeatable.")
@click.option("--summary", default="", help="The short answer (plain text, at most 300 "
                                            "characters); can be filled in later.")
@click.option("--folder", default=None,
              help="Folder below the docs folder (default: where most articles of the "
                   "policy area are).")
@click.option("--publish", "ready", is_flag=True,
              help="Write draft: false (default: a draft, never published until you change it).")
@config_option
def new_command(question: str, policy: str, stages: tuple[str, ...], contexts: tuple[str, ...],
                summary: str, folder: str | None, ready: bool, config_file: str | None) -> None:
    """Create an article for QUESTION with complete front matter, reviewed today."""
    from kb.articles import load_collection
    from kb.problems import display_path, expected_one_of
    from kb.scaffold import (
        FolderError,
        NewArticle,
        ScaffoldError,
        article_folder,
        create_article,
    )

    project = _project(config_file)
    tax = project.settings.taxonomy
    question = " ".join(question.split())
    if not question:
        raise click.BadParameter("expected a question but found nothing", param_hint="QUESTION")
    if policy not in tax.policies:
        raise click.BadParameter(expected_one_of(policy, tax.policies), param_hint="'--policy'")
    for value in stages:
        if value not in tax.stages:
            raise click.BadParameter(expected_one_of(value, tax.stages), param_hint="'--stage'")
    for value in contexts:
        if value not in tax.contexts:
            raise click.BadParameter(expected_one_of(value, tax.contexts),
                                     param_hint="'--context'")
    today = _today(None)
    if folder is None:
        folder = article_folder(load_collection(project.docs_dir, project.settings, today),
                                policy)
    new = NewArticle(question, policy, list(dict.fromkeys(stages)),
                     list(dict.fromkeys(contexts)), summary.strip(), draft=not ready)
    try:
        path = create_article(project.docs_dir, folder, new, project.settings, today)
    except FolderError as exc:
        raise click.BadParameter(f"{exc}; nothing was written.",
                                 param_hint="'--folder'") from None
    except ScaffoldError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{display_path(os.path.abspath(exc.filename or project.docs_dir))}: "
                    f"cannot be written ({exc.strerror or exc}); nothing was written") from None
    click.echo(f"Created {display_path(path)}.")


def _report(problems: list[Problem], articles: int, output: str,
            coverage: Coverage | None = None) -> None:
    from kb import coverage as cov
    from kb.problems import (
        format_github,
        format_github_group,
        format_json,
        format_text,
        summary_line,
    )

    if output == "json":
        extra = {"coverage": cov.as_dict(coverage)} if coverage is not None else None
        click.echo(format_json(problems, articles, extra))
        return
    text = format_github(problems) if output == "github" else format_text(problems)
    if text:
        click.echo(text)
    if coverage is not None and output == "github":
        # A collapsible group in the job's log, below the annotations.
        click.echo(format_github_group("Coverage and schedule", cov.format_text(coverage)))
    elif coverage is not None:
        click.echo(cov.format_text(coverage))
    click.echo(summary_line(problems, articles))


@cli.command("check")
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="text for people, json for programs, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@today_option
@config_option
def check_command(output: str, strict: bool, today: str | None, config_file: str | None) -> None:
    """Validate every article and the kb configuration; report all problems at once,
    then the coverage of policy areas and journey stages and what goes live or expires
    in the next 30 days."""
    from kb.checks import check_project
    from kb.coverage import measure
    from kb.problems import has_errors

    project = _project(config_file)
    day = _today(today)
    collection, problems = check_project(project, day)
    _report(problems, collection.checked, output,
            measure(collection, project.settings.taxonomy, day))
    if has_errors(problems) or (strict and problems):
        sys.exit(1)


@cli.command("build")
@click.option("--strict/--no-strict", default=True, show_default=True,
              help="Treat MkDocs warnings (such as a link to a missing page) as errors.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the site (default: site_dir from mkdocs.yml).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@today_option
@config_option
def build_command(strict: bool, site_dir: str | None, verbose: bool, today: str | None,
                  config_file: str | None) -> None:
    """Check the content, then build the site atomically: on failure the previous site
    stays as it was.

    The site folder is replaced as a whole, so it must be kb's own: not the project or
    docs folder, nothing that contains either, nothing inside the docs folder, not your
    home folder, and not a folder that holds files kb did not build."""
    from kb.checks import check_project
    from kb.mkdocs.builder import BuildError, build_site, setup_logging
    from kb.problems import display_path, format_text, has_errors, summary_line
    from kb.safety import site_dir_refusal

    project = _project(config_file)
    if site_dir is not None:
        refusal = site_dir_refusal(site_dir, project.root, project.docs_dir)
        if refusal:
            raise click.BadParameter(f"{site_dir!r} {refusal}. Nothing was touched.",
                                     param_hint="'--site-dir'")
        project.site_dir = os.path.abspath(site_dir)
    day = _today(today)
    collection, problems = check_project(project, day, duplicates=False)
    if problems:
        click.echo(format_text(problems), err=True)
    if has_errors(problems):
        click.echo(summary_line(problems, collection.checked), err=True)
        raise _fail("Nothing was built; fix the errors above")
    setup_logging(verbose, lambda message: click.echo(message, err=True))
    try:
        result = build_site(project.config_path, strict=strict, today=day,
                            collection=collection, site_dir=site_dir)
    except BuildError as exc:
        raise _fail(f"{exc}\nThe build failed; the previous site was left as it was") from None
    click.echo(f"Built {result.pages} pages in {result.seconds:.1f} s into "
               f"{display_path(result.site_dir)}.")


@cli.command("serve")
@click.option("-a", "--dev-addr", metavar="IP:PORT", default=None,
              help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--full", is_flag=True,
              help="Render the whole site again on every change (slow on a large site).")
@today_option
@config_option
def serve_command(dev_addr: str | None, open_browser: bool, full: bool, today: str | None,
                  config_file: str | None) -> None:
    """Preview the site, rebuilding whenever an article changes.

    After an edit only the pages that show something that changed are rendered
    again: the article itself; the home, area and stage pages that list it when
    its title or short answer changed; the pages that link it as a related
    question when its title changed. Adding, deleting, publishing or unpublishing
    an article (or saving one that no longer validates) works out the related
    questions of the whole site again, which takes a few seconds on thousands of
    articles; editing mkdocs.yml renders every page again.
    """
    from kb.mkdocs.builder import BuildError, serve_site, setup_logging

    project = _project(config_file)
    setup_logging(False, lambda message: click.echo(message, err=True))
    try:
        serve_site(project.config_path, dev_addr=dev_addr, today=_today(today),
                   open_browser=open_browser, full=full)
    except BuildError as exc:
        raise _fail(str(exc)) from None


def _answers(project: Project, today: date) -> Engine:
    """The engine over the answer index of the project's articles live on `today`
    (kb.answercache: built when an article or option changed, else read from the cache
    folder), with notes on stderr about what it left out."""
    from kb.answercache import open_answers

    answers = open_answers(project.docs_dir, project.settings, project.cache_dir, today)
    if answers.note:
        click.echo(f"Note: {answers.note}; the index was built in memory for this run.",
                   err=True)
    broken = answers.broken
    if broken:
        click.echo(f"Note: {len(broken)} file(s) with errors left out "
                   f"({', '.join(broken[:3])}{', ...' if len(broken) > 3 else ''}"
                   "); run 'kb check'.", err=True)
    return answers.engine


def _channel_lines(project: Project, t: Translator) -> list[str]:
    lines = []
    lang = project.settings.language
    for ch in project.settings.contact.channels:
        parts = [ch.title(lang)]
        if ch.display:
            parts.append(ch.display)
        elif ch.href:
            parts.append(ch.href)
        if ch.hours is not None:
            parts.append(t.hours(ch.hours))
        if ch.response_time:
            parts.append(t.response(ch))
        lines.append("  - " + " · ".join(parts))
    return lines


@cli.command("ask")
@click.argument("question")
@click.option("-k", "--limit", type=click.IntRange(1, 50), default=3, show_default=True,
              help="How many answers to show at most.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="text for people; json prints a list of {slug, title, summary, url, score} "
                   "(empty when kb declines).")
@today_option
@config_option
def ask_command(question: str, limit: int, output: str, today: str | None,
                config_file: str | None) -> None:
    """Answer QUESTION from the help centre, the way a shopper would type it: what the
    site's search shows, in its order (the articles that answer well first, then the
    others found), with their short answer and address; or, when kb declines, that it
    has no good answer, a spelling suggestion if it has one, and the contact channels.
    kb answers as the site does, from the answer index kb build writes, of the articles
    live on the day asked; it is kept in the cache folder and built again when an
    article changed, so edits show at once."""
    from kb.answerindex import article_url
    from kb.evaluate import printed
    from kb.i18n import Translator
    from kb.text import dumps

    if not question.strip():
        raise click.BadParameter("expected a question but found nothing", param_hint="QUESTION")
    project = _project(config_file)
    answer = _answers(project, _today(today)).ask(question, limit)
    # The site's addresses: absolute under site_url, else relative to the site's root.
    root = project.site_url.rstrip("/") + "/" if project.site_url else ""
    results = [{"slug": h.slug, "title": h.title, "summary": h.summary,
                "url": root + article_url(h.src_uri, project.directory_urls),
                "score": h.score} for h in printed(answer, limit)]
    if output == "json":
        click.echo(dumps(results))
        return
    for number, result in enumerate(results, 1):
        click.echo(f"{number}. {result['title']}")
        click.echo(f"   {result['summary']}")
        click.echo(f"   {result['url']}  (score {result['score']:.2f})")
    if results:
        return
    t = Translator(project.settings.language)
    click.echo(t("ask.none"))
    if answer.suggestion:
        click.echo(t("ask.suggest", suggestion=answer.suggestion))
    channels = _channel_lines(project, t)
    if channels:
        click.echo(t("ask.contact"))
        click.echo("\n".join(channels))


def _questions_file(path: str) -> None:
    """A usage error unless `path` is a file that can be read to its end (a FIFO or
    /dev/zero never ends)."""
    from kb.tables import file_problem

    if not os.path.lexists(path):
        raise click.BadParameter(f"{path}: no such file", param_hint="FILE.csv")
    problem = file_problem(path, path)
    if problem:
        raise click.BadParameter(str(problem).replace(": error: ", ": ", 1),
                                 param_hint="FILE.csv")


@cli.command("eval")
@click.argument("questions_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="text for people; json prints {n, printed_at_1, printed_at_3, hit_at_1, "
                   "hit_at_3, mrr, unanswered, wrong_first, misses} and, with '-' rows, "
                   "{no_answer, declined, false_answer_rate, false_answers}.")
@click.option("--min-printed-at-1", type=click.FloatRange(0, 1), default=None,
              metavar="SHARE", help="Exit 1 when printed@1 (the expected answer shown "
                                    "first) is below SHARE (0..1), to guard answer "
                                    "quality in CI.")
@click.option("--min-printed-at-3", type=click.FloatRange(0, 1), default=None,
              metavar="SHARE", help="Exit 1 when printed@3 is below SHARE (0..1).")
@click.option("--min-hit-at-1", type=click.FloatRange(0, 1), default=None, metavar="SHARE",
              help="Exit 1 when the ranking's hit@1 is below SHARE (0..1).")
@click.option("--min-hit-at-3", type=click.FloatRange(0, 1), default=None, metavar="SHARE",
              help="Exit 1 when the ranking's hit@3 is below SHARE (0..1).")
@click.option("--min-declined", type=click.FloatRange(0, 1), default=None, metavar="SHARE",
              help="Exit 1 when kb declines less than SHARE of the '-' questions.")
@click.option("--site", "site_dir", metavar="DIR", type=click.Path(file_okay=False),
              help="Answer from the site built in DIR (its answer index in DIR/search/, "
                   "which shoppers' browsers read) instead of the docs folder; the "
                   "evaluation day is the one the site was built for.")
@today_option
@config_option
def eval_command(questions_file: str, output: str, min_printed_at_1: float | None,
                 min_printed_at_3: float | None, min_hit_at_1: float | None,
                 min_hit_at_3: float | None, min_declined: float | None,
                 site_dir: str | None, today: str | None, config_file: str | None) -> None:
    """Measure how well kb answers a set of shopper questions. FILE.csv has the columns
    question and expected (the answering article's slug; several separated by '|';
    '-' when nothing in the help centre answers it). Prints every question whose
    answer was not shown first, then printed@1 and printed@3 (the expected answer
    shown first, or among the first three shown; a question kb declines shows
    nothing), the ranking's hit@1, hit@3 and MRR, and the shares declined and
    answered wrongly; for '-' questions, how many kb declines and every false answer.
    kb answers as the site does; with --site, from the index a built site ships."""
    from kb.checks import check_project
    from kb.evaluate import DEPTH, EvalError, evaluate, format_json, printed, read_cases
    from kb.evaluate import format_text as format_report
    from kb.problems import display_path, format_text

    project = _project(config_file)
    _questions_file(questions_file)
    site = _site_answers(site_dir, today) if site_dir is not None else None
    day = site[1] if site else _today(today)
    collection, _ = check_project(project, day, duplicates=False)
    slugs = collection.by_slug()
    shown = display_path(os.path.abspath(questions_file))
    try:
        cases = read_cases(questions_file, shown, slugs, lambda s: slugs[s].is_live(day))
    except EvalError as exc:
        click.echo(format_text(exc.problems), err=True)
        raise _fail(f"{shown} cannot be evaluated; fix the problems above") from None
    answers = site[0] if site else _answers(project, day)
    asked = {}

    def ask(question: str):
        if question not in asked:
            asked[question] = answers.ask(question, DEPTH)
        return asked[question]

    report = evaluate(cases, lambda q: [(h.slug, h.title) for h in ask(q).hits],
                      lambda q: [(h.slug, h.title) for h in printed(ask(q))])
    click.echo(format_json(report) if output == "json" else format_report(report, shown))
    floors = [(min_printed_at_1, report.printed_at_1), (min_printed_at_3, report.printed_at_3),
              (min_hit_at_1, report.hit_at_1), (min_hit_at_3, report.hit_at_3),
              (min_declined, report.declined or 0.0)]
    if any(floor is not None and value < floor for floor, value in floors):
        click.echo("Answer quality is below the minimum set.", err=True)
        sys.exit(1)


class _SiteAnswers:
    """kb.engine over the answer index of a built site, its errors as kb's."""

    def __init__(self, site_dir: str):
        from kb.answerindex import FOLDER, IndexFiles, folder_loader
        from kb.engine import Engine

        self.folder = os.path.join(site_dir, FOLDER)
        # Without its meta file a folder is no index at all, rather than a damaged one.
        if not os.path.isdir(self.folder) or not any(
                name.startswith("meta.") for name in os.listdir(self.folder)):
            raise _fail(f"{self.folder}{os.sep} holds no answer index; build the site first "
                        "with kb build")
        self.engine = self._read(lambda: Engine(IndexFiles(folder_loader(self.folder))))
        self.day = self._read(lambda: _iso_day(self.engine.files.meta["day"]))

    def _read(self, step: Callable):
        # Any file of the index may be damaged: the first question can read it.
        try:
            return step()
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise _fail(f"{self.folder}{os.sep} cannot be read as kb's answer index "
                        f"({type(exc).__name__}: {exc}); build the site again with "
                        "kb build") from None

    def ask(self, question: str, limit: int):
        return self._read(lambda: self.engine.ask(question, limit))


def _iso_day(text: str) -> date:
    from datetime import date

    return date.fromisoformat(text)


def _site_answers(site_dir: str, today: str | None) -> tuple[_SiteAnswers, date]:
    """The answers of the site built in `site_dir` and the day it was built for; a usage
    error when --today names another day (the index holds the articles live then)."""
    site = _SiteAnswers(site_dir)
    if today is not None and _today(today) != site.day:
        raise click.BadParameter(
            f"the site in {site_dir} was built for {site.day.isoformat()}, so its answers "
            "are those of that day; leave --today out", param_hint="'--today'")
    return site, site.day


@cli.command("review")
@click.argument("names", nargs=-1, metavar="[SLUG]...")
@click.option("--mark", is_flag=True,
              help="Record that the articles SLUG... (slugs or file paths) were reviewed: "
                   "set their 'reviewed' date to today and change nothing else.")
@click.option("--within", type=click.IntRange(min=0), default=30, show_default=True,
              metavar="DAYS", help="Also list the articles whose review falls due within "
                                   "DAYS days.")
@click.option("--owner", default=None, metavar="NAME",
              help="Only the articles of this owner (ignoring case).")
@click.option("--format", "output", type=click.Choice(["table", "json", "csv"]),
              default="table", show_default=True,
              help="table for people; json prints one object with the articles per owner; "
                   "csv prints one row per article.")
@today_option
@config_option
@click.pass_context
def review_command(ctx: click.Context, names: tuple[str, ...], mark: bool, within: int,
                   owner: str | None, output: str, today: str | None,
                   config_file: str | None) -> None:
    """List the articles whose review is overdue or due within DAYS days, grouped by
    owner, most overdue first. Exits 1 when a review is overdue and review_policy is
    fail. With --mark, set the review date of the articles SLUG... to today."""
    from kb import reviews
    from kb.articles import load_collection

    _review_usage(ctx, names, mark, owner)
    project = _project(config_file)
    day = _today(today)
    collection = load_collection(project.docs_dir, project.settings, day)
    if mark:
        _mark_reviewed(project, collection, names, day)
        return
    _review_notes(project, collection)
    articles = reviews.reviewable(collection.articles, day)
    known = reviews.owners(articles)
    if owner is not None and owner.strip().casefold() not in {o.casefold() for o in known}:
        guess = reviews.closest_owner(owner, known)
        click.echo(f"No article has the owner {owner.strip()!r}"
                   f"{f' (did you mean {guess!r}?)' if guess else ''}; owners: "
                   f"{', '.join(known) or 'none'}.", err=True)
    report = reviews.review_report(articles, day, within, owner)
    if output == "json":
        click.echo(reviews.format_json(report))
    else:
        click.echo((reviews.format_csv if output == "csv" else reviews.format_table)(report))
    if report.overdue and project.settings.review_policy == "fail":
        click.echo(f"{report.overdue} review(s) overdue and review_policy is fail.", err=True)
        sys.exit(1)


def _review_usage(ctx: click.Context, names: tuple[str, ...], mark: bool,
                  owner: str | None) -> None:
    """A usage error for options of kb review that do not go together."""
    from click.core import ParameterSource

    if mark:
        given = [f"--{name}" if name != "output" else "--format"
                 for name in ("within", "owner", "output")
                 if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT]
        if given:
            raise click.UsageError(f"--mark cannot be combined with {' or '.join(given)}.")
        if not names:
            raise click.UsageError("--mark needs the SLUG or file of at least one article.")
    elif names:
        raise click.UsageError(f"got {names[0]!r} without --mark; to record a review, run "
                               f"'kb review --mark {' '.join(names)}'.")
    if owner is not None and not owner.strip():
        raise click.BadParameter("expected an owner's name but found nothing",
                                 param_hint="'--owner'")


def _mark_reviewed(project: Project, collection: Collection, names: tuple[str, ...],
                   day: date) -> None:
    """kb review --mark: all the articles named or, on a problem with any, none."""
    from kb import reviews
    from kb.problems import Problem

    marks, problems, notes = reviews.plan_marks(list(names), collection,
                                                list(project.settings.pages), day, project.root,
                                                [project.cache_dir])
    if problems:
        # In the order given, so each line can be matched to its argument.
        click.echo("\n".join(str(p) for p in problems), err=True)
        raise _fail("Nothing was marked; fix the problems above")
    unmarked = 0
    for item in marks:
        done = reviews.write_or_problem(item)
        if isinstance(done, Problem):
            unmarked += 1
            click.echo(str(done), err=True)
        elif done:
            click.echo(f"Marked {item.shown} as reviewed on {day.isoformat()}.")
        else:
            click.echo(f"{item.shown} was already marked as reviewed on {day.isoformat()}.")
    for note in notes:
        click.echo(note, err=True)
    if unmarked:
        raise _fail(f"{unmarked} of {len(marks)} not marked; see above")


def _review_notes(project: Project, collection: Collection) -> None:
    """What kb review leaves out and why, on stderr."""
    from kb.problems import display_path, has_errors

    if has_errors(project.problems):
        # A mistyped option falls back to its default, review_policy included.
        click.echo(f"Note: {display_path(project.config_path)} has errors; run 'kb check'.",
                   err=True)
    if collection.broken:
        click.echo(f"Note: {len(collection.broken)} file(s) with errors left out "
                   f"({', '.join(collection.broken[:3])}"
                   f"{', ...' if len(collection.broken) > 3 else ''}); run 'kb check'.",
                   err=True)


@cli.command("gaps")
@click.argument("questions_file", metavar="FILE.csv", type=click.Path(dir_okay=False))
@click.option("--column", default="question", show_default=True,
              help="The column that holds the questions (case does not matter).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people; json prints one object.")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True,
              help="How many clusters of unanswered questions to show.")
@click.option("--drafts", "drafts_dir", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Write a draft article for each of the largest clusters "
                                  "into DIR (usually a folder below the docs folder).")
@click.option("--max-drafts", type=click.IntRange(0), default=10, show_default=True,
              help="Write at most this many drafts.")
@click.option("--min-size", type=click.IntRange(1), default=2, show_default=True,
              help="A cluster with fewer questions gets no draft.")
@today_option
@config_option
def gaps_command(questions_file: str, column: str, output: str, top: int,
                 drafts_dir: str | None, max_drafts: int, min_size: int, today: str | None,
                 config_file: str | None) -> None:
    """Find content gaps in real shopper questions: FILE.csv is an export of e-mails,
    chats or search logs, one question per row. Reports the share the help centre
    answers, the unanswered questions grouped into clusters, and the gaps per policy
    area; --drafts writes draft articles for the largest clusters."""
    from kb.articles import load_collection
    from kb.drafts import Drafted, write_drafts
    from kb.gapreport import format_text as format_report
    from kb.problems import display_path
    from kb.text import dumps

    project = _project(config_file)
    day = _today(today)
    settings = project.settings
    shown = display_path(os.path.abspath(questions_file))
    collection = load_collection(project.docs_dir, settings, day)
    report = _gap_report(project, day, questions_file, column, collection)
    drafted: list[Drafted] = []
    if drafts_dir is not None:
        try:
            drafted = write_drafts(report, drafts_dir, settings, day,
                                   [a.title for a in collection.articles], max_drafts, min_size)
        except OSError as exc:
            raise _fail(f"{drafts_dir}: cannot write drafts there ({exc.strerror})") from None
    if output == "json":
        data = report.as_dict(top)
        data["drafts"] = [display_path(d.path) for d in drafted if d.path]
        click.echo(dumps(data))
    else:
        click.echo(format_report(report, shown, top))
    for d in drafted:
        if d.path:
            click.echo(f"Wrote draft {display_path(d.path)}.", err=output == "json")
        else:
            click.echo(f"Skipped a draft for {d.cluster.representative!r}: {d.note}.", err=True)


def _gap_report(project: Project, day: date, questions_file: str, column: str,
                collection: Collection) -> GapReport:
    """Match every question of FILE.csv against the content (kb gaps, kb report)."""
    from contextlib import nullcontext

    from kb.gaps import find_gaps
    from kb.problems import display_path, format_text
    from kb.questionfile import open_questions, questions
    from kb.similarity import synonym_map
    from kb.tables import TableError

    _questions_file(questions_file)
    shown = display_path(os.path.abspath(questions_file))
    settings = project.settings
    try:
        table, index = open_questions(questions_file, shown, column)
        # Small files take a moment; a bar there is only noise in a CI log.
        bar = (click.progressbar(length=table.size, label="Reading questions", file=sys.stderr)
               if table.size > 1_000_000 or sys.stderr.isatty() else None)
        engine = _answers(project, day)
        with bar or nullcontext():
            advance = (lambda done: bar.update(done - bar.pos)) if bar else None
            return find_gaps((q for _, q in questions(table, index, advance)), engine,
                             collection.articles, settings.taxonomy, settings.language,
                             synonym_map(settings))
    except TableError as exc:
        click.echo(format_text(exc.problems), err=True)
        raise _fail(f"{shown} cannot be read; fix the problems above. Nothing was "
                    "written") from None


@cli.command("report")
@click.option("--format", "output", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True,
              help="md (Markdown, for a pull request or wiki), html (one self-contained "
                   "page) or json.")
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file instead of the screen.")
@click.option("--within", type=click.IntRange(0, 3650), default=30, show_default=True,
              metavar="DAYS", help="Reviews due and articles going live or expiring within "
                                   "this many days.")
@click.option("-q", "--questions", "questions_file", metavar="FILE.csv", default=None,
              type=click.Path(dir_okay=False),
              help="Real shopper questions (as for kb gaps): adds the answered share and the "
                   "largest groups of unanswered questions.")
@click.option("--column", default="question", show_default=True,
              help="The column of --questions that holds the question.")
@today_option
@config_option
def report_command(output: str, output_file: str | None, within: int,
                   questions_file: str | None, column: str, today: str | None,
                   config_file: str | None) -> None:
    """A content-health report for the team: coverage of policy areas and journey
    stages, reviews due by owner, what goes live or expires, every problem and, with
    --questions, the biggest content gaps. It is not part of the public site."""
    from kb.checks import check_project
    from kb.problems import display_path
    from kb.reports import FORMATS, build_report

    project = _project(config_file)
    day = _today(today)
    collection, problems = check_project(project, day)
    gaps = None
    if questions_file is not None:
        gaps = _gap_report(project, day, questions_file, column, collection).as_dict()
    report = build_report(collection, problems, project.settings.taxonomy,
                          project.settings.language, project.site_name, day, within, gaps)
    text = FORMATS[output](report)
    if output_file is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    _write_atomically(output_file, text)
    click.echo(f"Wrote the report to {display_path(os.path.abspath(output_file))}.", err=True)


def _write_atomically(path: str, text: str) -> None:
    from kb.files import replace_file

    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise _fail(f"{path}: cannot be written: {exc.strerror}") from None


def main() -> None:
    cli(prog_name="kb")
