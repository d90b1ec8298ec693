"""One build as the plugin sees it: what on_files sets up and every later hook uses.

`start_build` checks the content (unless `kb build` has), plans the site and adds
kb's pages and files to MkDocs' files; the `Build` it returns holds the plan,
the files, kb's Jinja environment and the work under way, and renders kb's
templates around pages. The logic lives in the core (kb.checks, kb.site,
kb.structured, kb.helpblocks, kb.answers, kb.answerindex): here it meets MkDocs'
files, pages and URLs.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from html import unescape
from urllib.parse import urljoin

from jinja2 import Environment
from jinja2.exceptions import TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import answers, background, helpblocks, structured
from kb.answerindex import FOLDER as INDEX_FOLDER
from kb.answerindex import PageDoc, build_answer_index, build_page_index
from kb.articles import Article, Collection
from kb.checks import check_content
from kb.contact import WEEKDAYS, format_ranges
from kb.helpblocks import SEARCH_PAGE
from kb.minify import engine_assets, site_assets
from kb.mkdocs.configure import is_search_asset, raw_text, shown
from kb.mkdocs.incremental import Session, Update
from kb.mkdocs.pages import page_doc, page_kind
from kb.popularity import load_popularity
from kb.problems import Problem, format_text, has_errors
from kb.project import resolve_today
from kb.settings import Settings
from kb.site import CONTACT, HOME, SitePlan, plan_site

log = logging.getLogger("mkdocs.plugins.kb")

ROBOTS = "robots.txt"
# The search page every search form leads to (contract 5 of issue 16): the page of
# a query without JavaScript, where kb's search shows the answers with it.
SEARCH_OUTPUT = "search/index.html"  # with and without use_directory_urls

Note = tuple[int, str]  # what a file writer has to log: a logging level and the message

# kb's pages are rendered in two steps: on_page_content the body (question, short
# answer, answer; a listing's title and intro), which other plugins see as the page's
# content; on_page_context the page around it (breadcrumbs, question lists, related
# questions, the contact block), once the related questions are worked out.
BODY_TEMPLATES = {"article": "kb/answer.html", "topic": "kb/listing-intro.html",
                  "stage": "kb/listing-intro.html", "contact": "kb/contact.html"}
PAGE_TEMPLATES = {"article": "kb/article.html", "topic": "kb/topic.html",
                  "stage": "kb/stage.html", "home": "kb/home.html"}
SEARCH_TEMPLATE = "kb/search.html"
AREA_QUESTIONS = 3  # the search page lists each area with its most asked questions
# Material's page configuration names its search worker: `"search": "<address>"`.
_SEARCH_WORKER = re.compile(r',\s*"search":\s*"[^"]*"')


@dataclass
class Build:
    """What one build knows from on_files on."""

    config: MkDocsConfig
    files: Files
    settings: Settings
    plan: SitePlan
    env: Environment  # kb's fragments: the theme's loader, every value escaped
    site_name: str  # as written in mkdocs.yml; config.site_name is escaped
    site_description: str  # likewise
    answer_html: dict[str, str]  # src_uri -> the editor's answer as rendered
    # src_uri -> a blog post or page of the editor's own as the pages corpus holds it
    page_docs: dict[str, PageDoc] = field(default_factory=dict)
    search_page: bool = False  # kb makes search/ (the docs folder has none of its own)
    session: Session | None = None  # kb serve (mkdocs serve --dirty)
    update: Update | None = None  # with a session: the pages to render again
    dates: dict[str, date] = field(default_factory=dict)  # src_uri -> sitemap's lastmod
    graphs: background.Background | None = None  # src_uri -> JSON-LD of kb's pages
    machine_work: background.Background | None = None  # writing answers.json and the rest
    search_work: background.Background | None = None  # writing the site search's files
    articles: list[Article] = field(default_factory=list)  # every article read, in order
    nav_urls: set[str] = field(default_factory=set)  # pages in the nav
    fallbacks: dict[str, Markup] = field(default_factory=dict)  # contact block by its link

    # --- URLs ------------------------------------------------------------------------

    def page_url(self, src_uri: str) -> str | None:
        """The URL of the page or file `src_uri`, relative to the site root."""
        file = self.files.src_uris.get(src_uri)
        return file.url if file else None

    def relative_url(self, target: str, page: Page) -> str:
        """The URL of `target` (a src_uri) relative to `page`."""
        # src_uris.get, not get_file_from_path: that one builds a PurePath per call,
        # a second of a 10,000-article build, for keys that are POSIX paths already.
        file = self.files.src_uris.get(target)
        if file is None:
            raise PluginError(f"kb: no page {target!r} to link to from {page.file.src_uri}")
        return get_relative_url(file.url, page.url) or "."

    def absolute_url(self, src_uri: str) -> str | None:
        site_url = self.config.site_url
        file = self.files.src_uris.get(src_uri)
        return urljoin(site_url, file.url) if site_url and file else None

    # --- Rendering kb's templates --------------------------------------------------

    def kind(self, page: Page) -> str | None:
        return self.plan.kind(page.file.src_uri)

    def render(self, template: str, page: Page, **values: object) -> str:
        src_uri = page.file.src_uri
        extras = self.plan.articles.get(src_uri)
        return self.env.get_template(template).render(
            kb=self.plan, t=self.plan.t, page=page, config=self.config,
            url=lambda target: self.relative_url(target, page),
            article=extras.article if extras else None, extras=extras,
            listing=self.plan.listing(src_uri), **values,
        )

    def fallback(self, page: Page) -> Markup:
        """The contact block; the same on every page but for its link to the contact page."""
        key = self.relative_url(CONTACT, page)
        if key not in self.fallbacks:
            self.fallbacks[key] = Markup(self.render("kb/partials/fallback.html", page))
        return self.fallbacks[key]

    def is_search_page(self, page: Page) -> bool:
        return self.search_page and page.file.src_uri == SEARCH_PAGE

    def page_body(self, page: Page, html: str) -> str | None:
        """The body of a page of kb's (see BODY_TEMPLATES); None for another page,
        which the pages corpus keeps (kb.mkdocs.pages). Keeps an article's answer for
        the files for machines."""
        kind = self.kind(page)
        if kind is None:
            corpus = None if self.is_search_page(page) else page_kind(page)
            if corpus is not None:
                self.page_docs[page.file.src_uri] = page_doc(page, html, corpus)
            return None
        if kind == "article":
            self.answer_html[page.file.src_uri] = html  # for kb.answers, undecorated
        template = BODY_TEMPLATES.get(kind)
        if template is None:
            return ""
        return self.render(template, page, content=Markup(html))

    def page_content(self, page: Page) -> str | None:
        """A page of kb's in full, around its body; None for another."""
        kind = self.kind(page)
        template = PAGE_TEMPLATES.get(kind) if kind else None
        if self.is_search_page(page):
            template = SEARCH_TEMPLATE
        if template is None:
            return None
        return self.render(template, page, body=Markup(page.content or ""),
                           fallback=self.fallback(page), area_questions=AREA_QUESTIONS)

    def theme_globals(self, env: Environment) -> None:
        """What kb's header (templates/overrides/partials/header.html) and main.html
        need in the theme's environment, which does not escape: the search box's
        texts, escaped, and the search page's URL; a filter that drops the search
        worker's address from Material's page configuration."""
        t = self.plan.t
        env.globals["kb_search_box"] = {
            "page": self.page_url(SEARCH_PAGE) or "search/",
            "label": escape(t("search.label")), "button": escape(t("search.button")),
            "close": escape(t("search.close")), "placeholder": escape(t("searchpage.header"))}
        env.globals["kb_without_search_worker"] = lambda html: Markup(
            _SEARCH_WORKER.sub("", str(html)))

    def nav_key(self, page: Page) -> str | None:
        """For an answer page outside the nav, what its nav depends on: its folder
        (the nav's links are relative, the same for every page of one folder)."""
        if self.kind(page) != "article" or page.url in self.nav_urls:
            return None
        return page.url.rstrip("/").rpartition("/")[0] or "."

    def not_found(self, base_url: str) -> Markup:
        """404.html's part (see templates/overrides/404.html): search, the most asked
        questions and the contact block, linked from the site root as the page
        answers any address."""
        root = base_url.rstrip("/") + "/"

        def url(target: str) -> str:
            file = self.files.src_uris.get(target)
            if file is None:
                raise PluginError(f"kb: no page {target!r} to link to from 404.html")
            return urljoin(root, file.url)

        values = dict(kb=self.plan, t=self.plan.t, page=None, config=self.config, url=url)
        fallback = Markup(self.env.get_template("kb/partials/fallback.html").render(**values))
        return Markup(self.env.get_template("kb/not-found.html").render(fallback=fallback,
                                                                        **values))

    def json_ld(self, page: Page) -> str | None:
        """The page's schema.org JSON-LD as script text (kb.structured): kb's pages
        their own, a hand-written page or blog post its breadcrumb trail."""
        src_uri = page.file.src_uri
        if self.kind(page) is not None:
            done = self.graphs.result() if self.graphs is not None else {}
            return done.get(src_uri) or self.page_scripts([src_uri])[src_uri]
        if page.title:  # MkDocs gives a heading's text with HTML entities
            return structured.other_page_script(self.plan, unescape(str(page.title)),
                                                page.canonical_url, self.absolute_url)
        return None

    def page_scripts(self, src_uris: list[str] | None = None) -> dict[str, str]:
        return structured.page_scripts(self.plan, self.absolute_url, self.site_name,
                                       self.site_description, src_uris)

    # --- Files -----------------------------------------------------------------------

    def help_files(self) -> dict[str, str]:
        """help/ (kb.helpblocks.help_files), rendered with kb's templates."""
        def render(name: str, /, **values: object) -> str:
            return self.env.get_template(name).render(**values)

        def source(name: str) -> str:
            if self.env.loader is None:
                raise TemplateNotFound(name)
            return self.env.loader.get_source(self.env, name)[0]

        return helpblocks.help_files(
            self.plan, lambda src_uri: self.page_url(src_uri) or "",
            self.page_url(CONTACT) or "", self.settings.chat_invite_after,
            self.config.site_url, self.site_name, render, source)

    def prepare_rebuild(self, files: Files) -> None:
        """A dirty rebuild: have MkDocs render the pages whose view changed or whose
        file changed since its page was made, and remove the pages that are gone (see
        kb.mkdocs.incremental)."""
        if self.session is None or self.update is None:
            return
        config = self.config
        outputs = {f.src_uri: f.abs_dest_path for f in files if f.is_documentation_page()}
        self.session.prepare_outputs(outputs, self.update, config.site_dir)
        # MkDocs reads the files after on_nav: their stamps are taken before.
        docs = os.path.join(os.path.abspath(config.docs_dir), "")
        self.session.prepare_sources({
            f.src_uri: (f.abs_src_path, f.abs_dest_path) for f in files
            if f.abs_src_path and os.path.abspath(f.abs_src_path).startswith(docs)})

    def date_unread_pages(self, files: Files) -> None:
        """The sitemap's lastmod (see on_pre_page) of the pages a dirty rebuild did not read."""
        for file in files.documentation_pages():
            day = self.dates.get(file.src_uri)
            if file.page is not None and file.page.markdown is None and day is not None:
                file.page.update_date = day.isoformat()

    def start_search_files(self) -> None:
        """From the start of a full build: a large site writes the site search's files
        (`search_writer`) on another core while MkDocs converts Markdown; they need
        only the articles."""
        self.search_work = background.Background(
            self.search_writer(),
            enabled=len(self.plan.articles) >= background.BACKGROUND_FROM)

    def start_machine_files(self) -> None:
        """Once every answer is rendered: a large site writes the files for machines
        on another core while MkDocs fills in the page templates (full builds)."""
        if self.settings.machine_answers:
            self.machine_work = background.Background(
                self.machine_writer(),
                enabled=len(self.plan.articles) >= background.BACKGROUND_FROM)

    def write_machine_files(self) -> None:
        """The files kb adds after the pages: the site search's files (`search_writer`,
        `pages_writer`) and, with `machine_answers`, answers.json, llms.txt and a
        Markdown copy per answer (`machine_writer`). In a full build as started in
        on_files and on_env; in a dirty rebuild once the pages are served
        (Session.after_build)."""
        parts = [("the site search's files", self.search_work, self.search_writer),
                 ("the site search's pages index", None, self.pages_writer)]
        if self.settings.machine_answers:
            parts.append(("answers.json and the llms files", self.machine_work,
                          self.machine_writer))
        self.search_work = self.machine_work = None
        if self.session is None:
            for _, work, writer in parts:
                _log_notes(work.result() if work else writer()())
            return
        writes = [(what, writer()) for what, _, writer in parts]

        def write_in_background() -> None:
            for what, write in writes:
                try:
                    _log_notes(write())
                except Exception as exc:  # a thread: report, never raise
                    log.error(f"kb: {what} were not written: {exc}")

        self.session.after_build(write_in_background)

    def machine_writer(self) -> Callable[[], list[Note]]:
        """A function that writes the files for machines and notes the paths it left
        alone (an editor's own llms.txt); in a dirty rebuild only what changed."""
        site = answers.SiteInfo(self.site_name, self.config.site_url or "",
                                self.site_description, self.settings.language,
                                unsafe_html=self.settings.unsafe_html)
        taken = {f.dest_uri for f in self.files}
        site_dir, session, html = self.config.site_dir, self.session, self.answer_html

        def write() -> list[Note]:
            changed = None if session is None else partial(
                session.take_changed_files, answers=html.values(), site_dir=site_dir)
            return _kept(answers.write_machine_files(
                site_dir, self.plan, html, self.page_url, site, taken,
                memo=session.texts if session else None, changed=changed))

        return write

    def search_writer(self) -> Callable[[], list[Note]]:
        """A function that writes the site search's files (`search_files`): the answer
        index and the engine's scripts."""
        articles, settings, today = self.articles, self.settings, self.plan.today
        site = (self.config.site_url or None, self.config.use_directory_urls)
        return self._index_writer(lambda: search_files(articles, settings, today, *site),
                                  "articles")

    def pages_writer(self) -> Callable[[], list[Note]]:
        """A function that writes the pages corpus's index (search/pages/) of the blog
        posts and pages of this build (`page_docs`; a dirty rebuild keeps those of the
        pages it did not render, as long as they are in the site)."""
        pages = [doc for uri, doc in sorted(self.page_docs.items()) if uri in self.files.src_uris]
        settings, site_url = self.settings, self.config.site_url or None
        return self._index_writer(lambda: page_files(pages, settings, site_url), "pages")

    def _index_writer(self, make: Callable[[], dict[str, str]], part: str
                      ) -> Callable[[], list[Note]]:
        """A function that writes the files `make` gives; in a dirty rebuild only what
        changed, removing what is gone.

        A file the docs folder has at one of their paths is never overwritten. An
        engine script of its own is kept, as an editor's llms.txt is. A file where
        an index has one keeps kb's whole index out, with a warning (which stops a
        strict build): an index mixed from two sources answers wrongly."""
        taken = {f.dest_uri for f in self.files}
        site_dir, session = self.config.site_dir, self.session

        def write() -> list[Note]:
            files = make()
            index = {path for path in files if path.startswith(INDEX_FOLDER + "/")}
            clash = sorted(index & taken)
            if session is not None:
                files = session.take_changed_search_files(files, site_dir, part)
            kept = answers.write_files(site_dir, files, taken | index if clash else taken)
            notes = _kept(path for path in kept if path not in index)
            if clash:
                notes.append((logging.WARNING, (
                    f"kb: {', '.join(clash[:3])}{' ...' if len(clash) > 3 else ''} comes "
                    f"from the docs folder, where the site's answer index has its files; "
                    f"kb's index is not written, so the site search cannot answer: "
                    f"remove or rename the docs folder's {INDEX_FOLDER}/ files")))
            return notes

        return write

    def close(self) -> None:
        """A failed build: stop the work under way."""
        for work in (self.machine_work, self.search_work):
            if work is not None:
                work.close()
        self.machine_work = self.search_work = None


