"""kb ask's answer index (kb.answercache): the files kb build ships, built from the docs
folder for the day asked and kept in the cache folder under a key of all they depend on."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from kb import answercache
from kb.answercache import FOLDER, KEEP, OLD_FOLDER, cache_key, open_answers
from kb.settings import Settings
from tests.conftest import SHOP_ARTICLES, article, in_fresh_python

DAY = date(2026, 11, 22)
NL = Settings(language="nl")


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    for src_uri, text in SHOP_ARTICLES.items():
        path = folder / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cache(tmp_path) -> str:
    return str(tmp_path / "cache")


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """One item for each answer index built."""
    found: list[int] = []
    build = answercache.build_answer_index

    def counting(*args, **kwargs):
        found.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(answercache, "build_answer_index", counting)
    return found


def cached_files(cache: str) -> list[str]:
    return sorted(os.listdir(os.path.join(cache, FOLDER)))


def slugs(docs, cache, question: str, day: date = DAY, settings: Settings = NL) -> list[str]:
    answers = open_answers(str(docs), settings, cache, day)
    return [h.slug for h in answers.engine.ask(question).answers]


def touch(path: Path, text: str) -> None:
    """Write `text` to `path` with another modification time than it had."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 5_000_000_000, before + 5_000_000_000))


def test_the_first_open_builds_and_stores_the_second_reads_and_answers_the_same(
        docs, cache, builds):
    first = open_answers(str(docs), NL, cache, DAY)
    assert (first.built, first.broken, first.note) == (True, [], None)
    second = open_answers(str(docs), NL, cache, DAY)
    assert (second.built, len(builds)) == (False, 1)
    for question in ("retourneren", "wachtwoort vergeten", "hebben jullie vacatures"):
        assert second.engine.ask(question) == first.engine.ask(question)
    [name] = cached_files(cache)
    assert name == cache_key(str(docs), NL, DAY) + ".zip"


def test_an_edit_a_new_file_and_a_deleted_one_are_answered_at_once(docs, cache):
    assert slugs(docs, cache, "guatemala") == []
    touch(docs / "product/bonen.md", article(title="Waar komen jullie bonen vandaan?",
                                             policy="product", summary="Uit Guatemala."))
    assert slugs(docs, cache, "guatemala") == ["product/bonen"]
    touch(docs / "acties/kerst.md", article(title="Verkopen jullie een kerstpakket?"))
    assert slugs(docs, cache, "kerstpakket") == ["acties/kerst"]
    (docs / "acties/kerst.md").unlink()
    assert slugs(docs, cache, "kerstpakket") == []


def test_drafts_and_articles_not_live_on_the_day_asked_are_not_answered(docs, cache):
    touch(docs / "acties/concept.md", article(title="Kan ik met een cadeaubon betalen?",
                                              draft=True))
    touch(docs / "acties/kerst.md", article(title="Verkopen jullie een kerstpakket?",
                                            publish="2026-12-01"))
    touch(docs / "acties/zomer.md", article(title="Wat is de zomeractie?",
                                            expires="2026-09-01"))
    assert slugs(docs, cache, "cadeaubon") == []
    assert slugs(docs, cache, "cadeaubon", date(2030, 1, 1)) == []
    assert slugs(docs, cache, "kerstpakket") == []
    assert slugs(docs, cache, "kerstpakket", date(2026, 12, 1)) == ["acties/kerst"]
    assert slugs(docs, cache, "zomeractie") == []
    assert slugs(docs, cache, "zomeractie", date(2026, 8, 31)) == ["acties/zomer"]


def test_the_key_follows_the_articles_the_day_and_the_options_but_not_the_pages(docs):
    key = cache_key(str(docs), NL, DAY)
    assert cache_key(str(docs), NL, DAY) == key
    assert cache_key(str(docs), NL, date(2026, 11, 23)) != key
    assert cache_key(str(docs), Settings(language="nl", synonyms=[("a", "b")]), DAY) != key
    assert cache_key(str(docs), Settings(language="en"), DAY) != key
    touch(docs / "blog/posts/nieuws.md", "# Nieuws\n")  # blog/ is a pages folder
    assert cache_key(str(docs), NL, DAY) == key
    touch(docs / "product/bonen.md", SHOP_ARTICLES["product/bonen.md"])
    assert cache_key(str(docs), NL, DAY) != key


