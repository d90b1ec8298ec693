"""Creating files for editors: a new article (`kb new`) and a starter project (`kb init`)."""

from __future__ import annotations

import json
import os
import shutil
import string
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from kb.articles import Collection, slugify
from kb.settings import Settings

STARTER_DIR = Path(__file__).parent / "starter"
STARTER_LANGUAGES = ("nl", "en")
# Packaged under names without a leading dot, which package data would skip.
_RENAMES = {"gitignore": ".gitignore", "github": ".github"}


def replace_file(path: str, data: bytes) -> None:
    """Write `path` whole or not at all, through a temporary file beside it: an
    interrupted run never leaves half an article or report. An existing file keeps
    its permissions; a new one gets the usual ones (umask)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".kb-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class ScaffoldError(Exception):
    """A file or folder is in the way; nothing was written."""


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


def create_article(docs_dir: str, folder: str, new: NewArticle, settings: Settings,
                   today: date) -> str:
    """Write the new article and return its path; refuses to overwrite."""
    folder = folder.strip("/")
    name = slugify(new.title) + ".md"
    path = os.path.join(docs_dir, folder, name) if folder else os.path.join(docs_dir, name)
    if os.path.exists(path):
        raise ScaffoldError(f"{os.path.relpath(path)} already exists; choose another "
                            "question or edit that file.")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(render_article(new, settings, today))
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
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".yml", ".md", ".txt", "") or source.name == "gitignore":
            text = source.read_text(encoding="utf-8")
            destination.write_text(string.Template(text).safe_substitute(values),
                                   encoding="utf-8")
        else:
            shutil.copyfile(source, destination)
        written.append(str(destination))
    return written
