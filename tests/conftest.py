"""Shared fixtures: small kb projects written into a temporary folder."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import yaml

from kb.settings import Settings

TODAY = "2026-11-22"
# Where fixture projects say they are published; `config(site_url=None)` leaves it out.
SITE_URL = "https://help.test.example/"

MINIMAL_ARTICLE = """\
---
title: {title}
summary: {summary}
policy: {policy}
stages: [{stage}]
reviewed: 2026-10-01
---
{body}
"""


def article(title: str = "Hoe lang heb ik om iets terug te sturen?",
            summary: str = "Je hebt 30 dagen na ontvangst.", policy: str = "returns",
            stage: str = "returns", body: str = "Het hele antwoord.", **extra: object) -> str:
    """The text of a valid article; `extra` keys are added to the front matter as YAML."""
    text = MINIMAL_ARTICLE.format(title=title, summary=summary, policy=policy, stage=stage,
                                  body=body)
    if extra:
        # JSON is valid YAML and keeps every value on one line.
        lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                        for key, value in extra.items())
        text = text.replace("reviewed: 2026-10-01\n", "reviewed: 2026-10-01\n" + lines, 1)
    return text


SMALL_TODAY = date(2026, 11, 22)

# A small Dutch help centre for the tests of the answer index, the engine and kb ask. The
# texts avoid the shoppers' words the tests ask with (terugsturen, zending, geld terug...),
# so only synonyms, forms or spelling can match.
ARTICLES = {
    "retourneren/termijn.md": article(
        title="Hoe kan ik mijn bestelling retourneren?",
        summary="Je kunt binnen 30 dagen gratis retourneren via je account.",
        body="Meld de retour aan in je account en stuur de doos naar ons magazijn."),
    "retourneren/terugbetaling.md": article(
        title="Wanneer krijg ik een terugbetaling?",
        summary="Binnen vijf werkdagen na ontvangst van je retour.",
        body="Het bedrag komt op je rekening."),
    "bezorging/wanneer.md": article(
        title="Wanneer wordt mijn pakket bezorgd?", policy="shipping", stage="delivery",
        summary="We bezorgen binnen twee werkdagen.", body="Je pakket komt met PostNL."),
    "betalen/methoden.md": article(
        title="Welke betaalmethoden kan ik gebruiken?", policy="payment", stage="order",
        summary="iDEAL, creditcard of achteraf via Klarna.",
        body="Je betaalt veilig bij de kassa."),
    "account/wachtwoord.md": article(
        title="Ik ben mijn wachtwoord vergeten", policy="privacy", stage="order",
        summary="Vraag een nieuw wachtwoord aan op de inlogpagina.",
        body="Klik op de link in de mail."),
    "product/cafeine.md": article(
        title="Hoeveel cafeïne zit er in de koffie?", policy="product", stage="research",
        summary="Een kop bevat ongeveer 80 mg cafeïne.", body="Decaf bevat bijna geen cafeïne."),
    "product/bonen.md": article(
        title="Waar komen jullie bonen vandaan?", policy="product", stage="research",
        summary="Uit Ethiopië en Colombia, biologisch geteeld.",
        body="We branden ze zelf in Utrecht.", keywords=["barista"]),
    "verzending/kosten.md": article(
        title="Wat kost verzending?", policy="shipping", stage="order",
        summary="Verzending is gratis vanaf 40 euro.", body="Daaronder betaal je 4,95 euro."),
    "acties/cadeaubon.md": article(
        title="Kan ik met een cadeaubon betalen?", policy="payment", stage="order",
        summary="Ja, vul de code in bij de kassa.", draft=True),
    "acties/kerst.md": article(
        title="Bezorgen jullie een kerstpakket?", policy="shipping", stage="order",
        summary="Vanaf december.", publish="2026-12-01"),
    "acties/zomer.md": article(
        title="Wat is de zomeractie?", policy="product", stage="research",
        summary="IJskoffie met korting.", expires="2026-09-01"),
}

NL = Settings(language="nl")
# The articles published on SMALL_TODAY.
LIVE = [src_uri for src_uri, text in ARTICLES.items()
        if not any(key in text for key in ("draft:", "publish:", "expires:"))]


def write_docs(docs: Path, articles: dict[str, str] = ARTICLES) -> Path:
    for src_uri, text in articles.items():
        path = docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return docs


class ProjectFactory:
    """Writes mkdocs.yml and articles; `root` is the project folder."""

    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"

    def config(self, kb_options: dict | None = None, **settings: object) -> Path:
        data = {
            "site_name": "Test Shop Help",
            "site_url": SITE_URL,
            "docs_dir": "docs",
            "theme": {"name": "material", "language": "nl"},
            "plugins": [{"kb": kb_options or {}}],
        }
        data.update(settings)
        if data["site_url"] is None:
            del data["site_url"]
        path = self.root / "mkdocs.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path

    def write(self, src_uri: str, text: str | bytes) -> Path:
        path = self.docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text,
                            encoding="utf-8")
        return path

    def one_per_area(self) -> None:
        """One valid article in each of the six default policy areas."""
        for policy, stage in [("product", "discovery"), ("order-status", "delivery"),
                              ("payment", "order"), ("shipping", "delivery"),
                              ("returns", "returns"), ("privacy", "research")]:
            self.write(f"{policy}/vraag.md", article(
                title=f"Een vraag over {policy}?", summary=f"Het korte antwoord over {policy}.",
                policy=policy, stage=stage))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectFactory:
    """An empty project folder that is also the working directory; today is fixed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KB_TODAY", TODAY)
    factory = ProjectFactory(tmp_path)
    factory.docs.mkdir()
    return factory