def test_the_key_is_the_same_in_another_process(docs):
    """No text in the key may depend on the process (a set's order, an address)."""
    code = """
        import sys
        from datetime import date
        from kb.answercache import cache_key
        from kb.project import load_project
        project = load_project(sys.argv[1])
        print(cache_key(project.docs_dir, project.settings, date(2026, 11, 22)))
    """
    demo = str(Path(__file__).resolve().parent.parent / "mkdocs.yml")
    first = in_fresh_python(code, demo)
    assert in_fresh_python(code, demo) == first and len(first.strip()) == 32


def test_a_failed_write_leaves_neither_an_index_nor_a_temporary_file(docs, cache,
                                                                     monkeypatch):
    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fail)
    answers = open_answers(str(docs), NL, cache, DAY)
    assert answers.note == "the cache folder cannot be written (No space left on device)"
    assert [h.slug for h in answers.engine.ask("retourneren").answers][:1] == [
        "retourneren/termijn"]
    assert cached_files(cache) == []


def test_a_cache_folder_that_cannot_be_made_answers_from_memory(docs, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    answers = open_answers(str(docs), NL, str(blocked), DAY)
    assert answers.built and answers.note.startswith("the cache folder cannot be written (")
    assert answers.engine.ask("retourneren").answers[0].slug == "retourneren/termijn"
    assert open_answers(str(docs), NL, None, DAY).note == "no cache folder"


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 half a zip", "meta"])
def test_a_damaged_cache_file_is_built_again(docs, cache, builds, damage):
    open_answers(str(docs), NL, cache, DAY)
    [name] = cached_files(cache)
    path = os.path.join(cache, FOLDER, name)
    if damage == "meta":  # a whole ZIP, but not the files of an index
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("broken.json", "[]")
    else:
        Path(path).write_bytes(damage)
    answers = open_answers(str(docs), NL, cache, DAY)
    assert answers.built and len(builds) == 2
    assert answers.engine.ask("retourneren").answers[0].slug == "retourneren/termijn"
    assert not open_answers(str(docs), NL, cache, DAY).built


def test_only_the_most_recent_index_files_are_kept(docs, cache):
    days = [date(2026, 11, d) for d in range(1, KEEP + 3)]
    for day in days:
        open_answers(str(docs), NL, cache, day)
    kept = cached_files(cache)
    assert len(kept) == KEEP
    assert cache_key(str(docs), NL, days[-1]) + ".zip" in kept
    assert cache_key(str(docs), NL, days[0]) + ".zip" not in kept


def test_a_crashed_runs_temporary_file_is_removed_once_it_is_old(docs, cache):
    folder = Path(cache, FOLDER)
    folder.mkdir(parents=True)
    old, recent = folder / ".tmp-old.zip", folder / ".tmp-recent.zip"
    for path in (old, recent):
        path.write_bytes(b"half")
    os.utime(old, (1, 1))
    open_answers(str(docs), NL, cache, DAY)
    assert not old.exists() and recent.exists()  # another run may be writing that one


def test_files_with_errors_are_reported_from_the_cache_too(docs, cache):
    touch(docs / "kapot.md", "---\ntitle: Kapot\n---\nGeen policy.\n")
    for built in (True, False):
        answers = open_answers(str(docs), NL, cache, DAY)
        assert answers.built is built
        assert [os.path.basename(b) for b in answers.broken] == ["kapot.md"]


def test_the_whoosh_index_kb_ask_kept_before_is_removed(docs, cache):
    old = Path(cache) / OLD_FOLDER
    (old / "sub").mkdir(parents=True)
    (old / "MAIN_1.toc").write_bytes(b"\x00" * 100)
    (old / "sub" / "kb-manifest.json").write_text("{}", encoding="utf-8")
    assert slugs(docs, cache, "retourneren")[0] == "retourneren/termijn"
    assert sorted(os.listdir(cache)) == [FOLDER]


def test_a_file_or_link_named_like_the_old_index_is_left_alone(docs, cache, tmp_path):
    Path(cache).mkdir()
    (Path(cache) / OLD_FOLDER).write_text("someone's notes", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    other = tmp_path / "cache2"
    other.mkdir()
    (other / OLD_FOLDER).symlink_to(elsewhere, target_is_directory=True)
    for folder in (cache, str(other)):
        assert slugs(docs, folder, "retourneren")[0] == "retourneren/termijn"
    assert (Path(cache) / OLD_FOLDER).read_text(encoding="utf-8") == "someone's notes"
    assert (other / OLD_FOLDER).is_symlink() and (elsewhere / "keep.txt").is_file()