def start_build(config: MkDocsConfig, files: Files, settings: Settings, *,
                site: tuple[str, str], answer_html: dict[str, str],
                page_docs: dict[str, PageDoc], session: Session | None,
                collection: Collection | None, today: date | None, serve: bool) -> Build:
    """on_files: check the content (unless `kb build` has: `collection`), plan the site
    and add kb's pages (the search page too), assets, help/ and robots.txt to `files`;
    take Material's search assets out."""
    today = today or resolve_today()
    everything = session is not None and session.begin((raw_text(config.config_file_path),
                                                        today))
    collection = _checked(config, settings, collection, today, session, serve)
    live = {a.src_uri for a in collection.live(today)}
    for article in collection.articles:
        file = files.src_uris.get(article.src_uri)
        if article.src_uri not in live and file is not None:
            files.remove(file)
    update = None
    search_page = _search_page_free(files)
    if session is not None:  # a dirty rebuild: reuse what is unchanged
        update = session.plan_site(collection, settings, today, site[0], everything,
                                   SEARCH_PAGE if search_page else None)
        plan = update.plan
    else:
        # Related questions are first shown in on_page_context: a large site
        # works them out in a second process while MkDocs converts Markdown.
        plan = plan_site(collection, settings, today, site[0], counts=collection.popularity,
                         background=True)
    for src_uri in plan.pages():
        files.append(_stub_file(config, plan, src_uri, session))
    if search_page:
        files.append(_generated(config, SEARCH_PAGE, _search_stub(plan), session,
                                InclusionLevel.NOT_IN_NAV))  # in no nav, and no one misses it
    for file in [f for f in files if is_search_asset(f.src_uri, f.abs_src_path,
                                                     config.docs_dir)]:
        files.remove(file)
    site_name, site_description = site
    build = Build(config=config, files=files, settings=settings, plan=plan,
                  env=_environment(config, session), site_name=site_name,
                  site_description=site_description, answer_html=answer_html,
                  page_docs=page_docs, search_page=search_page, session=session,
                  update=update, articles=collection.articles)
    if session is None:
        # A large site works out its pages' JSON-LD on another core while MkDocs
        # converts Markdown: on_post_page only inserts it.
        build.graphs = background.Background(
            build.page_scripts, enabled=len(plan.articles) >= background.BACKGROUND_FROM)
        build.start_search_files()
    _add(config, files, site_assets())  # every page loads them
    _add(config, files, build.help_files())
    if files.src_uris.get(ROBOTS) is None:  # unless the docs folder has its own
        _add(config, files, {ROBOTS: structured.robots_txt(config.site_url,
                                                           f"{helpblocks.DEMO_DIR}/")})
    build.dates = structured.page_dates(plan)
    if search_page and HOME in build.dates:  # it lists what home lists: dated alike
        build.dates[SEARCH_PAGE] = build.dates[HOME]
    return build


