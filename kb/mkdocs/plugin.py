"""The `kb` MkDocs plugin: a thin adapter from MkDocs' build to kb's core.

Hooks appear in lifecycle order. Each delegates: validation to
`kb.articles`, the page plan to `kb.site`, HTML to Jinja fragments in
`kb/templates/kb/` (overridable from the theme's `custom_dir`).
"""

from __future__ import annotations

import html
import json
import logging
import os
from collections.abc import Callable
from datetime import date
from urllib.parse import urljoin

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.exceptions import TemplateNotFound
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.contrib.search import LangOption
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import answers, helpblocks, site, structured, yamlio
from kb.articles import Collection, load_collection
from kb.background import Background
from kb.contact import WEEKDAYS, format_ranges
from kb.i18n import base_language, theme_language
from kb.mkdocs import incremental
from kb.mkdocs.config import KbConfig
from kb.popularity import load_popularity, popularity_path
from kb.problems import Problem, format_text, has_errors
from kb.project import resolve_today, site_url_problem
from kb.safety import link_problems, mark_site, site_dir_problem
from kb.sanitize import body_problems, sanitize_html
from kb.search import analyzer_for, fold, site_terms, thesaurus_for
from kb.settings import Settings, parse_settings
from kb.site import CONTACT, SitePlan, plan_site, site_nav, site_problems
from kb.siteindex import TERMS_BOOST, TERMS_FIELD, TEXT_BOOST, TEXT_FIELD, compact

log = logging.getLogger("mkdocs.plugins.kb")

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # kb/
TEMPLATES_DIR = os.path.join(PACKAGE_DIR, "templates")
# Theme templates kb replaces (404.html): searched before the theme's, after custom_dir.
OVERRIDES_DIR = os.path.join(TEMPLATES_DIR, "overrides")
ROBOTS = "robots.txt"
NAV_KEY = "kb_nav_key"  # set on pages whose nav kb renders once per folder (nav.html)
ASSETS = {"assets/kb/kb.css": "kb.css", "assets/kb/kb.js": "kb.js"}
SEARCH_PIPELINE = ["stemmer", "stopWordFilter", "trimmer"]
SEARCH_FEATURES = ("search.suggest", "search.highlight")


