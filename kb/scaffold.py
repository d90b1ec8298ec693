"""Creating files for editors: a new article (`kb new`) and a starter project (`kb init`)."""

from __future__ import annotations

import json
import os
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from kb.articles import Collection, display_path, slugify
from kb.files import create_file
from kb.settings import Settings

STARTER_DIR = Path(__file__).parent / "starter"
STARTER_LANGUAGES = ("nl", "en")
# Packaged under names without a leading dot, which package data would skip.
_RENAMES = {"gitignore": ".gitignore", "github": ".github"}


class ScaffoldError(Exception):
    """A file or folder is in the way; nothing was written."""


class FileTaken(ScaffoldError):
    """Something has the new file's name already; it was left as it was."""


class FolderError(ScaffoldError):
    """The folder given for a new article is not one kb reads; nothing was written."""


def _scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when that reads back the same, else quoted."""
    try:
        plain_ok = yaml.safe_load(value) == value and "#" not in value and ": " not in value
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok and value.strip() == value else json.dumps(value, ensure_ascii=False)


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def article_folder(collection: Collection, policy: str) -> str:
    """Where articles of `policy` usually live: their most common folder, else the id."""
    folders = Counter(a.src_uri.rpartition("/")[0] for a in collection.articles
                      if a.policy == policy and "/" in a.src_uri)
    return folders.most_common(1)[0][0] if folders else policy


@dataclass
class NewArticle:
    title: str
    policy: str
    stages: list[str]
    contexts: list[str]
    summary: str = ""
    draft: bool = True
    keywords: list[str] = field(default_factory=list)


def render_article(new: NewArticle, settings: Settings, today: date) -> str:
    """Complete front matter (every field present) and a body for the answer."""
    lines = [
        "---",
        f"title: {_scalar(new.title)}",
        f"summary: {_scalar(new.summary)}" if new.summary else 'summary: ""',
        f"policy: {new.policy}",
        f"stages: {_flow(new.stages)}",
        f"contexts: {_flow(new.contexts)}",
        f"keywords: {_flow(new.keywords)}",
        f"reviewed: {today.isoformat()}",
        f"review_every: {settings.review_every}",
        f"owner: {_scalar(settings.owner)}",
        "related: []",
        "covers: []",
        f"draft: {'true' if new.draft else 'false'}",
        "publish:",
        "expires:",
        "weight:",
        "---",
        "",
    ]
    return "\n".join(lines) + "\n"


def article_folder_path(docs_dir: str, folder: str) -> str:
    """The folder `folder` below `docs_dir`, where kb will find an article written in it.

    FolderError for an absolute path, a path whose '..' leads out of the docs folder,
    a folder that is a link to somewhere outside it, and a folder whose name starts
    with '.' (kb skips those).
    """
    docs_dir = os.path.abspath(docs_dir)
    shown_docs = display_path(docs_dir) + "/"
    given = folder.strip()
    if os.path.isabs(given) or given.startswith(("/", "\\")) or os.path.splitdrive(given)[0]:
        raise FolderError(f"{folder!r} is an absolute path; give a folder inside the docs "
                          f"folder {shown_docs} relative to it")
    relative = os.path.normpath(given) if given else "."
    parts = relative.replace("\\", "/").split("/")
    if parts[0] == "..":
        raise FolderError(f"{folder!r} leads outside the docs folder {shown_docs}; give a "
                          "folder inside it")
    hidden = next((p for p in parts if p.startswith(".") and p != "."), None)
    if hidden:
        raise FolderError(f"{folder!r} has a folder name starting with '.' ({hidden!r}), "
                          f"which kb skips; give another folder inside {shown_docs}")
    path = os.path.normpath(os.path.join(docs_dir, relative))
    real_docs = os.path.realpath(docs_dir)
    real = os.path.realpath(path)
    if real != real_docs and not real.startswith(real_docs.rstrip(os.sep) + os.sep):
        raise FolderError(f"{folder!r} leads through a link to {real}, outside the docs "
                          f"folder {shown_docs}; give a folder inside it")
    return path


def create_article(docs_dir: str, folder: str, new: NewArticle, settings: Settings,
                   today: date) -> str:
    """Write the new article and return its path. FileTaken when something has its
    name, FolderError for a folder outside `docs_dir`, OSError when the file system
    refuses; nothing is ever overwritten."""
    target = article_folder_path(docs_dir, folder)
    path = os.path.join(target, slugify(new.title) + ".md")
    taken = f"{display_path(path)} already exists; choose another question or edit that file."
    if os.path.lexists(path):
        raise FileTaken(taken)
    os.makedirs(target, exist_ok=True)
    # Only a folder swapped for a link since the check above could lead out now.
    article_folder_path(docs_dir, os.path.relpath(target, os.path.abspath(docs_dir)))
    try:
        create_file(path, render_article(new, settings, today).encode("utf-8"))
    except FileExistsError:
        raise FileTaken(taken) from None
    return path


def init_project(target: str, *, language: str, site_name: str, force: bool = False) -> list[str]:
    """Copy the starter project into `target`; returns the files written."""
    if language not in STARTER_LANGUAGES:
        raise ScaffoldError(f"expected one of {', '.join(STARTER_LANGUAGES)} but found "
                            f"{language!r}.")
    target_path = Path(target)
    if target_path.exists() and not target_path.is_dir():
        raise ScaffoldError(f"{target} exists and is not a folder.")
    if target_path.is_dir() and any(target_path.iterdir()) and not force:
        raise ScaffoldError(f"{target} is not empty; choose a new folder or pass --force "
                            "to add the starter files (existing files are kept).")
    values = {"site_name": site_name, "language": language,
              "site_name_yaml": _scalar(site_name)}
    written = []
    plan = []
    for source_root in (STARTER_DIR / "common", STARTER_DIR / language):
        for source in sorted(source_root.rglob("*")):
            if source.is_dir() or source.name.endswith(".pyc"):
                continue
            parts = [_RENAMES.get(p, p) for p in source.relative_to(source_root).parts]
            plan.append((source, target_path.joinpath(*parts)))
    for source, destination in plan:
        # lexists: a broken link is kept too, and never written through.
        if os.path.lexists(destination):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".yml", ".md", ".txt", "") or source.name == "gitignore":
            text = source.read_text(encoding="utf-8")
            data = string.Template(text).safe_substitute(values).encode("utf-8")
        else:
            data = source.read_bytes()
        try:
            create_file(str(destination), data)
        except FileExistsError:
            continue
        written.append(str(destination))
    return written
