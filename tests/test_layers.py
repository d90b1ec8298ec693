"""The layers hold: the core imports no adapter library, and the commands that need
no search load no search engine.

Each test runs a fresh interpreter, so what it finds loaded is what the code
under test imported, not what earlier tests left in this process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kb
from kb.cli import cli
from tests.conftest import article, in_fresh_python

# The libraries only the adapters use: MkDocs and its theme in kb/mkdocs/, click in
# kb/cli.py, and the template engine both bring along.
ADAPTER_LIBRARIES = ("mkdocs", "material", "click", "jinja2", "markupsafe")
# All of Whoosh that kb uses: whoosh.lang (the Snowball stemmers and stop lists, in
# kb.analysis) and the whoosh.compat module those import; its index, query parsing and
# searching are no part of kb.
STEMMING_ONLY = ("whoosh", "whoosh.compat", "whoosh.lang")

# Imports each module named in argv in turn and prints, per module, the top-level
# packages that importing it loaded first.
PROBE = """
    import importlib, json, sys
    found = {}
    for name in sys.argv[1:]:
        before = {m.partition(".")[0] for m in sys.modules}
        importlib.import_module(name)
        found[name] = sorted({m.partition(".")[0] for m in sys.modules} - before)
    print(json.dumps(found))
"""


def core_modules() -> list[str]:
    """Every module of kb/ except the adapters: kb/cli.py (with kb/__main__.py, which
    only runs it) and the package kb/mkdocs/. Read from the folder, so a new module
    is covered as soon as it exists."""
    folder = Path(kb.__file__).parent
    return sorted(f"kb.{path.stem}" for path in folder.glob("*.py")
                  if path.stem not in ("cli", "__main__", "__init__"))


def loaded_by(*modules: str) -> dict[str, list[str]]:
    return json.loads(in_fresh_python(PROBE, *modules))


def imported_when_running(args: list[str],
                          cwd: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules `python -m kb ARGS` imports, as `-X importtime` lists them."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kb", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    names = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:")}
    return names, done


def test_the_module_list_covers_the_core():
    modules = core_modules()
    assert {"kb.articles", "kb.analysis", "kb.engine", "kb.project", "kb.site"} <= set(modules)
    assert "kb.cli" not in modules and not any(m.startswith("kb.mkdocs") for m in modules)


def test_no_core_module_imports_mkdocs_material_click_or_jinja():
    found = loaded_by(*core_modules())
    leaks = {module: [p for p in packages if p in ADAPTER_LIBRARIES]
             for module, packages in found.items()}
    assert {module: p for module, p in leaks.items() if p} == {}


def test_the_command_line_imports_click_but_nothing_of_mkdocs():
    # With the test above: kb/mkdocs/ is the only place that imports MkDocs.
    packages = set(loaded_by("kb.cli")["kb.cli"])
    assert "click" in packages
    assert packages.isdisjoint({"mkdocs", "material", "jinja2", "markupsafe"})


def test_the_probe_sees_an_adapter_import_mkdocs():
    packages = set(loaded_by("kb.mkdocs.plugin")["kb.mkdocs.plugin"])
    assert {"mkdocs", "jinja2"} <= packages


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))],
                         ids=lambda command: " ".join(["kb", *command, "--help"]))
def test_help_imports_no_whoosh(command, tmp_path):
    names, done = imported_when_running([*command, "--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert "kb.cli" in names  # the listing is real
    assert sorted(n for n in names if n.partition(".")[0] == "whoosh") == []


def test_help_imports_none_of_the_core(tmp_path):
    names, done = imported_when_running(["--help"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(n for n in names if n.startswith("kb.")) == ["kb.cli"]


def test_check_stems_with_whoosh_but_loads_none_of_its_search_machinery(project):
    project.config()
    project.one_per_area()
    # Two articles that ask the same: the near-duplicate check runs, and it stems.
    project.write("retour/a.md", article(title="Hoe stuur ik een pakket terug?"))
    project.write("retour/b.md", article(title="Hoe stuur ik mijn pakketten terug?"))
    names, done = imported_when_running(["check"], project.root)
    assert done.returncode == 0, done.stderr
    assert "answers nearly the same question" in done.stdout
    whoosh = {n for n in names if n.partition(".")[0] == "whoosh"}
    assert "whoosh.lang.snowball.dutch" in whoosh
    assert sorted(n for n in whoosh if n not in STEMMING_ONLY
                  and not n.startswith("whoosh.lang.")) == []

