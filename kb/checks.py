"""Checking a help centre's content: every problem `kb check` reports, found once.

`check_content` reads the articles and finds the problems of the content (each
file's, the whole site's, the answers' HTML, the popularity counts), the same for
`kb check`, `kb build` and a plain `mkdocs build`; `check_project` adds the
problems of the project around it (mkdocs.yml, the folders, links out of the
docs folder). Imported by the commands that check and by the MkDocs adapter, never
at start-up: near-duplicate questions need text analysis, which `kb --help` must
not load.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date

from kb.articles import (
    Article,
    Collection,
    Reader,
    display_path,
    load_collection,
    read_article,
)
from kb.coverage import coverage_problems, measure
from kb.popularity import load_popularity
from kb.problems import Problem
from kb.project import Project, folder_problems
from kb.reviews import review_problems, reviewable
from kb.safety import BadLink, link_problems
from kb.sanitize import body_problems
from kb.settings import Settings
from kb.similarity import duplicate_problems
from kb.site import CONTACT, HOME, STAGES_DIR, TOPICS_DIR, is_reserved


def check_project(project: Project, today: date, duplicates: bool = True
                  ) -> tuple[Collection, list[Problem]]:
    """Load every article and return all problems: configuration, files, site,
    popularity. The popularity counts travel with the collection to the build.
    `duplicates`: also look for near-duplicate questions, a warning only, and the
    costliest check at scale (5 s at 10,000 articles): `kb check` does, `kb build`
    and `kb eval` leave it to `kb check`."""
    links = link_problems(project.docs_dir, project.root, [project.cache_dir])
    collection, found = check_content(
        project.docs_dir, project.settings, today, root=project.root,
        config_shown=display_path(project.config_path), site_url=project.site_url,
        read=_not_through(links, project.docs_dir), duplicates=duplicates)
    problems = project.problems + folder_problems(project) + [link.problem() for link in links]
    return collection, problems + found


def check_content(docs_dir: str, settings: Settings, today: date, *, root: str,
                  config_shown: str, site_url: str | None, read: Reader | None = None,
                  duplicates: bool = False) -> tuple[Collection, list[Problem]]:
    """The articles of `docs_dir` and the problems of the content: each file's, the
    whole site's (`site_problems`), the answers' HTML, near-duplicate questions (with
    `duplicates`) and the popularity CSV, whose counts the collection then holds.
    `root` is the folder of mkdocs.yml, `config_shown` mkdocs.yml as messages show
    it; `read` reads one article (default: kb.articles.read_article)."""
    collection = load_collection(docs_dir, settings, today, read=read)
    problems = collection.problems + site_problems(collection, settings, today)
    problems += body_problems(collection.articles, settings.unsafe_html)
    if duplicates:
        problems += duplicate_problems(collection.articles, settings)
    collection.popularity, found = load_popularity(root, config_shown, settings, collection,
                                                   site_url)
    return collection, problems + found


def site_problems(collection: Collection, settings: Settings, today: date) -> list[Problem]:
    """Problems that only show when looking at the whole site."""
    problems = []
    for article in collection.articles:
        if is_reserved(article.src_uri):
            problems.append(Problem(article.path, "this path is reserved for a page kb "
                                    f"generates ({HOME}, {CONTACT}, {TOPICS_DIR}/, "
                                    f"{STAGES_DIR}/); move the article to another folder", 1))
    for src_uri in collection.pages:
        if is_reserved(src_uri):
            problems.append(Problem(src_uri, "this path is reserved for a page kb generates; "
                                    "move the page to another folder", 1))
    tax = settings.taxonomy
    problems += coverage_problems(measure(collection, tax, today), collection, tax,
                                  settings.language, settings.coverage_policy)
    problems += review_problems(reviewable(collection.articles, today), today,
                                settings.review_policy)
    return problems


def _not_through(links: Iterable[BadLink], docs_dir: str) -> Reader | None:
    """Read articles as usual, but not through a refused link: what it points to may be
    a secret, and a message quoting its front matter would show it."""
    refused = {os.path.relpath(link.path, docs_dir).replace(os.sep, "/") for link in links}
    if not refused:
        return None

    def read(path: str, src_uri: str, settings: Settings, today: date,
             problems: list[Problem]) -> Article | None | bool:
        if src_uri in refused:
            return False
        return read_article(path, src_uri, settings, today, problems)

    return read