class KbPlugin(BasePlugin[KbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.settings: Settings | None = None
        self.plan: SitePlan | None = None
        self.env: Environment | None = None
        self.generated: dict[str, tuple[str, str]] = {}  # src_uri -> (kind, title)
        self.fallbacks: dict[str, Markup] = {}  # rendered contact block by contact URL
        self.files: Files | None = None
        self.preloaded: tuple[Collection | None, date | None] = (None, None)
        self.site_name = ""  # as written in mkdocs.yml; config.site_name is escaped
        self.site_description = ""  # likewise
        self.dates: dict[str, date] = {}  # src_uri -> the sitemap's lastmod
        self.dirty = False
        self.answer_html: dict[str, str] = {}  # src_uri -> the editor's answer as rendered
        self.machine_work: Background | None = None  # writing answers.json and the rest
        self.nav_urls: set[str] = set()  # pages in the nav
        self.graphs: Background | None = None  # src_uri -> JSON-LD of kb's pages
        # `kb serve` (mkdocs serve --dirty): what one build keeps for the next, and the
        # current build's plan with the pages it asks to be rendered again.
        self.session: incremental.Session | None = None
        self.update: incremental.Update | None = None

    def preload(self, collection: Collection | None, today: date | None) -> None:
        """Use content the CLI has already read and reported (kb build)."""
        self.preloaded = (collection, today)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.is_serve = command == "serve"
        self.dirty = dirty
        if self.session is not None:
            self.session.close()
        self.session = incremental.Session() if self.is_serve and dirty else None

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()

    @event_priority(100)  # before the search plugin fills in its own defaults
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        source = config.config_file_path or "mkdocs.yml"
        shown = os.path.relpath(source) if config.config_file_path else source
        self.settings, problems = parse_settings(
            self.config.as_options(), shown, config.theme.get("language")
        )
        if has_errors(problems):
            raise PluginError("kb: invalid configuration\n" + format_text(problems))
        self._refuse_unsafe_folders(config, shown)
        lang = self.settings.language
        config.theme["language"] = _theme_language(config, lang)
        # Material prints the site name as it is (<title>, header, logo label); kb's own
        # output (JSON-LD, answers.json, templates) escapes where it writes, so it keeps
        # the name as written.
        self.site_name = _as_written(config.site_name)
        config.site_name = escape(self.site_name)
        self.site_description = _as_written(config.site_description)
        config.site_description = escape(self.site_description) or None
        config.theme.dirs.append(TEMPLATES_DIR)
        raw = _raw_config(config.config_file_path)
        if config.theme.name == "material":
            _configure_material(config, raw)
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, OVERRIDES_DIR)
        if not config.site_url:  # information, like content warnings: --strict still builds
            log.info(str(site_url_problem(shown)))
        _configure_search(config, lang)
        if config.nav is None:
            config.nav = _escaped(site_nav(self.settings, _blog_index(config)))
            # Articles are left out of the nav on purpose; don't list them all.
            config.validation.nav.omitted_files = logging.DEBUG
        # kb.js fetches the help-block widget (help/kb-help.js) only when a page needs it.
        for uri in ASSETS:
            target = config.extra_javascript if uri.endswith(".js") else config.extra_css
            if uri not in target:
                target.append(uri)
        return config

    def _refuse_unsafe_folders(self, config: MkDocsConfig, shown: str) -> None:
        """Stop before MkDocs empties site_dir and walks (following links) docs_dir."""
        assert self.settings is not None
        root = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        if not self.is_serve:  # mkdocs serve builds into a new temporary folder
            problem = site_dir_problem(config.site_dir, root, config.docs_dir, shown,
                                       _raw_text(config.config_file_path))
            if problem:
                raise PluginError(f"kb: nothing was built\n{problem}")
        if self.preloaded[0] is None:  # kb build has checked the links already
            links = link_problems(config.docs_dir, root,
                                  [os.path.join(root, self.settings.cache_dir)])
            if links:
                raise PluginError("kb: nothing was built\n"
                                  + format_text([link.problem() for link in links]))

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.settings is None:
            return None
        # MkDocs reuses plugin instances across builds in one process: use a
        # preloaded collection once only.
        (collection, today), self.preloaded = self.preloaded, (None, None)
        today = today or resolve_today()
        session = self.session
        everything = session is not None and session.begin(
            (_raw_text(config.config_file_path), today))
        problems = []
        if collection is None:
            collection = load_collection(config.docs_dir, self.settings, today,
                                         read=session.read if session else None)
            problems = collection.problems + site_problems(collection, self.settings, today)
            problems += body_problems(collection.articles, config.docs_dir,
                                      self.settings.unsafe_html)
        if collection.popularity is None:
            collection.popularity, found = load_popularity(
                os.path.dirname(config.config_file_path or "mkdocs.yml"),
                _shown(config), self.settings, collection, config.site_url)
            problems += found
        if problems:
            if has_errors(problems) and not self.is_serve:
                raise PluginError("kb: the content has errors\n" + format_text(problems))
            # Content warnings (an overdue review under `review_policy: warn`) are
            # information: they must not fail `mkdocs build --strict`.
            for problem in problems:
                (log.error if problem.is_error else log.info)(str(problem))

        live = {a.src_uri for a in collection.live(today)}
        for article in collection.articles:
            if article.src_uri not in live:
                files.remove(files.src_uris.get(article.src_uri))
        if session is not None:  # a dirty rebuild: reuse what is unchanged
            self.update = session.plan_site(collection, self.settings, today,
                                            self.site_name, everything)
            self.plan = self.update.plan
        else:
            # Related questions are first shown in on_page_context: a large site
            # works them out in a second process while MkDocs converts Markdown.
            self.plan = plan_site(collection, self.settings, today, self.site_name,
                                  counts=collection.popularity, background=True)
        self.generated = self.plan.pages()
        self.fallbacks = {}
        if not self.dirty:  # a dirty rebuild renders changed pages only; keep the rest
            self.answer_html = {}
        self.files = files
        for src_uri, (kind, _title) in self.generated.items():
            if session is None:
                files.append(File.generated(config, src_uri, content=_stub(kind)))
            else:  # a source file whose age MkDocs compares (see Session.stub)
                files.append(File.generated(config, src_uri,
                                            abs_src_path=session.stub(src_uri, _stub(kind))))
        # A large site works out its pages' JSON-LD on another core while MkDocs
        # converts Markdown: on_post_page only inserts it.
        self.graphs = None if session is not None else Background(
            self._all_graphs, config, enabled=len(self.plan.articles) >= site.BACKGROUND_FROM)
        # Our fragments share the theme's loader (so `custom_dir` overrides them
        # and Material's icons can be included) but, unlike MkDocs' theme
        # environment, escape every value by default.
        self.env = Environment(loader=config.theme.get_env().loader, autoescape=True,
                               auto_reload=False,
                               bytecode_cache=session.kb_code if session else None)
        self.env.globals.update(ranges=format_ranges, weekdays=WEEKDAYS)
        for uri, name in ASSETS.items():  # every page loads them: no comments, no indent
            with open(os.path.join(PACKAGE_DIR, "assets", name), encoding="utf-8") as fh:
                text = fh.read()
            minify = helpblocks.minify_js if name.endswith(".js") else helpblocks.minify_css
            files.append(File.generated(config, uri, content=minify(text)))
        self._add_help_blocks(config, files)
        self._add_robots(config, files)
        self.dates = structured.page_dates(self.plan)
        return files

    def _add_help_blocks(self, config: MkDocsConfig, files: Files) -> None:
        """help/: the embed script and stylesheet, and per context its data (JSON and
        the same as a script) and a static HTML fragment."""
        assert self.plan is not None and self.settings is not None
        plan = self.plan
        for name, text in helpblocks.widget_assets().items():
            files.append(File.generated(config, f"{helpblocks.HELP_DIR}/{name}", content=text))
        contact = files.src_uris.get(CONTACT)
        contact_url = contact.url if contact else ""

        def url_of(src_uri: str) -> str:
            file = files.src_uris.get(src_uri)
            return file.url if file else ""

        blocks = plan.help_blocks + [helpblocks.HelpBlock(helpblocks.SITE_BLOCK, "", [])]
        for block in blocks:
            invite = (self.settings.chat_invite_after if block.id == helpblocks.SITE_BLOCK
                      else None)
            data = helpblocks.block_data(block, plan.channels, plan.t, plan.today, url_of,
                                         contact_url, invite)
            base = f"{helpblocks.HELP_DIR}/{block.id}"
            files.append(File.generated(config, base + ".json",
                                        content=helpblocks.data_json(data)))
            files.append(File.generated(config, base + ".js",
                                        content=helpblocks.data_script(data)))
            if block.id != helpblocks.SITE_BLOCK:
                html = self.env.get_template("kb/help/block.html").render(
                    data=helpblocks.absolute_links(data, config.site_url),
                    hours={c.id: plan.t.hours(c.hours) for c in plan.channels if c.hours})
                files.append(File.generated(config, base + ".html", content=html))
        self._add_demo(config, files)

    def _add_demo(self, config: MkDocsConfig, files: Files) -> None:
        """help/demo/: a made-up shop's product and cart pages embedding the blocks."""
        assert self.plan is not None and self.settings is not None
        lang = self.plan.t.lang
        words = helpblocks.DEMO_WORDS.get(lang, helpblocks.DEMO_WORDS["en"])
        pages = helpblocks.demo_pages(list(self.settings.taxonomy.contexts))
        template = self.env.get_template("kb/help/demo.html")
        for name, blocks in pages.items():
            html = template.render(page=name, lang=lang, site_name=self.site_name,
                                   blocks=blocks, words=words, pages=list(pages))
            files.append(File.generated(config, f"{helpblocks.DEMO_DIR}/{name}.html",
                                        content=html))
        css, _, _ = self.env.loader.get_source(self.env, "kb/help/shop.css")
        files.append(File.generated(config, f"{helpblocks.DEMO_DIR}/shop.css", content=css))

    def _add_robots(self, config: MkDocsConfig, files: Files) -> None:
        """robots.txt, unless the docs folder has its own."""
        if files.src_uris.get(ROBOTS) is None:
            files.append(File.generated(config, ROBOTS, content=structured.robots_txt(
                config.site_url, f"{helpblocks.DEMO_DIR}/")))

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        """A dirty rebuild: have MkDocs render the pages whose view changed or whose
        file changed since its page was made, and remove the pages that are gone (see
        kb.mkdocs.incremental)."""
        self.nav_urls = {page.url for page in nav.pages}
        if self.session is not None and self.update is not None:
            outputs = {f.src_uri: f.abs_dest_path for f in files if f.is_documentation_page()}
            self.session.prepare_outputs(outputs, self.update, config.site_dir)
            # MkDocs reads the files after on_nav: their stamps are taken before.
            docs = os.path.join(os.path.abspath(config.docs_dir), "")
            self.session.prepare_sources({
                f.src_uri: (f.abs_src_path, f.abs_dest_path) for f in files
                if f.abs_src_path and os.path.abspath(f.abs_src_path).startswith(docs)})
        return None

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        # Every page is read by now and none is written yet: refuse them all at once.
        missing = _missing_templates(env, files, self.plan)
        if missing:
            raise PluginError("kb: nothing was built\n" + format_text(missing))
        _cache_nav(env, config)
        if self.session is None:
            # Every answer is rendered now: a large site writes the files for
            # machines on another core while MkDocs fills in the page templates.
            if self.plan is not None and self.settings and self.settings.machine_answers:
                self.machine_work = Background(
                    self._answers_writer(config),
                    enabled=len(self.plan.articles) >= site.BACKGROUND_FROM)
            return None
        env.bytecode_cache = self.session.theme_code
        # The sitemap's lastmod (see on_pre_page) of the pages this build did not read.
        for file in files.documentation_pages():
            day = self.dates.get(file.src_uri)
            if file.page is not None and file.page.markdown is None and day is not None:
                file.page.update_date = day.isoformat()
        return None

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page | None:
        # sitemap.xml's lastmod: when the page's answers were last reviewed, not the
        # build date MkDocs puts there.
        day = self.dates.get(page.file.src_uri) if self._kind(page) else None
        if day is not None:
            page.update_date = day.isoformat()
        return None

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """An article's answer as kb read it: MkDocs need not read and parse the file
        again (its front matter comes back in on_page_markdown)."""
        extras = self.plan.articles.get(page.file.src_uri) if self.plan else None
        if extras is None or extras.article.body.startswith("---"):
            return None  # a body opening with '---' would look like front matter
        return extras.article.body

    @event_priority(100)  # other plugins' on_page_markdown see the front matter
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        kind = self._kind(page)
        if kind is None:
            if self.plan is not None:
                _escape_page_meta(page)
            return None
        assert self.plan is not None
        src_uri = page.file.src_uri
        if kind == "article":
            article = self.plan.articles[src_uri].article
            if not page.meta:  # read from memory by on_page_read_source
                page.meta = dict(article.meta)
            title, description = article.title, article.summary
        else:
            listing = self.plan.listing(src_uri)
            title = self.generated[src_uri][1]
            description = listing.term.describe(self.plan.lang) if listing else ""
        # Material prints page.title and the description as they are, in the
        # <title>, the header and a meta attribute: hand it escaped text.
        page.meta["title"] = escape(title)
        description = page.meta.get("description") or description
        if description:
            page.meta["description"] = escape(str(description))
        return None

    # Pages are rendered in two steps. on_page_content keeps what shoppers
    # search for (question, short answer, answer; a listing's title and
    # intro); Material's search indexes that. Breadcrumbs, question lists,
    # related questions and the contact block are added in on_page_context,
    # after indexing: they are kept out of the index without the search
    # plugin having to parse them on every page.
    BODY_TEMPLATES = {"article": "kb/answer.html", "topic": "kb/listing-intro.html",
                      "stage": "kb/listing-intro.html", "contact": "kb/contact.html"}
    PAGE_TEMPLATES = {"article": "kb/article.html", "topic": "kb/topic.html",
                      "stage": "kb/stage.html", "home": "kb/home.html"}

    @event_priority(100)  # before other plugins, the search index and kb take the HTML
    def _sanitize_content(self, html: str, *, page: Page, config: MkDocsConfig,
                          files: Files) -> str | None:
        """Every page rendered from an editor's Markdown (articles, the blog, other
        pages) without what could run script (kb.sanitize), unless `unsafe_html`."""
        if self.settings is None or self.settings.unsafe_html:
            return None
        return sanitize_html(html)

    def _page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                      files: Files) -> str | None:
        kind = self._kind(page)
        if kind is None:
            return None
        if kind == "article":
            self.answer_html[page.file.src_uri] = html  # for kb.answers, undecorated
        template = self.BODY_TEMPLATES.get(kind)
        if template is None:
            return ""
        return self._render(template, page, config, files, content=Markup(html))

    on_page_content = CombinedEvent(_sanitize_content, _page_content)

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        """404.html (see templates/overrides/404.html): search, the most asked questions
        and the contact block, linked from the site root as the page answers any address."""
        if template_name != "404.html" or self.plan is None or self.env is None \
                or self.files is None:
            return None
        root = str(context.get("base_url") or "/").rstrip("/") + "/"
        files = self.files

        def url(target: str) -> str:
            file = files.src_uris.get(target)
            if file is None:
                raise PluginError(f"kb: no page {target!r} to link to from 404.html")
            return urljoin(root, file.url)

        values = dict(kb=self.plan, t=self.plan.t, page=None, config=config, url=url)
        fallback = Markup(self.env.get_template("kb/partials/fallback.html").render(**values))
        context["kb_not_found"] = Markup(self.env.get_template("kb/not-found.html").render(
            fallback=fallback, **values))
        return context

    @event_priority(-100)  # after the search plugin has indexed the page
    def _page_context(self, context: dict, *, page: Page, config: MkDocsConfig,
                      nav) -> dict | None:
        if self.session is not None:  # the search plugin has indexed it (merge_search)
            self.session.rendered.add(page.url)
        kind = self._kind(page)
        template = self.PAGE_TEMPLATES.get(kind) if kind else None
        if template is None:
            return None
        files = self.files
        page.content = self._render(template, page, config, files,
                                    body=Markup(page.content or ""),
                                    fallback=self._fallback(page, config, files))
        if kind == "article" and page.url not in self.nav_urls:
            # The nav's links are relative: the same for every page of one folder.
            context[NAV_KEY] = page.url.rstrip("/").rpartition("/")[0] or "."
        return context

    @event_priority(-110)  # after Material's blog has rendered the excerpts (at -100)
    def _sanitize_excerpts(self, context: dict, *, page: Page, config: MkDocsConfig,
                           nav) -> dict | None:
        """A blog index converts each post's Markdown again for its excerpt, past
        on_page_content: sanitize those too."""
        if self.settings is None or self.settings.unsafe_html:
            return None
        for post in context.get("posts") or ():
            if isinstance(getattr(post, "content", None), str):
                post.content = sanitize_html(post.content)
            if isinstance(getattr(post, "more", None), str):
                post.more = sanitize_html(post.more)
        return None

    on_page_context = CombinedEvent(_page_context, _sanitize_excerpts)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """The page's schema.org JSON-LD (kb.structured), at the end of <head>."""
        if self.plan is None or self.env is None or self.files is None:
            return None
        kind = self._kind(page)
        if kind is not None:
            done = self.graphs.result() if self.graphs is not None else {}
            data = done.get(page.file.src_uri) or self._graphs(config, [page.file.src_uri])[0]
        elif page.title:  # a hand-written page or blog post: its breadcrumb trail
            data = structured.script_json(structured.other_page_graph(
                self.plan, _plain(page.title), page.canonical_url, self._absolute(config)))
        else:
            return None
        head = output.find("</head>")
        if head < 0:
            return None
        script = f'<script type="application/ld+json">{data}</script>\n'
        return output[:head] + script + output[head:]

    def _absolute(self, config: MkDocsConfig) -> Callable[[str], str | None]:
        files, site_url = self.files, config.site_url
        assert files is not None

        def url_of(src_uri: str) -> str | None:
            file = files.src_uris.get(src_uri)
            return urljoin(site_url, file.url) if site_url and file else None

        return url_of

    def _graphs(self, config: MkDocsConfig, src_uris: list[str]) -> list[str]:
        """The JSON-LD of kb's pages and answers, as script text."""
        assert self.plan is not None
        url_of, kinds = self._absolute(config), self.generated
        return [structured.script_json(structured.page_graph(
            self.plan, src_uri, kinds[src_uri][0] if src_uri in kinds else "article", url_of,
            self.site_name, self.site_description)) for src_uri in src_uris]

    def _all_graphs(self, config: MkDocsConfig) -> dict[str, str]:
        uris = [*self.generated, *(self.plan.articles if self.plan else ())]
        return dict(zip(uris, self._graphs(config, uris)))

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.plan is None or self.settings is None or self.files is None:
            return
        if not self.is_serve:  # a later build may replace the folder (kb.safety)
            mark_site(config.site_dir)
        self._finish_search_index(config)
        if self.settings.machine_answers:
            self._write_answers(config)
        if self.session is not None:
            _forget_search_index(config)
            self.session.pin_outputs()
            self.session.rebuild_when_settled()

    def _finish_search_index(self, config: MkDocsConfig) -> None:
        """Compact the articles in Material's index and add the words shoppers use
        for them (see kb.siteindex)."""
        assert self.plan is not None and self.settings is not None and self.files is not None
        path = os.path.join(config.site_dir, "search", "search_index.json")
        if not os.path.isfile(path):
            return
        with open(path, encoding="utf-8") as fh:
            index = json.load(fh)
        extended = TERMS_FIELD in index.get("config", {}).get("fields", {})
        if extended:
            self._compact_search_index(index)
        elif self.session is None:
            return  # a search plugin that does not index extra fields
        if self.session is None:
            text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
        else:  # a dirty rebuild indexed the pages it rendered only: add the others
            text = self.session.search_index(
                index, [f.url for f in self.files if f.is_documentation_page()])
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)

    def _compact_search_index(self, index: dict) -> None:
        assert self.plan is not None and self.settings is not None and self.files is not None
        # Pages in the index: in a dirty rebuild only those rendered, the others are
        # compact from earlier builds already.
        indexed = {str(doc.get("location", "")).partition("#")[0]
                   for doc in index.get("docs", [])}
        analyzer = analyzer_for(self.settings.language)
        thesaurus = thesaurus_for(self.settings)
        terms, articles = {}, set()
        for src_uri, extras in self.plan.articles.items():
            file = self.files.src_uris.get(src_uri)
            if file is None or file.url not in indexed:
                continue
            articles.add(file.url)
            words = site_terms(extras.article, analyzer, thesaurus)
            if words:
                terms[file.url] = " ".join(words)
        compact(index, articles, terms, analyzer.stop_words, fold)

    def _write_answers(self, config: MkDocsConfig) -> None:
        """answers.json, llms.txt and a Markdown copy per answer (see kb.answers); in a
        full build as started in on_env, in a dirty rebuild once the pages are
        served (Session.after_build)."""
        if self.session is None:
            work, self.machine_work = self.machine_work, None
            _log_kept(work.result() if work else self._answers_writer(config)())
            return
        self.session.after_build(self._answers_writer(config))

    def _answers_writer(self, config: MkDocsConfig) -> Callable[[], list[str]]:
        """A function that writes the files for machines and returns the paths it left
        alone (an editor's own llms.txt); in a dirty rebuild it writes what changed
        only, reports errors itself and returns nothing."""
        assert self.plan is not None and self.settings is not None and self.files is not None
        files, plan, html, session = self.files, self.plan, self.answer_html, self.session
        site_dir = config.site_dir

        def url_of(src_uri: str) -> str | None:
            file = files.src_uris.get(src_uri)
            return file.url if file else None

        about = answers.SiteInfo(self.site_name, config.site_url or "",
                                 self.site_description, self.settings.language,
                                 unsafe_html=self.settings.unsafe_html)
        taken = {f.dest_uri for f in files}

        def write() -> list[str]:
            output = answers.machine_files(plan, html, url_of, about,
                                           session.texts if session else None)
            if session is not None:  # a dirty rebuild: write only what changed
                output, gone = session.unwritten(output, html.values())
                for path in gone:
                    incremental.remove_output(os.path.join(site_dir, *path.split("/")),
                                              site_dir)
            return answers.write_files(site_dir, output, taken)

        if session is None:
            return write

        def write_in_background() -> list[str]:
            try:
                _log_kept(write())
            except Exception as exc:  # a thread: report, never raise
                log.error(f"kb: answers.json and the llms files were not written: {exc}")
            return []

        return write_in_background

    def on_build_error(self, *, error: Exception) -> None:
        if self.machine_work is not None:
            self.machine_work.close()
            self.machine_work = None
        if self.session is not None:
            self.session.forget()

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        # The CSV usually lies next to mkdocs.yml, outside the watched docs folder.
        path = popularity_path(os.path.dirname(config.config_file_path or "mkdocs.yml"),
                               self.settings) if self.settings else None
        if path and os.path.isfile(path):
            server.watch(path)
        if self.session is not None:  # kb asks for a rebuild through a file (Session.signal)
            server.watch(self.session.watch_signal())
        return server

    def _kind(self, page: Page) -> str | None:
        if self.plan is None or self.env is None:
            return None
        src_uri = page.file.src_uri
        if src_uri in self.plan.articles:
            return "article"
        generated = self.generated.get(src_uri)
        return generated[0] if generated else None

    def _render(self, template: str, page: Page, config: MkDocsConfig, files: Files,
                **values: object) -> str:
        assert self.plan is not None and self.env is not None
        src_uri = page.file.src_uri
        extras = self.plan.articles.get(src_uri)
        return self.env.get_template(template).render(
            kb=self.plan, t=self.plan.t, page=page, config=config,
            url=lambda target: _url(target, page, files),
            article=extras.article if extras else None, extras=extras,
            listing=self.plan.listing(src_uri), **values,
        )

    def _fallback(self, page: Page, config: MkDocsConfig, files: Files) -> Markup:
        """The contact block; the same on every page but for its link to the contact page."""
        key = _url(CONTACT, page, files)
        if key not in self.fallbacks:
            self.fallbacks[key] = Markup(self._render("kb/partials/fallback.html", page,
                                                      config, files))
        return self.fallbacks[key]


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


