"""Draft articles for the largest gaps (`kb gaps --drafts`): one new draft per
cluster of unanswered questions, never replacing a file or repeating a question
the help centre asks already."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kb.articles import normal_title, slugify
from kb.gapreport import Cluster, GapReport
from kb.scaffold import FileTaken, NewArticle, create_article
from kb.settings import Settings


@dataclass
class Drafted:
    """What became of a cluster: the draft's path, or None and why it was skipped."""

    cluster: Cluster
    path: str | None  # None when skipped
    note: str = ""


def write_drafts(report: GapReport, folder: str, settings: Settings, today: date,
                 existing_titles: Iterable[str] = (), limit: int = 10,
                 min_size: int = 2) -> list[Drafted]:
    """A draft article for each of the `limit` largest clusters of at least `min_size`
    questions, in `folder`; a file or a title that already exists is skipped, never
    overwritten."""
    taxonomy = settings.taxonomy
    titles = {normal_title(t) for t in existing_titles}
    done: list[Drafted] = []
    for c in report.clusters:
        if len(done) >= limit or c.size < min_size:
            break
        title = c.title
        if not title:
            continue
        if normal_title(title) in titles:
            done.append(Drafted(c, None, f"an article asks {title!r} already"))
            continue
        policy = c.policy if c.policy in taxonomy.policies else next(iter(taxonomy.policies))
        stage = c.stage if c.stage in taxonomy.stages else next(iter(taxonomy.stages))
        new = NewArticle(title, policy, [stage], [], "", draft=True, keywords=c.keywords)
        try:
            path = create_article(folder, "", new, settings, today)
        except FileTaken:
            done.append(Drafted(c, None, f"{slugify(title)}.md exists already"))
            continue
        titles.add(normal_title(title))
        done.append(Drafted(c, path))
    return done

