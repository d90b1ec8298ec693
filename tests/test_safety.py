"""kb.safety: where kb may write a site, and what the docs folder may link to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.safety import (
    SITE_MARKER,
    is_kb_site,
    link_problems,
    mark_site,
    site_dir_problem,
    site_dir_refusal,
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A project folder with a docs folder and a private home folder beside it."""
    root = tmp_path / "shop"
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Shop\n", encoding="utf-8")
    (root / "content" / "vraag.md").write_text("---\n---\n", encoding="utf-8")
    (tmp_path / "home").mkdir()
    return root


def refusal(site: Path | str, shop: Path) -> str | None:
    return site_dir_refusal(str(site), str(shop), str(shop / "content"),
                            home=str(shop.parent / "home"))


# --- the site folder --------------------------------------------------------------


def test_a_new_folder_or_the_default_site_folder_is_allowed(shop):
    assert refusal(shop / "site", shop) is None
    assert refusal(shop / "out" / "deep" / "site", shop) is None
    assert refusal(shop.parent / "elsewhere", shop) is None


def test_the_project_folder_is_refused(shop):
    assert "is the project folder" in refusal(shop, shop)
    assert "is the project folder" in refusal(shop / "content" / "..", shop)


def test_the_docs_folder_is_refused(shop):
    assert "is the docs folder" in refusal(shop / "content", shop)


def test_a_folder_inside_the_docs_folder_is_refused_even_when_it_does_not_exist(shop):
    assert "inside the docs folder" in refusal(shop / "content" / "site", shop)
    assert "inside the docs folder" in refusal(shop / "content" / "a" / "b", shop)


def test_an_ancestor_of_the_project_or_the_docs_folder_is_refused(shop, tmp_path):
    assert "contains the project folder" in refusal(tmp_path, shop)
    docs_elsewhere = tmp_path / "docs-elsewhere" / "content"
    docs_elsewhere.mkdir(parents=True)
    found = site_dir_refusal(str(tmp_path / "docs-elsewhere"), str(shop), str(docs_elsewhere),
                             home=str(tmp_path / "home"))
    assert "contains the docs folder" in found


def test_the_home_folder_and_the_root_of_the_file_system_are_refused(shop):
    assert "is your home folder" in refusal(shop.parent / "home", shop)
    assert "root of the file system" in refusal("/", shop)


def test_the_real_home_folder_is_refused_by_default(shop):
    assert "home folder" in site_dir_refusal(os.path.expanduser("~"), str(shop),
                                             str(shop / "content"))


def test_a_link_to_the_project_folder_is_refused_like_the_folder_itself(shop, tmp_path):
    alias = tmp_path / "alias"
    alias.symlink_to(shop, target_is_directory=True)
    assert "is the project folder" in refusal(alias, shop)


def test_a_folder_with_files_kb_did_not_build_is_refused(shop):
    theirs = shop / "public"
    theirs.mkdir()
    (theirs / "cv.pdf").write_bytes(b"%PDF")
    assert "holds files that kb did not build" in refusal(theirs, shop)


def test_an_empty_folder_and_a_site_kb_marked_are_allowed(shop):
    empty = shop / "empty"
    empty.mkdir()
    assert refusal(empty, shop) is None
    site = shop / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>", encoding="utf-8")
    assert refusal(site, shop) is not None
    mark_site(str(site))
    assert (site / SITE_MARKER).read_text(encoding="utf-8").startswith("A help centre built by kb")
    assert refusal(site, shop) is None


def test_a_site_built_before_kb_marked_its_sites_is_recognised_by_kbs_script(shop):
    site = shop / "site"
    (site / "assets" / "kb").mkdir(parents=True)
    (site / "index.html").write_text("<html>", encoding="utf-8")
    (site / "assets" / "kb" / "kb.js").write_text("", encoding="utf-8")
    assert is_kb_site(str(site))
    assert refusal(site, shop) is None


def test_a_file_is_refused_as_site_folder(shop):
    (shop / "site").write_text("not a folder", encoding="utf-8")
    assert refusal(shop / "site", shop) == "is a file, not a folder"


def test_the_site_dir_problem_names_mkdocs_yml_the_line_and_the_field(shop):
    text = "site_name: Shop\nsite_dir: content/site\n"
    problem = site_dir_problem(str(shop / "content" / "site"), str(shop), str(shop / "content"),
                               "mkdocs.yml", text)
    assert (problem.path, problem.line, problem.field) == ("mkdocs.yml", 2, "site_dir")
    assert problem.is_error
    assert site_dir_problem(str(shop / "site"), str(shop), str(shop / "content"),
                            "mkdocs.yml", text) is None