def _checked(config: MkDocsConfig, settings: Settings, collection: Collection | None,
             today: date, session: Session | None, serve: bool) -> Collection:
    """The content kb build checked, or the docs folder's, checked now (kb.checks): its
    problems logged, the build stopped on an error (but for kb serve)."""
    root, config_shown = os.path.dirname(config.config_file_path or "mkdocs.yml"), shown(config)
    problems: list[Problem] = []
    if collection is None:
        collection, problems = check_content(
            config.docs_dir, settings, today, root=root, config_shown=config_shown,
            site_url=config.site_url, read=session.read if session else None)
    elif collection.popularity is None:
        collection.popularity, problems = load_popularity(root, config_shown, settings,
                                                          collection, config.site_url)
    if has_errors(problems) and not serve:
        raise PluginError("kb: the content has errors\n" + format_text(problems))
    # Content warnings (an overdue review under `review_policy: warn`) are
    # information: they must not fail `mkdocs build --strict`.
    for problem in problems:
        (log.error if problem.is_error else log.info)(str(problem))
    return collection


def _stub_file(config: MkDocsConfig, plan: SitePlan, src_uri: str,
               session: Session | None) -> File:
    """A generated page's file: its Markdown holds page settings only (SitePlan.stub)."""
    return _generated(config, src_uri, plan.stub(src_uri), session)


