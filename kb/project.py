"""A kb project on disk: mkdocs.yml, its docs folder and the kb options.

Read without MkDocs so that `kb check` stays fast and works even when the
rest of mkdocs.yml would not build; the MkDocs plugin gets the same
`Settings` through `parse_settings`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kb import yamlio
from kb.articles import display_path
from kb.problems import CONTROL_EXPECTED, WARNING, Problem, control_character, short_repr
from kb.safety import site_dir_problem
from kb.settings import Settings, parse_settings

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class ProjectError(Exception):
    """The project itself cannot be read (no mkdocs.yml, no kb plugin...)."""


@dataclass
class Project:
    config_path: str
    docs_dir: str
    site_dir: str
    settings: Settings
    problems: list[Problem] = field(default_factory=list)
    site_url: str | None = None
    directory_urls: bool = True
    site_name: str = ""

    @property
    def root(self) -> str:
        return os.path.dirname(self.config_path)

    @property
    def cache_dir(self) -> str:
        return os.path.join(self.root, self.settings.cache_dir)


def find_config(config_file: str | None) -> str:
    if config_file:
        if not os.path.isfile(config_file):
            raise ProjectError(f"{config_file}: no such file.")
        return os.path.abspath(config_file)
    for name in CONFIG_NAMES:
        if os.path.isfile(name):
            return os.path.abspath(name)
    raise ProjectError("No mkdocs.yml in this folder; run kb in your help centre's folder, "
                       "pass --config, or start one with 'kb init'.")


def plugin_options(plugins: Any) -> Any:
    """The options of the `kb` entry of mkdocs.yml's `plugins` (a list or a mapping)
    as written ({} for none), or None when there is no such entry."""
    entries: list[tuple[str, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, str):
                entries.append((item, {}))
            elif isinstance(item, dict):
                entries += list(item.items())
    for name, options in entries:
        if name == "kb":
            return {} if options is None else options
    return None


def load_project(config_file: str | None = None) -> Project:
    path = find_config(config_file)
    shown = display_path(path)
    try:
        raw = yamlio.load_file(path)
    except yamlio.YamlError as exc:
        where = f"{shown}:{exc.line}" if exc.line else shown
        what = exc.message if exc.too_big else f"not valid YAML: {exc.message}"
        raise ProjectError(f"{where}: {what}.") from None
    except UnicodeDecodeError:
        raise ProjectError(f"{shown}: not valid UTF-8; save it as UTF-8.") from None
    if not isinstance(raw, dict):
        raise ProjectError(f"{shown}: expected a mapping of settings but found "
                           f"{short_repr(raw)}.")
    options = plugin_options(raw.get("plugins"))
    if options is None:
        raise ProjectError(f"{shown}: the kb plugin is not enabled; add '- kb' under 'plugins'.")
    root = os.path.dirname(path)
    docs_dir = os.path.normpath(os.path.join(root, str(raw.get("docs_dir") or "docs")))
    site_dir = os.path.normpath(os.path.join(root, str(raw.get("site_dir") or "site")))
    if not os.path.isdir(docs_dir):
        raise ProjectError(f"{shown}: docs_dir {display_path(docs_dir)!r} is not a folder.")
    theme = raw.get("theme")
    theme_language = theme.get("language") if isinstance(theme, dict) else None
    problems: list[Problem] = []
    if not isinstance(options, dict):
        # MkDocs refuses to build with these; say so before the build does.
        problems.append(Problem(shown, f"expected a mapping of options but found "
                                       f"{short_repr(options)}", field="plugins.kb"))
        options = {}
    settings, found = parse_settings(options, shown, theme_language)
    problems += found
    for key in ("site_name", "site_description"):
        control = control_character(raw[key]) if isinstance(raw.get(key), str) else None
        if control:
            problems.append(Problem(shown, f"{CONTROL_EXPECTED} but found {control}", field=key))
    site_url = raw.get("site_url")
    if not (isinstance(site_url, str) and site_url.strip()):
        problems.append(site_url_problem(shown))
    if _lists_search_plugin(raw.get("plugins")):
        problems.append(search_plugin_problem(shown, _read_text(path)))
    return Project(path, docs_dir, site_dir, settings, problems,
                   site_url if isinstance(site_url, str) and site_url.strip() else None,
                   raw.get("use_directory_urls", True) is not False,
                   str(raw.get("site_name") or ""))


SITE_URL_MESSAGE = (
    "not set; canonical URLs, the addresses in sitemap.xml and robots.txt and the absolute "
    "links in the JSON-LD and in the help fragments (help/<context>.html) need the address "
    "the help centre is published at, such as 'https://help.example.com/'")


def site_url_problem(path: str) -> Problem:
    """The warning for a mkdocs.yml without `site_url` (kb check and the build log)."""
    return Problem(path, SITE_URL_MESSAGE, field="site_url", severity=WARNING)


# The names the search plugin goes by in mkdocs.yml: Material's, MkDocs' own.
SEARCH_PLUGINS = ("material/search", "search")


def _lists_search_plugin(plugins: Any) -> bool:
    names = plugins if isinstance(plugins, dict) else [
        next(iter(item), None) if isinstance(item, dict) else item
        for item in (plugins if isinstance(plugins, list) else [])]
    return any(name in SEARCH_PLUGINS for name in names)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return ""


def search_plugin_problem(path: str, text: str) -> Problem:
    """The warning for a search plugin still listed in mkdocs.yml (`path` as messages
    show it, `text` as written), at its line when it is listed as `- search`."""
    listed = _LISTED_SEARCH.search(text)
    line = text.count("\n", 0, listed.start()) + 1 if listed else None
    name = listed.group(1) if listed else "search"
    return Problem(path, (
        "the search plugin is no longer needed on a kb site, whose own search answers "
        f"shoppers; kb switches it off: remove `- {name}` from the plugins"),
        line, "plugins", WARNING)


# `- search`, `- material/search:` (with options below), quoted or not.
_LISTED_SEARCH = re.compile(
    r"""^[ \t]*-[ \t]*['"]?((?:material/)?search)['"]?[ \t]*:?[ \t]*(?:#.*)?$""", re.M)


def resolve_today(value: str | date | None = None) -> date:
    """The date that decides what is published: given, $KB_TODAY, or today."""
    if isinstance(value, date):
        return value
    value = value or os.environ.get("KB_TODAY")
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ProjectError(f"expected today's date as YYYY-MM-DD but found {value!r}.") \
                from None
    return date.today()


def folder_problems(project: Project) -> list[Problem]:
    """An error on `site_dir` when kb build must not write the site there (kb.safety)."""
    try:
        with open(project.config_path, encoding="utf-8", errors="replace") as fh:
            text: str | None = fh.read()
    except OSError:
        text = None
    problem = site_dir_problem(project.site_dir, project.root, project.docs_dir,
                               display_path(project.config_path), text)
    return [problem] if problem else []
