"""The bundled demo help centre (content/) is complete and builds cleanly."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kb.checks import check_project
from kb.project import load_project

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo():
    project = load_project(str(ROOT / "mkdocs.yml"))
    collection, problems = check_project(project, TODAY)
    return project, collection, problems


def test_demo_has_no_errors(demo) -> None:
    _, _, problems = demo
    assert [str(p) for p in problems if p.is_error] == []


def test_demo_covers_every_area_stage_context_and_checklist_item(demo) -> None:
    project, collection, _ = demo
    live = collection.live(TODAY)
    assert len(live) >= 45
    tax = project.settings.taxonomy
    for policy in tax.policies:
        assert any(a.policy == policy for a in live), policy
    for stage in tax.stages:
        assert any(stage in a.stages for a in live), stage
    for context in tax.contexts:
        assert any(context in a.contexts for a in live), context
    covered = {(a.policy, item) for a in collection.articles for item in a.covers}
    for policy, term in tax.policies.items():
        for item in term.items:
            assert (policy, item) in covered, f"{policy}: {item}"


def test_demo_has_long_knowledge_base_articles_and_blog_posts(demo, tmp_path: Path) -> None:
    """On the built site: each long article's page shows its sections and a table of
    contents that links every one; the blog lists each post, on a page of its own."""
    from html import unescape

    from kb.mkdocs.builder import build_site

    project, collection, _ = demo
    site = Path(build_site(project.config_path, today=TODAY, collection=collection,
                           site_dir=str(tmp_path / "site")).site_dir)
    long_reads = [a for a in collection.live(TODAY)
                  if len(a.body.split()) >= 250 and re.search(r"^## ", a.body, re.M)]
    assert len(long_reads) >= 4
    for read in long_reads:
        html = (site / read.slug / "index.html").read_text(encoding="utf-8")
        sections = {unescape(title): anchor for anchor, title in
                    re.findall(r'<h2 id="([^"]+)">(.*?)<a class="headerlink"', html)}
        assert set(sections) == set(re.findall(r"^## (.+?)\s*$", read.body, re.M)), read.slug
        toc = html[html.index('class="md-nav md-nav--secondary"'):]
        toc = toc[:toc.index("</nav>")]
        assert all(f'href="#{anchor}"' in toc for anchor in sections.values()), read.slug

    posts = {re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.M)[1]
             for path in (ROOT / "content" / "blog" / "posts").glob("*.md")}
    assert len(posts) >= 2
    blog = (site / "blog" / "index.html").read_text(encoding="utf-8")
    listed = set(re.findall(r'href="(\d{4}/\d\d/\d\d/[^"#]+/)"', blog))
    titles = {unescape(re.search(r"<h1[^>]*>(.*?)<", (site / "blog" / link / "index.html")
                                 .read_text(encoding="utf-8"))[1]) for link in listed}
    assert titles == posts


def test_demo_shows_scheduling(demo) -> None:
    _, collection, _ = demo
    hidden = [a for a in collection.articles if not a.is_live(TODAY)]
    assert any(a.draft for a in hidden)
    assert any(a.publish and a.publish > TODAY for a in hidden)


def test_demo_configures_contact_channels(demo) -> None:
    project, _, _ = demo
    channels = project.settings.contact.channels
    assert {c.type for c in channels} >= {"chat", "phone", "email"}
    assert all(c.response_time for c in channels)


def test_demo_orders_questions_by_page_views(demo) -> None:
    from kb.site import plan_site

    project, collection, problems = demo
    counts = collection.popularity
    # Two rows for the same page (one with a campaign's query string) add up.
    assert counts["bestelling/pakket-volgen"] == 18420 + 1260
    plan = plan_site(collection, project.settings, TODAY, "Bonenbaai", counts=counts)
    assert [a.slug for a in plan.top[:3]] == [
        "bestelling/pakket-volgen", "verzenden/levertijd", "bestelling/mijn-bestellingen"]
    returns = next(x for x in plan.topics if x.term.id == "returns")
    assert returns.questions[0].slug == "retourneren/retourtermijn"
    # Pages that no longer exist are warnings, not errors.
    stale = [p for p in problems if p.path.endswith("popularity.csv")]
    assert len(stale) == 2 and not any(p.is_error for p in stale)
