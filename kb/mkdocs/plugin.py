"""The `kb` MkDocs plugin: a thin adapter from MkDocs' build to kb's core.

Each hook hands its work to one function: the configuration to
`kb.mkdocs.configure`, a build's content, plan and files to
`kb.mkdocs.state.start_build` and the `Build` it returns (which calls the core:
kb.checks, kb.site, kb.structured, kb.helpblocks, kb.answers, kb.answerindex), HTML
to Jinja fragments in `kb/templates/kb/` (overridable from the theme's `custom_dir`).

Hooks appear in the order MkDocs 1.6 runs them. Once per process: on_startup.
Per build: on_config, on_files, on_nav; per page read on_pre_page,
on_page_read_source, on_page_markdown, on_page_content; on_env; for the theme's
static templates (404.html, sitemap.xml) on_template_context, before any page is
written; per page written on_page_context, on_post_page; then on_post_build, or
on_build_error when the build fails. `mkdocs serve` runs on_serve after its
first build; on_shutdown ends the process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, MutableMapping
from datetime import date
from typing import Any, Literal, cast

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.exceptions import TemplateNotFound
from jinja2.runtime import Context
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kb.answerindex import PageDoc
from kb.articles import Collection
from kb.mkdocs import incremental
from kb.mkdocs.config import KbConfig
from kb.mkdocs.configure import OVERRIDES_DIR, configure, refuse_unsafe_folders, shown
from kb.mkdocs.state import Build, start_build
from kb.popularity import popularity_path
from kb.problems import Problem, format_text, has_errors
from kb.safety import mark_site
from kb.sanitize import sanitize_html
from kb.settings import Settings, parse_settings
from kb.site import SitePlan
from kb.structured import in_head

log = logging.getLogger("mkdocs.plugins.kb")

NAV_KEY = "kb_nav_key"  # set on pages whose nav kb renders once per folder (nav.html)


class KbPlugin(BasePlugin[KbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.dirty = False
        self.settings: Settings | None = None
        # The site's name and description as written in mkdocs.yml; config's are escaped.
        self.site = ("", "")
        self.preloaded: tuple[Collection | None, date | None] = (None, None)
        # src_uri -> the editor's answer as rendered; a dirty rebuild renders changed
        # pages only and keeps the others'.
        self.answer_html: dict[str, str] = {}
        self.page_docs: dict[str, PageDoc] = {}  # likewise the site search's pages corpus
        # `kb serve` (mkdocs serve --dirty): what one build keeps for the next.
        self.session: incremental.Session | None = None
        self.build: Build | None = None  # the current build, from on_files on

    def preload(self, collection: Collection | None, today: date | None) -> None:
        """Use content the CLI has already read and reported (kb build)."""
        self.preloaded = (collection, today)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"],
                   dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.dirty = dirty
        if self.session is not None:
            self.session.close()
        self.session = incremental.Session() if self.is_serve and dirty else None

    @event_priority(100)  # before a search plugin's own (configure.drop_search_plugins)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.build = None  # MkDocs keeps plugin instances from build to build
        if not self.config.enabled:
            return None
        self.settings, problems = parse_settings(
            self.config.as_options(), shown(config), config.theme.get("language"))
        if has_errors(problems):
            raise PluginError("kb: invalid configuration\n" + format_text(problems))
        refuse_unsafe_folders(config, self.settings, serve=self.is_serve,
                              links_checked=self.preloaded[0] is not None)
        self.site = configure(config, self.settings)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.settings is None:
            return None
        # MkDocs reuses plugin instances across builds in one process: use a
        # preloaded collection once only.
        (collection, today), self.preloaded = self.preloaded, (None, None)
        if not self.dirty:  # a dirty rebuild renders changed pages only; keep the rest
            self.answer_html, self.page_docs = {}, {}
        self.build = start_build(config, files, self.settings, site=self.site,
                                 answer_html=self.answer_html, page_docs=self.page_docs,
                                 session=self.session, collection=collection, today=today,
                                 serve=self.is_serve)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig,
               files: Files) -> Navigation | None:
        if self.build is not None:
            self.build.nav_urls = {page.url for page in nav.pages}
            self.build.prepare_rebuild(files)
        return None

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page | None:
        # sitemap.xml's lastmod: when the page's answers were last reviewed, not the
        # build date MkDocs puts there.
        build = self.build
        day = build.dates.get(page.file.src_uri) if build else None
        if day is not None:
            page.update_date = day.isoformat()
        return None

    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """An article's answer as kb read it: MkDocs need not read and parse the file
        again (its front matter comes back in on_page_markdown)."""
        extras = self.build.plan.articles.get(page.file.src_uri) if self.build else None
        if extras is None or extras.article.body.startswith("---"):
            return None  # a body opening with '---' would look like front matter
        return extras.article.body

    @event_priority(100)  # other plugins' on_page_markdown see the front matter
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        if self.build is None:
            return None
        extras = self.build.plan.articles.get(page.file.src_uri)
        if extras is not None and not page.meta:  # read from memory by on_page_read_source
            page.meta = dict(extras.article.meta)
        _set_page_meta(page, self.build.plan.page_meta(page.file.src_uri, page.meta))
        return None

    @event_priority(100)  # before other plugins and kb take the HTML
    def _sanitize_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                          files: Files) -> str | None:
        """Every page rendered from an editor's Markdown (articles, the blog, other
        pages) without what could run script (kb.sanitize), unless `unsafe_html`."""
        if self.settings is None or self.settings.unsafe_html:
            return None
        return sanitize_html(html)

    def _page_body(self, html: str, /, *, page: Page, config: MkDocsConfig,
                   files: Files) -> str | None:
        """The body of kb's pages (see kb.mkdocs.state); a blog post or page of the
        editor's own is kept for the site search's pages corpus."""
        return self.build.page_body(page, html) if self.build else None

    on_page_content = CombinedEvent(_sanitize_content, _page_body)

    def on_env(self, env: Environment, /, *, config: MkDocsConfig,
               files: Files) -> Environment | None:
        # Every page is read by now and none is written yet: refuse them all at once.
        _refuse_missing_templates(env, files, self.build.plan if self.build else None)
        _cache_nav(env, config)
        if self.build is not None:
            self.build.theme_globals(env)
        if self.session is not None:
            env.bytecode_cache = self.session.theme_code
            if self.build is not None:
                self.build.date_unread_pages(files)
        elif self.build is not None:
            self.build.start_machine_files()
        return None

    def on_template_context(self, context: TemplateContext, /, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext | None:
        """404.html: kb's search, most asked questions and contact block."""
        if template_name != "404.html" or self.build is None:
            return None
        base_url = str(context.get("base_url") or "/")
        _variables(context)["kb_not_found"] = self.build.not_found(base_url)
        return context

    def _page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                      nav: Navigation) -> TemplateContext | None:
        content = self.build.page_content(page) if self.build else None
        if self.build is None or content is None:
            return None
        page.content = content
        key = self.build.nav_key(page)
        if key is not None:
            _variables(context)[NAV_KEY] = key
        return context

    @event_priority(-110)  # after Material's blog has rendered the excerpts (at -100)
    def _sanitize_excerpts(self, context: TemplateContext, /, *, page: Page,
                           config: MkDocsConfig, nav: Navigation) -> TemplateContext | None:
        """A blog index converts each post's Markdown again for its excerpt, past
        on_page_content: sanitize those too."""
        if self.settings is None or self.settings.unsafe_html:
            return None
        _sanitize_posts(_variables(context).get("posts") or ())
        return None

    on_page_context = CombinedEvent(_page_context, _sanitize_excerpts)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """The page's schema.org JSON-LD (kb.structured), at the end of <head>."""
        script = self.build.json_ld(page) if self.build else None
        return in_head(output, script) if script is not None else None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build is None:
            return
        if not self.is_serve:  # a later build may replace the folder (kb.safety)
            mark_site(config.site_dir)
        self.build.write_machine_files()  # and the answer indexes, on every build
        if self.session is not None:
            self.session.pin_outputs()
            self.session.rebuild_when_settled()

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            self.build.close()
        if self.session is not None:
            self.session.forget()

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Callable[..., Any]) -> LiveReloadServer | None:
        # The CSV usually lies next to mkdocs.yml, outside the watched docs folder.
        path = popularity_path(os.path.dirname(config.config_file_path or "mkdocs.yml"),
                               self.settings) if self.settings else None
        if path and os.path.isfile(path):
            server.watch(path)
        if self.session is not None:  # kb asks for a rebuild through a file (Session.signal)
            server.watch(self.session.watch_signal())
        return server

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()


