"""The `kb` command line: one `<verb>_command` per verb, each a few lines over the core.

Exit status: 0 fine, 1 content or configuration problems, 2 usage errors.
"""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from kb import __version__
from kb.articles import display_path
from kb.problems import (
    Problem, expected_one_of, format_github, format_json, format_text, has_errors, summary_line,
)
from kb.project import Project, ProjectError, check_project, find_config, load_project, \
    resolve_today
from kb.scaffold import STARTER_LANGUAGES, NewArticle, ScaffoldError, article_folder, \
    create_article, init_project


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
    except ScaffoldError as exc:
        raise _fail(str(exc)) from None
    click.echo(f"Created {display_path(path)}.")


def _report(problems: list[Problem], articles: int, output: str) -> None:
    if output == "json":
        click.echo(format_json(problems, articles))
        return
    text = format_github(problems) if output == "github" else format_text(problems)
    if text:
        click.echo(text)
    click.echo(summary_line(problems, articles))


@cli.command("check")
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="text for people, json for programs, github for GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@today_option
@config_option
def check_command(output: str, strict: bool, today: str | None, config_file: str | None) -> None:
    """Validate every article and the kb configuration; report all problems at once."""
    project = _project(config_file)
    collection, problems = check_project(project, _today(today))
    _report(problems, collection.checked, output)
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
    stays as it was."""
    from kb.builder import BuildError, build_site, setup_logging

    project = _project(config_file)
    day = _today(today)
    collection, problems = check_project(project, day)
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
@today_option
@config_option
def serve_command(dev_addr: str | None, open_browser: bool, today: str | None,
                  config_file: str | None) -> None:
    """Preview the site, rebuilding whenever an article changes."""
    from kb.builder import BuildError, serve_site, setup_logging

    project = _project(config_file)
    setup_logging(False, lambda message: click.echo(message, err=True))
    try:
        serve_site(project.config_path, dev_addr=dev_addr, today=_today(today),
                   open_browser=open_browser)
    except BuildError as exc:
        raise _fail(str(exc)) from None


def main() -> None:
    cli(prog_name="kb")