def _log_kept(paths: list[str]) -> None:
    for path in paths:
        log.info(f"kb: {path} comes from the docs folder; kb's own is not written")


def _missing_templates(env, files: Files, plan: SitePlan | None) -> list[Problem]:
    """Pages whose `template:` the theme lacks, which MkDocs would stop on with a traceback."""
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
    return problems


def _cache_nav(env, config: MkDocsConfig) -> None:
    """Let kb's partials/nav.html render Material's navigation once per folder.

    Material draws the whole nav on every page, a sixth of a build. On an answer
    page (never in the nav) it depends only on the page's folder, through its
    relative links; kb's nav.html then asks kb_cached_nav for it. Material's own
    partial stays reachable as kb-theme/partials/nav.html."""
    theirs = [d for d in config.theme.dirs if d != OVERRIDES_DIR
              and os.path.isfile(os.path.join(d, "partials", "nav.html"))]
    if not theirs:
        return
    env.loader = ChoiceLoader([env.loader, PrefixLoader(
        {"kb-theme": FileSystemLoader(theirs[-1])})])
    rendered: dict[str, Markup] = {}

    @pass_context
    def kb_cached_nav(context) -> Markup:
        key = context[NAV_KEY]
        if key not in rendered:
            template = context.environment.get_template("kb-theme/partials/nav.html")
            rendered[key] = Markup(template.render(context.get_all()))
        return rendered[key]

    env.globals["kb_cached_nav"] = kb_cached_nav