def _variables(context: TemplateContext) -> MutableMapping[str, Any]:
    """The template context as the mapping it is: Material's templates and kb's read
    variables that MkDocs' TemplateContext does not list."""
    return cast(MutableMapping[str, Any], context)


def _set_page_meta(page: Page, shown: tuple[str, str] | None) -> None:
    """Material prints page.title and the description as they are, in the <title>,
    the header and a meta attribute: hand it escaped text. `shown`: the title and
    description of one of kb's pages (SitePlan.page_meta), None for another page."""
    if shown is None:
        _escape_page_meta(page)
        return
    title, description = shown
    page.meta["title"] = escape(title)
    if description:
        page.meta["description"] = escape(description)


def _escape_page_meta(page: Page) -> None:
    """A page's own front matter `title` and `description` (the blog, `article: false`
    pages) go into Material's <title> and <meta> as written: keep them from closing
    those tags. A title without markup stays as it is (Material's blog makes the
    post's address from it)."""
    title = page.meta.get("title")
    if isinstance(title, str) and not isinstance(title, Markup) and (
            "<" in title or ">" in title):
        page.meta["title"] = escape(title)
    description = page.meta.get("description")
    if isinstance(description, str) and not isinstance(description, Markup):
        page.meta["description"] = escape(description)


def _sanitize_posts(posts: Any) -> None:
    for post in posts:
        if isinstance(getattr(post, "content", None), str):
            post.content = sanitize_html(post.content)
        if isinstance(getattr(post, "more", None), str):
            post.more = sanitize_html(post.more)