def _generated(config: MkDocsConfig, src_uri: str, text: str, session: Session | None,
               inclusion: InclusionLevel = InclusionLevel.UNDEFINED) -> File:
    if session is None:
        return File.generated(config, src_uri, content=text, inclusion=inclusion)
    # A source file whose age MkDocs compares (see Session.stub).
    return File.generated(config, src_uri, abs_src_path=session.stub(src_uri, text),
                          inclusion=inclusion)


def _search_page_free(files: Files) -> bool:
    """Whether kb makes the search page: not when the docs folder has a page of its own
    at its address, which then stays, as an editor's robots.txt does (its forms still
    lead there)."""
    return not any(f.src_uri == SEARCH_PAGE or f.dest_uri == SEARCH_OUTPUT for f in files)


def _search_stub(plan: SitePlan) -> str:
    """The search page's Markdown: page settings only (its HTML is kb/search.html)."""
    return (f"---\ntitle: {json.dumps(plan.t('searchpage.title'), ensure_ascii=False)}\n"
            'hide: ["navigation", "toc"]\n---\n')


def _environment(config: MkDocsConfig, session: Session | None) -> Environment:
    # Our fragments share the theme's loader (so `custom_dir` overrides them
    # and Material's icons can be included) but, unlike MkDocs' theme
    # environment, escape every value by default.
    env = Environment(loader=config.theme.get_env().loader, autoescape=True,
                      auto_reload=False, bytecode_cache=session.kb_code if session else None)
    env.globals.update(ranges=format_ranges, weekdays=WEEKDAYS)
    return env


