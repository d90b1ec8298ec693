"""Two rules on paths: where kb may write a site, and what the docs folder may link to.

`kb build` replaces its site folder as a whole, and MkDocs publishes whatever a
link in the docs folder points at. `kb check`, `kb build` and the MkDocs plugin
ask this module, so one rule holds for all three; it uses the standard library only.

The site folder must be kb's own: not the project or docs folder, nothing that
contains either, nothing inside the docs folder, not the home folder or `/`,
and, when it exists and holds files, a site kb built. kb marks every site with
`SITE_MARKER`; sites built before the marker existed are recognised by kb's own
script at `assets/kb/kb.js`, which every kb site has had.

A link in the docs folder may point to a file or folder inside the project (or
the docs folder) only: not outside it, not into a hidden file or folder such as
`.git` or `.env`, not into kb's cache, and not at a folder that contains the
link (MkDocs follows links and would walk in circles).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass

from kb.problems import Problem, display_path

SITE_MARKER = ".kb-site"
# The marker is published with the site: it says nothing a visitor may not read.
SITE_MARKER_TEXT = "A help centre built by kb. kb build replaces this folder as a whole.\n"
# Every site kb built before it wrote the marker has this file.
LEGACY_SIGNATURE = ("assets", "kb", "kb.js")
OWN_FOLDER = "kb build replaces the site folder as a whole, so give it a folder of its own " \
             "such as 'site'"


def mark_site(folder: str) -> None:
    """Mark `folder` as a site kb built (and so may replace)."""
    with open(os.path.join(folder, SITE_MARKER), "w", encoding="utf-8") as fh:
        fh.write(SITE_MARKER_TEXT)


def is_kb_site(folder: str) -> bool:
    """Whether `folder` is a site kb built: marked, or built before kb marked its sites."""
    return (os.path.isfile(os.path.join(folder, SITE_MARKER))
            or os.path.isfile(os.path.join(folder, *LEGACY_SIGNATURE)))


def site_dir_refusal(site_dir: str, project_dir: str, docs_dir: str, *,
                     home: str | None = None) -> str | None:
    """Why kb must not build into `site_dir`, as the rest of a sentence that starts
    with the folder's name; None when it may."""
    site = os.path.realpath(site_dir)
    project = os.path.realpath(project_dir)
    docs = os.path.realpath(docs_dir)
    home = os.path.realpath(os.path.expanduser("~") if home is None else home)
    if os.path.dirname(site) == site:
        return f"is the root of the file system; {OWN_FOLDER}"
    if _within(site, home) and _within(home, site):
        return f"is your home folder; {OWN_FOLDER}"
    if _within(site, project) and _within(project, site):
        return f"is the project folder (where mkdocs.yml is); {OWN_FOLDER}"
    if _within(site, docs) and _within(docs, site):
        return f"is the docs folder; {OWN_FOLDER}"
    if _within(project, site):
        return f"contains the project folder; {OWN_FOLDER}"
    if _within(docs, site):
        return f"contains the docs folder; {OWN_FOLDER}"
    if _within(site, docs):
        return (f"lies inside the docs folder, so the site would be published inside "
                f"itself; {OWN_FOLDER}")
    if os.path.lexists(site_dir) and not os.path.isdir(site):
        return "is a file, not a folder"
    if os.path.isdir(site):
        try:
            empty = not os.listdir(site)
        except OSError as exc:
            return f"cannot be read: {exc.strerror}"
        if not empty and not is_kb_site(site):
            return ("already holds files that kb did not build; kb build replaces the site "
                    "folder as a whole: choose a new or empty folder, or empty this one "
                    "yourself")
    return None


def site_dir_problem(site_dir: str, project_dir: str, docs_dir: str, shown: str,
                     config_text: str | None = None) -> Problem | None:
    """The error on mkdocs.yml's `site_dir` when kb must not build there; `shown` is
    how messages name the configuration file, `config_text` its text (for the line)."""
    refusal = site_dir_refusal(site_dir, project_dir, docs_dir)
    if refusal is None:
        return None
    # As mkdocs.yml spells it: relative to the project folder, unless far from it.
    written = os.path.relpath(os.path.abspath(site_dir), os.path.abspath(project_dir))
    if written.startswith(os.path.join(os.pardir, os.pardir)):
        written = os.path.abspath(site_dir)
    return Problem(shown, f"{written!r} {refusal}", _key_line(config_text, "site_dir"),
                   "site_dir")