def _url(target: str, page: Page, files: Files) -> str:
    """The URL of `target` (a src_uri) relative to `page`."""
    # src_uris.get, not get_file_from_path: that one builds a PurePath per call,
    # a second of a 10,000-article build, for keys that are POSIX paths already.
    file = files.src_uris.get(target)
    if file is None:
        raise PluginError(f"kb: no page {target!r} to link to from {page.file.src_uri}")
    return get_relative_url(file.url, page.url) or "."


def _as_written(value: object) -> str:
    """A config text as the editor wrote it, also when kb escaped it in an earlier pass."""
    return value.unescape() if isinstance(value, Markup) else str(value or "")


def _plain(title: str) -> str:
    """A page title as text: MkDocs gives a heading's text with HTML entities."""
    return html.unescape(str(title))


def _shown(config: MkDocsConfig) -> str:
    """mkdocs.yml as messages show it."""
    path = config.config_file_path
    return os.path.relpath(path) if path else "mkdocs.yml"


def _stub(kind: str) -> str:
    """Markdown of a generated page: only page settings; the HTML comes from templates
    and the title is set in on_page_markdown."""
    hide = ["navigation", "toc"] if kind == "home" else ["toc"]
    # The home page repeats what other pages say; keep it out of the search index.
    search = "\nsearch:\n  exclude: true" if kind == "home" else ""
    return f"---\nhide: {json.dumps(hide)}{search}\n---\n"