def _add(config: MkDocsConfig, files: Files, contents: dict[str, str]) -> None:
    for uri, text in contents.items():
        files.append(File.generated(config, uri, content=text))


def search_files(articles: Iterable[Article], settings: Settings, today: date,
                 site_url: str | None = None, directory_urls: bool = True) -> dict[str, str]:
    """The site search's files by their place in the site: the answer index of the
    articles live on `today`, the build's day, in search/ (kb.answerindex; its meta
    says where the site is published, `site_url`, and its docs give each article's
    address as MkDocs makes it, `directory_urls`), and the answer engine's scripts
    (kb.minify)."""
    index = build_answer_index(articles, settings, today, site_url, directory_urls)
    files = {f"{INDEX_FOLDER}/{name}": data.decode("utf-8") for name, data in index.items()}
    return {**files, **engine_assets()}


def page_files(pages: list[PageDoc], settings: Settings, site_url: str | None = None
               ) -> dict[str, str]:
    """The pages corpus's index by its place in the site (search/pages/); nothing for a
    site without blog posts or pages of its own (the search then offers answers only)."""
    if not pages:
        return {}
    index = build_page_index(pages, settings, site_url)
    return {f"{INDEX_FOLDER}/{_in_pages(name)}": data.decode("utf-8")
            for name, data in index.items()}


def _in_pages(name: str) -> str:
    return name if name.startswith("pages/") else f"pages/{name}"


def _kept(paths: Iterable[str]) -> list[Note]:
    return [(logging.INFO, f"kb: {path} comes from the docs folder; kb's own is not written")
            for path in paths]


def _log_notes(notes: list[Note]) -> None:
    for level, message in notes:
        log.log(level, message)