@dataclass(frozen=True)
class BadLink:
    """A link in the docs folder that kb refuses to publish."""

    path: str  # the link as found below the docs folder (through the links it followed)
    target: str  # what the link says, as written
    reason: str  # what is wrong with where it leads, such as ", which does not exist"
    advice: str  # what the editor can do about it when kb would publish it

    @property
    def message(self) -> str:
        return f"is a link to {self.target!r}{self.reason}; {self.advice}"

    def problem(self) -> Problem:
        return Problem(display_path(self.path), self.message)


def link_problems(docs_dir: str, project_dir: str, private: Iterable[str] = ()) -> list[BadLink]:
    """Every link below `docs_dir` that points outside the project or the docs folder,
    into a hidden file or folder or a `private` folder (kb's cache), at nothing, or in
    a circle. Folders that allowed links lead to are searched too, as MkDocs follows them."""
    project = os.path.realpath(project_dir)
    docs = os.path.realpath(docs_dir)
    private = [os.path.realpath(p) for p in private]
    found: list[BadLink] = []
    # (folder as reached, its real path, real paths of the folders it was reached through)
    todo: list[tuple[str, str, tuple[str, ...]]] = [(docs_dir, docs, (docs,))]
    while todo:
        folder, real_folder, trail = todo.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name, reverse=True)
        except OSError:
            continue  # MkDocs reports a folder it cannot read itself
        for entry in listed:
            if entry.is_symlink():
                real, refused = _judge_link(entry.path, project, docs, private, trail)
                if refused is not None:
                    found.append(BadLink(entry.path, _readlink(entry.path), *refused))
                elif os.path.isdir(real):
                    todo.append((entry.path, real, trail + (real,)))
            elif entry.is_dir(follow_symlinks=False):
                real = os.path.join(real_folder, entry.name)
                todo.append((entry.path, real, trail + (real,)))
    found.sort(key=lambda link: link.path)
    return found


def link_refusal(path: str, project_dir: str, docs_dir: str,
                 private: Iterable[str] = ()) -> BadLink | None:
    """The link `path` as `link_problems` reports it when kb refuses to follow it, else
    None: one rule for the commands that follow a single link (`kb review --mark`)."""
    _, refused = _judge_link(path, os.path.realpath(project_dir),
                             os.path.realpath(docs_dir), [os.path.realpath(p) for p in private],
                             ())
    return None if refused is None else BadLink(path, _readlink(path), *refused)


def _judge_link(path: str, project: str, docs: str, private: list[str],
                trail: tuple[str, ...]) -> tuple[str, tuple[str, str] | None]:
    """The link's real target and, when it is refused, why and what to do about it."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "", (", which leads back to itself through other links", "remove the link")
        return "", (", which does not exist", "remove the link or restore what it points to")
    inside = [base for base in (project, docs) if _within(real, base)]
    if not inside:
        return real, (", outside the project folder", "kb publishes nothing from outside the "
                      "project: copy what you need into the docs folder or remove the link")
    if os.path.isdir(real) and any(_within(folder, real) for folder in trail):
        return real, (", a folder that contains the link itself, so the docs folder would "
                      "never end", "remove the link")
    for base in inside:
        parts = os.path.relpath(real, base).split(os.sep)
        hidden = [i for i, part in enumerate(parts) if part.startswith(".") and part != "."]
        if hidden:
            kind = "file" if hidden[0] == len(parts) - 1 and not os.path.isdir(real) \
                else "folder"
            return real, (f", in the project's hidden {kind} {parts[hidden[0]]!r}",
                          "kb never publishes hidden files and folders such as .git or .env: "
                          "remove the link")
    if any(_within(real, folder) for folder in private):
        return real, (", inside kb's cache folder", "remove the link")
    return real, None


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _within(path: str, folder: str) -> bool:
    """Whether the real path `path` is `folder` or lies below it."""
    if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep):
        return True
    # A case-insensitive file system (macOS, Windows) spells one folder several ways.
    try:
        folder_stat = os.stat(folder)
    except OSError:
        return False
    current = path
    while True:
        try:
            if os.path.samestat(os.stat(current), folder_stat):
                return True
        except OSError:
            pass
        parent = os.path.dirname(current)
        if parent == current:
            return False
        current = parent


def _key_line(text: str | None, key: str) -> int | None:
    """The line of a top-level key in a YAML text, found without parsing it."""
    if text is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(key) and line[len(key):].lstrip(" \t").startswith(":"):
            return number
    return None