def _escaped(nav: list) -> list:
    """Nav titles come from labels in mkdocs.yml; Material prints them unescaped."""
    return [{str(escape(title)): _escaped(target) if isinstance(target, list) else target
             for title, target in item.items()} for item in nav]


def _raw_text(path: str | None) -> str:
    """mkdocs.yml as written; kb serve renders every page again when it changes."""
    try:
        with open(path or "mkdocs.yml", encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _forget_search_index(config: MkDocsConfig) -> None:
    """Material's search plugin merges a dirty rebuild's entries into the previous
    index as if one page had been rendered; kb merges them itself, page by page
    (Session.merge_search), so the plugin must write only what it indexed."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and getattr(plugin, "search_index_prev", None) is not None:
            plugin.search_index_prev = None


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
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    # Material loads Roboto from Google Fonts unless told otherwise; a shop
    # in the EU must be able to publish without that request.
    if "font" not in theme:
        config.theme["font"] = False
    features = config.theme["features"]
    for feature in SEARCH_FEATURES:
        if feature not in features:
            features.append(feature)


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


def _configure_search(config: MkDocsConfig, lang: str) -> None:
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is None:
            continue
        options = plugin.config
        if not options.get("lang"):
            # Set after MkDocs validated the option, so validate here: lunr has no
            # 'nl-BE' (the page would load lunr.nl-BE.js and search nothing) and
            # no stemmer for some languages (English then).
            options["lang"] = LangOption().run_validation([base_language(lang)])
        # Material's nl translation omits the stemmer, so "pakketten" would not
        # find "pakket"; put the full lunr pipeline back.
        if options.get("pipeline") is None and "pipeline" in options:
            options["pipeline"] = list(SEARCH_PIPELINE)
        if isinstance(options.get("fields"), dict):
            options["fields"].setdefault(TERMS_FIELD, {"boost": TERMS_BOOST})
            options["fields"].setdefault(TEXT_FIELD, {"boost": TEXT_BOOST})


def _blog_index(config: MkDocsConfig) -> str | None:
    for name in ("material/blog", "blog"):
        plugin = config.plugins.get(name)
        if plugin is not None and plugin.config.get("enabled", True):
            uri = f"{plugin.config.get('blog_dir', 'blog').strip('/')}/index.md"
            if os.path.isfile(os.path.join(config.docs_dir, uri)):
                return uri
    return None