def _refuse_missing_templates(env: Environment, files: Files, plan: SitePlan | None) -> None:
    """Stop on pages whose `template:` the theme lacks, which MkDocs would stop on with
    a traceback."""
    problems = []
    for file in files.documentation_pages():
        name = file.page.meta.get("template") if file.page is not None else None
        if name is None:
            continue
        try:
            if not isinstance(name, str):
                raise TemplateNotFound(repr(name))
            env.get_template(name)
        except TemplateNotFound:
            extras = plan.articles.get(file.src_uri) if plan is not None else None
            line = extras.article.lines.get("template") if extras is not None else None
            problems.append(Problem(
                os.path.relpath(file.abs_src_path) if file.abs_src_path else file.src_uri,
                f"expected a template of the theme but found {str(name)[:80]!r}", line,
                "template"))
    if problems:
        raise PluginError("kb: nothing was built\n" + format_text(problems))


def _cache_nav(env: Environment, config: MkDocsConfig) -> None:
    """Let kb's partials/nav.html render Material's navigation once per folder.

    Material draws the whole nav on every page, a sixth of a build. On an answer
    page (never in the nav) it depends only on the page's folder, through its
    relative links; kb's nav.html then asks kb_cached_nav for it. Material's own
    partial stays reachable as kb-theme/partials/nav.html."""
    theirs = [d for d in config.theme.dirs if d != OVERRIDES_DIR
              and os.path.isfile(os.path.join(d, "partials", "nav.html"))]
    if not theirs or env.loader is None:
        return
    env.loader = ChoiceLoader([env.loader, PrefixLoader(
        {"kb-theme": FileSystemLoader(theirs[-1])})])
    rendered: dict[str, Markup] = {}

    @pass_context
    def kb_cached_nav(context: Context) -> Markup:
        key = context[NAV_KEY]
        if key not in rendered:
            template = context.environment.get_template("kb-theme/partials/nav.html")
            rendered[key] = Markup(template.render(context.get_all()))
        return rendered[key]

    env.globals["kb_cached_nav"] = kb_cached_nav
