"""What kb changes in MkDocs' configuration before a build (the plugin's on_config).

kb's templates join the theme's; Material loads no Google font; a search plugin
still listed in mkdocs.yml is switched off (kb's own search answers shoppers:
see `drop_search_plugins`); the site gets kb's navigation and assets. And a build
that would empty the wrong folder, or read through a link out of the docs folder,
stops before MkDocs does either.
"""

from __future__ import annotations

import logging
import os

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from kb import yamlio
from kb.i18n import theme_language
from kb.minify import SITE_ASSETS
from kb.problems import format_text
from kb.project import SEARCH_PLUGINS, search_plugin_problem, site_url_problem
from kb.safety import link_problems, site_dir_problem
from kb.settings import Settings
from kb.site import site_nav

log = logging.getLogger("mkdocs.plugins.kb")

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # kb/
TEMPLATES_DIR = os.path.join(PACKAGE_DIR, "templates")
# Theme templates kb replaces (404.html): searched before the theme's, after custom_dir.
OVERRIDES_DIR = os.path.join(TEMPLATES_DIR, "overrides")
# Material's search: the lunr worker and lunr's language files (1.2 MB a site would
# carry for nothing), below the theme's assets.
SEARCH_ASSETS = ("assets/javascripts/workers/search.", "assets/javascripts/lunr/")


def configure(config: MkDocsConfig, settings: Settings) -> tuple[str, str]:
    """Set up `config` for kb; return the site's name and description as the editor
    wrote them."""
    config.theme["language"] = _theme_language(config, settings.language)
    # Material prints the site name as it is (<title>, header, logo label); kb's own
    # output (JSON-LD, answers.json, templates) escapes where it writes, so it keeps
    # the name as written.
    site_name = _as_written(config.site_name)
    config.site_name = escape(site_name)
    site_description = _as_written(config.site_description)
    config.site_description = escape(site_description) or None
    config.theme.dirs.append(TEMPLATES_DIR)
    if config.theme.name == "material":
        _configure_material(config, _raw_config(config.config_file_path))
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, OVERRIDES_DIR)
    if not config.site_url:  # information, like content warnings: --strict still builds
        log.info(str(site_url_problem(shown(config))))
    if drop_search_plugins(config):  # information too: a --strict build still builds
        log.info(str(search_plugin_problem(shown(config), raw_text(config.config_file_path))))
    if config.nav is None:
        config.nav = _escaped(site_nav(settings, _blog_index(config)))
        # Articles are left out of the nav on purpose; don't list them all.
        config.validation.nav.omitted_files = logging.DEBUG
    # kb.js fetches the help-block widget (help/kb-help.js) only when a page needs it.
    for uri in SITE_ASSETS:
        target = config.extra_javascript if uri.endswith(".js") else config.extra_css
        if uri not in target:
            target.append(uri)
    return site_name, site_description


def refuse_unsafe_folders(config: MkDocsConfig, settings: Settings, *, serve: bool,
                          links_checked: bool) -> None:
    """Stop before MkDocs empties site_dir and walks (following links) docs_dir.
    `mkdocs serve` builds into a new temporary folder; `kb build` has checked the
    links already (`links_checked`)."""
    root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    if not serve:
        problem = site_dir_problem(config.site_dir, root, config.docs_dir, shown(config),
                                   raw_text(config.config_file_path))
        if problem:
            raise PluginError(f"kb: nothing was built\n{problem}")
    if not links_checked:
        links = link_problems(config.docs_dir, root, [os.path.join(root, settings.cache_dir)])
        if links:
            raise PluginError("kb: nothing was built\n"
                              + format_text([link.problem() for link in links]))


def shown(config: MkDocsConfig) -> str:
    """mkdocs.yml as messages show it."""
    path = config.config_file_path
    return os.path.relpath(path) if path else "mkdocs.yml"


def raw_text(path: str | None) -> str:
    """mkdocs.yml as written; kb serve renders every page again when it changes."""
    try:
        with open(path or "mkdocs.yml", encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _as_written(value: object) -> str:
    """A config text as the editor wrote it, also when kb escaped it in an earlier pass."""
    return value.unescape() if isinstance(value, Markup) else str(value or "")


def _escaped(nav: list) -> list:
    """Nav titles come from labels in mkdocs.yml; Material prints them unescaped."""
    return [{str(escape(title)): _escaped(target) if isinstance(target, list) else target
             for title, target in item.items()} for item in nav]


def _raw_config(path: str | None) -> dict:
    """mkdocs.yml as written, to tell options the editor set from theme defaults."""
    if not path or not os.path.isfile(path):
        return {}
    try:
        raw = yamlio.load_file(path)
    except (yamlio.YamlError, OSError, UnicodeDecodeError):
        return {}
    return raw if isinstance(raw, dict) else {}


def _configure_material(config: MkDocsConfig, raw: dict) -> None:
    theme = raw.get("theme")
    # Material loads Roboto from Google Fonts unless told otherwise; a shop
    # in the EU must be able to publish without that request.
    if not (isinstance(theme, dict) and "font" in theme):
        config.theme["font"] = False


def _theme_language(config: MkDocsConfig, lang: str) -> str:
    """Material loads partials/languages/<language>.html and fails when there is none:
    the closest translation the theme (or its custom_dir) has for a region variant
    ('nl' for 'nl-BE'), English for a language it lacks."""
    available: set[str] = set()
    for folder in config.theme.dirs:
        languages = os.path.join(folder, "partials", "languages")
        if os.path.isdir(languages):
            available.update(name[:-len(".html")] for name in os.listdir(languages)
                             if name.endswith(".html"))
    return theme_language(lang, available) if available else lang


def _blog_index(config: MkDocsConfig) -> str | None:
    for name in ("material/blog", "blog"):
        plugin = config.plugins.get(name)
        if plugin is not None and plugin.config.get("enabled", True):
            uri = f"{plugin.config.get('blog_dir', 'blog').strip('/')}/index.md"
            if os.path.isfile(os.path.join(config.docs_dir, uri)):
                return uri
    return None


def drop_search_plugins(config: MkDocsConfig) -> list[str]:
    """Switch off the search plugin a project still lists; the names found. kb's answer
    index (search/) and scripts answer shoppers; the plugin would index every page again,
    write search/search_index.json beside kb's files and have Material load a lunr worker.
    Material's plugin (which `- search` means under Material) has an `enabled` option
    that every one of its hooks obeys, so this uses that public option rather than taking
    hooks out of MkDocs' plugin collection. MkDocs' own plugin (other themes) has no such
    option: it keeps running, harmlessly, until the editor removes it as the message says.
    """
    found = []
    for name in SEARCH_PLUGINS:
        plugin = config.plugins.get(name)
        if plugin is None:
            continue
        found.append(name)
        if "enabled" in plugin.config:
            plugin.config["enabled"] = False
    return found


def is_search_asset(src_uri: str, abs_src_path: str | None, docs_dir: str) -> bool:
    """Whether a file is one of the theme's that Material's search alone uses (a file
    of the docs folder at such a path is the editor's own and stays)."""
    docs = os.path.join(os.path.abspath(docs_dir), "")
    return src_uri.startswith(SEARCH_ASSETS) and not (
        abs_src_path and os.path.abspath(abs_src_path).startswith(docs))