# --- links in the docs folder ------------------------------------------------------


def links(shop: Path, private: tuple[str, ...] = ()) -> dict[str, str]:
    found = link_problems(str(shop / "content"), str(shop), private)
    return {os.path.relpath(link.path, shop / "content"): link.problem().message
            for link in found}


def test_links_inside_the_project_to_ordinary_files_and_folders_are_allowed(shop):
    (shop / "shared").mkdir()
    (shop / "shared" / "logo.png").write_bytes(b"png")
    (shop / "content" / "logo.png").symlink_to("../shared/logo.png")
    (shop / "content" / "shared").symlink_to("../shared", target_is_directory=True)
    (shop / "content" / "again.md").symlink_to("vraag.md")
    (shop / "content" / "config.yml").symlink_to("../mkdocs.yml")
    assert links(shop) == {}


def test_a_link_to_a_file_outside_the_project_is_refused_naming_link_and_target(shop):
    (shop / "content" / "env.txt").symlink_to("/proc/self/environ")
    outside = shop.parent / "secret.txt"
    outside.write_text("token", encoding="utf-8")
    (shop / "content" / "notes.txt").symlink_to("../../secret.txt")
    found = links(shop)
    assert set(found) == {"env.txt", "notes.txt"}
    assert found["env.txt"].startswith("is a link to '/proc/self/environ', outside the project")
    assert found["notes.txt"].startswith("is a link to '../../secret.txt', outside the project")


def test_a_link_into_git_or_to_a_hidden_file_of_the_project_is_refused(shop):
    (shop / ".git").mkdir()
    (shop / ".git" / "config").write_text("[core]", encoding="utf-8")
    (shop / ".env").write_text("TOKEN=x", encoding="utf-8")
    (shop / "content" / "notes.txt").symlink_to("../.git/config")
    (shop / "content" / "git").symlink_to("../.git", target_is_directory=True)
    (shop / "content" / "env").symlink_to("../.env")
    found = links(shop)
    assert "hidden folder '.git'" in found["notes.txt"]
    assert "hidden folder '.git'" in found["git"]
    assert "hidden file '.env'" in found["env"]


def test_a_link_into_kbs_cache_folder_is_refused(shop):
    (shop / "cache").mkdir()
    (shop / "cache" / "state.json").write_text("{}", encoding="utf-8")
    (shop / "content" / "state.json").symlink_to("../cache/state.json")
    assert "cache" in links(shop, (str(shop / "cache"),))["state.json"]


def test_a_link_to_a_folder_that_contains_it_is_a_loop(shop):
    (shop / "content" / "loop").symlink_to("..", target_is_directory=True)
    (shop / "content" / "sub").mkdir()
    (shop / "content" / "sub" / "up").symlink_to("..", target_is_directory=True)
    found = links(shop)
    assert set(found) == {"loop", os.path.join("sub", "up")}
    assert all("contains the link itself" in message for message in found.values())


def test_a_circle_through_two_folders_is_a_loop(shop):
    (shop / "shared").mkdir()
    (shop / "content" / "a").symlink_to("../shared", target_is_directory=True)
    (shop / "shared" / "back").symlink_to("../content", target_is_directory=True)
    found = links(shop)
    assert list(found) == [os.path.join("a", "back")]
    assert "contains the link itself" in found[os.path.join("a", "back")]


def test_links_that_lead_to_each_other_or_to_nothing_are_refused(shop):
    (shop / "content" / "a").symlink_to("b")
    (shop / "content" / "b").symlink_to("a")
    (shop / "content" / "gone.png").symlink_to("missing.png")
    found = links(shop)
    assert "leads back to itself" in found["a"] and "leads back to itself" in found["b"]
    assert "does not exist" in found["gone.png"]


def test_a_link_inside_a_linked_folder_is_checked_too(shop, tmp_path):
    (shop / "shared").mkdir()
    (shop / "content" / "shared").symlink_to("../shared", target_is_directory=True)
    (shop / "shared" / "passwd").symlink_to("/etc/passwd")
    found = links(shop)
    assert list(found) == [os.path.join("shared", "passwd")]
    assert "outside the project" in found[os.path.join("shared", "passwd")]


def test_a_docs_folder_outside_the_project_may_link_within_itself(tmp_path):
    root, docs = tmp_path / "project", tmp_path / "docs"
    root.mkdir()
    docs.mkdir()
    (docs / "a.md").write_text("x", encoding="utf-8")
    (docs / "b.md").symlink_to("a.md")
    assert link_problems(str(docs), str(root)) == []