# Six short articles, one per policy area, that `kb ask` and `kb gaps` tests question.
SHOP_ARTICLES = {
    "retourneren/termijn.md": article(
        title="Hoe kan ik mijn bestelling retourneren?",
        summary="Je kunt binnen 30 dagen gratis retourneren via je account.",
        body="Meld de retour aan in je account en stuur de doos naar ons magazijn."),
    "bezorging/wanneer.md": article(
        title="Wanneer wordt mijn pakket bezorgd?", policy="shipping", stage="delivery",
        summary="We bezorgen binnen twee werkdagen.", body="Je pakket komt met PostNL."),
    "betalen/methoden.md": article(
        title="Welke betaalmethoden kan ik gebruiken?", policy="payment", stage="order",
        summary="iDEAL, creditcard of achteraf via Klarna.", body="Je betaalt veilig."),
    "account/wachtwoord.md": article(
        title="Ik ben mijn wachtwoord vergeten", policy="privacy", stage="order",
        summary="Vraag een nieuw wachtwoord aan op de inlogpagina."),
    "product/bonen.md": article(
        title="Waar komen jullie bonen vandaan?", policy="product", stage="research",
        summary="Uit Ethiopië en Colombia.", body="We branden ze zelf."),
    "bestelling/status.md": article(
        title="Wat betekent de status van mijn bestelling?", policy="order-status",
        stage="delivery", summary="Verzonden betekent dat je pakket onderweg is."),
}


REPO = Path(__file__).resolve().parent.parent


def in_fresh_python(code: str, *args: str) -> str:
    """Run `code` in a new interpreter (sys.argv[1:] = args) and return its output.

    kb forks only a process without other threads; the browser tests leave
    threads running in this one, so tests of forking run their part there."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def mkdocs_build(project: ProjectFactory) -> Path:
    """A plain `mkdocs build` of the project (no kb CLI in between); returns site/."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project.root / "mkdocs.yml"))
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return project.root / "site"


@pytest.fixture
def restore_mkdocs_state():
    """Builds change process-wide MkDocs state (the 'mkdocs' logger, and plugin
    instances MkDocs caches between builds); undo it so later tests are unaffected."""
    import logging

    from mkdocs.config.defaults import MkDocsConfig

    logger = logging.getLogger("mkdocs")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:] = saved[0]
    logger.propagate = saved[1]
    logger.setLevel(saved[2])
    dict(MkDocsConfig._schema)["plugins"].plugin_cache.clear()


EVAL_SETS = Path(__file__).resolve().parent.parent / "benchmarks" / "eval"


def eval_questions(pattern: str = "*.csv") -> list[tuple[str, str]]:
    """The questions of the eval sets matching `pattern`, in file and row order, each
    with its place (`demo-nl.csv:2`), as written."""
    found = []
    for path in sorted(EVAL_SETS.glob(pattern)):
        with open(path, encoding="utf-8", newline="") as fh:
            found += [(f"{path.name}:{n}", row["question"])
                      for n, row in enumerate(csv.DictReader(fh), 2)]
    return found
