#!/usr/bin/env python
"""Build-time benchmark: `kb build` versus a plain Material for MkDocs build.

For every size N this script generates, into benchmarks/work/<N>/, projects that
share the SAME synthetic Markdown articles:

* ``kb/``        mkdocs.yml with theme material + plugins search and kb (with a
                 contact configuration); ``kb build`` generates home, topic,
                 stage and contact pages and decorates every article page.
* ``baseline/``  the same theme settings with only the search plugin, an
                 ``index.md`` and a small explicit ``nav:`` (13 entries), just as
                 kb's own nav lists sections and never every article.
* ``hugo/``      for reference only, a lower bound for any static generator: a
                 minimal Hugo site (hugo.toml, four small layouts of our own: a
                 page with title, content and a nav of the sections) whose
                 content/ holds the articles as hard links. Left out when
                 ``hugo`` is not on PATH (a note says so) or with --no-hugo.

It checks that the kb project passes ``kb check``, then times, alternating and
repeated, ``kb build``, ``mkdocs build`` of the baseline, ``kb check``,
``hugo --quiet`` (which must write a page for every article) and a full build
of the ``kb ask`` index on an empty cache folder (``answers.child index``: the
``open_answers`` of kb.answercache, in a child Python process; it also reports
that call's own time, without start-up and imports). After the rounds, one
more child (``answers.child latency``) asks answers.py's ~200 shopper-like
questions on that index, warm, and reports p50/p95 in wall and CPU time (leave
both out with --no-ask). Last, it weighs the site search data: kb's answer index
(search/*.js, each file gzipped alone, as a browser fetches only the files a
question needs) and the baseline's Material index (search/search_index.json,
which Material's worker fetches whole): raw, gzip level 9, and gzip bytes per
article. Target: warm ``kb ask`` p95 <= 50 ms at 10,000 articles.

Each command runs as a child process started with subprocess.Popen and reaped
with os.wait4(), which returns the resource usage of exactly that child: its
ru_maxrss is the peak resident set size of that one build (Linux reports it in
KiB) and ru_utime + ru_stime its CPU time. (RUSAGE_CHILDREN of this process
would only give the maximum over all builds so far.) Wall time is
time.perf_counter() around start and reap. The medians over the repeats are
reported; CPU time is shown too because it is far less disturbed by other work
on the machine than wall time is. This process imports neither Whoosh nor
answers.py, so that its own small footprint is all a child can inherit in
ru_maxrss.

Only the standard library is used (plus the `kb` and `mkdocs` commands that kb
installs, `hugo`, and answers.py in the `kb ask` children). Run:
python benchmarks/build.py --sizes 100 1000 3000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from importlib import metadata

from kb.articles import normal_title, slugify
from kb.mkdocs.builder import count_pages

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")

# --------------------------------------------------------------------------
# Synthetic content
# --------------------------------------------------------------------------

# policy id -> (folder, checklist items as in kb.taxonomy.default_taxonomy)
POLICIES = {
    "product": ("product", ["ingredients", "materials", "production", "warranty"]),
    "order-status": ("bestelling", ["track-and-trace", "status-page"]),
    "payment": ("betalen", ["payment-methods", "payment-conditions", "payment-security"]),
    "shipping": ("verzenden", ["countries", "carrier", "delivery-time", "packaging",
                               "surcharges", "out-of-stock", "express"]),
    "returns": ("retourneren", ["return-period", "refund-conditions", "return-packaging",
                                "return-costs"]),
    "privacy": ("privacy", ["personal-data", "payment-data", "no-sharing"]),
}
STAGES = ["research", "discovery", "order", "delivery", "returns"]
CONTEXTS = ["home", "product", "cart", "checkout", "order-status", "returns", "account"]
OWNERS = ["team-service", "team-logistiek", "team-retour", "team-betalen", "team-product",
          "team-privacy"]

QUESTIONS = {
    "product": [
        "Welke ingrediënten zitten er in {obj}?",
        "Van welk materiaal is {obj} gemaakt?",
        "Hoe lang is de garantie op {obj}?",
        "Waar en hoe wordt {obj} geproduceerd?",
        "Is {obj} geschikt voor {who}?",
        "Hoe onderhoud ik {obj} het best?",
        "Wat doe ik als {obj} {defect}?",
    ],
    "order-status": [
        "Hoe volg ik mijn bestelling met {obj}?",
        "Wat betekent de status '{status}' bij {obj}?",
        "Waarom zie ik geen track & trace voor {obj}?",
        "Hoe lang blijft {obj} op '{status}' staan?",
        "Kan ik {obj} nog wijzigen als de status '{status}' is?",
    ],
    "payment": [
        "Kan ik {obj} betalen met {method}?",
        "Waarom mislukt mijn betaling met {method} voor {obj}?",
        "Is betalen met {method} veilig bij {obj}?",
        "Wanneer wordt {obj} afgeschreven als ik met {method} betaal?",
        "Welke voorwaarden gelden voor {method} bij {obj}?",
    ],
    "shipping": [
        "Wat kost het verzenden van {obj} naar {country}?",
        "Hoe lang duurt de levering van {obj} naar {country}?",
        "Met welke vervoerder komt {obj} naar {country}?",
        "Kan ik {obj} met spoed laten bezorgen in {country}?",
        "Hoe wordt {obj} verpakt voor verzending naar {country}?",
        "Wat gebeurt er als {obj} niet op voorraad is bij levering in {country}?",
    ],
    "returns": [
        "Hoe lang heb ik om {obj} te retourneren?",
        "Wie betaalt de retourkosten van {obj} vanuit {country}?",
        "Hoe verpak ik {obj} als ik het terugstuur?",
        "Wanneer krijg ik mijn geld terug voor {obj}?",
        "Kan ik {obj} ruilen als {defect}?",
    ],
    "privacy": [
        "Wat doen jullie met mijn {data} als ik {obj} bestel?",
        "Hoe lang bewaren jullie mijn {data} na de aankoop van {obj}?",
        "Delen jullie mijn {data} met {party}?",
        "Hoe verwijder ik mijn {data} na een bestelling van {obj}?",
        "Hoe beveiligen jullie mijn {data} bij {obj}?",
    ],
}
FILLERS = {
    "obj": ["de espressomachine", "de bonenmaler", "de melkopschuimer", "de koffiebonen",
            "de losse thee", "het theezakje", "de cadeaubon", "het proefpakket",
            "de filterhouder", "de koffiecapsules", "het abonnement", "de thermoskan",
            "de cold brew fles", "de moka pot", "de french press", "de ontkalker",
            "de waterfilter", "de matcha", "de chai mix", "de koffiekopjes",
            "de theepot", "het barista-pakket", "de weegschaal", "de waterkoker",
            "de cadeaudoos", "de decafé bonen", "de single origin", "de pads"],
    "who": ["kinderen", "zwangere vrouwen", "veganisten", "mensen met een notenallergie",
            "een vaatwasser", "inductie", "dagelijks gebruik", "kantoorgebruik"],
    "defect": ["lekt", "niet meer aangaat", "beschadigd is aangekomen", "vreemd smaakt",
               "lawaai maakt", "niet compleet is", "verkeerd is geleverd"],
    "status": ["In behandeling", "Verzonden", "Klaar voor verzending", "Bij de vervoerder",
               "Afgeleverd", "Deels verzonden", "Geannuleerd"],
    "method": ["iDEAL", "Bancontact", "creditcard", "PayPal", "Klarna", "een cadeaubon",
               "Apple Pay", "overschrijving", "Wero"],
    "country": ["Nederland", "België", "Duitsland", "Frankrijk", "Luxemburg", "Oostenrijk",
                "de Waddeneilanden", "Spanje", "Italië"],
    "data": ["adresgegevens", "betaalgegevens", "e-mailadres", "telefoonnummer",
             "bestelgeschiedenis", "accountgegevens"],
    "party": ["adverteerders", "de vervoerder", "de betaalprovider", "marketingbureaus",
              "andere webwinkels", "sociale media"],
}
WORDS = (
    "je bestelling pakket levering bezorging retour klantenservice account betaling "
    "webwinkel product garantie termijn werkdagen adres bevestiging e-mail vervoerder "
    "afhaalpunt brievenbus verpakking doos koffie thee bonen machine onderdeel service "
    "terugbetaling voorwaarden factuur korting verzendkosten gratis vanaf binnen snel "
    "altijd meestal soms eerst daarna direct automatisch handmatig eenvoudig veilig "
    "duidelijk persoonlijk zorgvuldig controleren kiezen ontvangen versturen betalen "
    "wijzigen annuleren opnemen bekijken invullen volgen ophalen bewaren terugsturen "
    "ruilen openen sluiten beoordelen aanvragen melden registreren inloggen bevestigen "
    "vandaag morgen week maand dag uur moment tijd status code nummer link knop pagina "
    "overzicht menu formulier gegevens privacy toestemming cookie nieuwsbrief winkelwagen"
).split()
OPENERS = ["Goed om te weten:", "Let op:", "In de meeste gevallen", "Daarnaast",
           "Bovendien", "Tip:", "Soms", "Meestal", "Als je twijfelt,", "Na ontvangst"]
HEADINGS = ["Zo werkt het", "Goed om te weten", "Stap voor stap", "Kosten", "Uitzonderingen",
            "Wat je nodig hebt", "Veelgestelde vervolgvragen", "Nog vragen?", "Voorwaarden",
            "Tijdlijn"]


def sentence(rng: random.Random, low: int = 7, high: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(OPENERS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!"])


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


@dataclass
class Spec:
    policy: str
    slug: str
    title: str
    summary: str
    stages: list[str]
    contexts: list[str]
    keywords: list[str]
    reviewed: date
    review_every: int
    owner: str
    covers: list[str]
    related: list[str] = field(default_factory=list)


def plan_articles(n: int, today: date, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    policy_ids = list(POLICIES)
    titles: set[str] = set()
    slugs: set[str] = set()
    specs = []
    for i in range(n):
        policy = policy_ids[i % len(policy_ids)]
        folder, items = POLICIES[policy]
        for attempt in range(50):
            template = rng.choice(QUESTIONS[policy])
            title = re.sub(r"\{(\w+)\}", lambda m: rng.choice(FILLERS[m.group(1)]), template)
            if attempt > 10:  # the combinations run out: make it specific
                title = title[:-1] + f" (bestelling vanaf {2020 + i % 7}, variant {i})?"
            key = normal_title(title)
            if key not in titles:
                break
        titles.add(key)
        slug = f"{folder}/{slugify(title)}"
        while slug in slugs:
            slug += f"-{i}"
        slugs.add(slug)
        primary = STAGES[(i // len(policy_ids)) % len(STAGES)]
        stages = [primary] + rng.sample([s for s in STAGES if s != primary], rng.randint(0, 1))
        summary = paragraph(rng, 2)
        while len(summary) > 200:
            summary = summary[: summary.rfind(" ", 0, 196)] + "."
        keywords = sorted({w for w in (rng.choice(WORDS) for _ in range(rng.randint(2, 6)))})
        specs.append(Spec(
            policy=policy, slug=slug, title=title, summary=summary, stages=stages,
            contexts=rng.sample(CONTEXTS, rng.randint(0, 2)), keywords=keywords,
            reviewed=today - timedelta(days=rng.randint(1, 80)),
            review_every=rng.choice([90, 180, 365]), owner=rng.choice(OWNERS),
            covers=rng.sample(items, rng.randint(1, min(2, len(items)))),
        ))
    for spec in specs:
        others = rng.sample(range(n), min(n, 4))
        spec.related = [specs[j].slug for j in others if specs[j].slug != spec.slug][
            : rng.randint(1, 3)]
    return specs


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def render_article(spec: Spec, by_slug: dict[str, Spec], rng: random.Random) -> str:
    front = [
        "---",
        f"title: {json.dumps(spec.title, ensure_ascii=False)}",
        f"summary: {json.dumps(spec.summary, ensure_ascii=False)}",
        f"policy: {spec.policy}",
        f"stages: {yaml_list(spec.stages)}",
        f"contexts: {yaml_list(spec.contexts)}",
        f"keywords: {yaml_list(spec.keywords)}",
        f"reviewed: {spec.reviewed.isoformat()}",
        f"review_every: {spec.review_every}",
        f"owner: {spec.owner}",
        f"related: {yaml_list(spec.related)}",
        f"covers: {yaml_list(spec.covers)}",
        "---",
    ]
    # 150-400 words: an intro, one or two headed sections with a list, filler
    # paragraphs up to a random target, and a link to the first related question.
    target = rng.randint(150, 400)
    parts = [paragraph(rng, rng.randint(2, 4))]
    headings = rng.sample(HEADINGS, rng.randint(1, 2))
    for number, heading in enumerate(headings):
        parts.append(f"## {heading}")
        parts.append(paragraph(rng, rng.randint(1, 3)))
        marker = (lambda k: f"{k}.") if number % 2 else (lambda k: "-")
        items = [f"{marker(k + 1)} {sentence(rng, 4, 10)}" for k in range(rng.randint(3, 5))]
        if rng.random() < 0.5:
            items[0] = items[0].replace(" ", " **", 1) + "**"
        parts.append("\n".join(items))
    while True:
        words = sum(len(p.split()) for p in parts)
        extra = paragraph(rng, rng.randint(2, 3))
        if words >= target or (words >= 150 and words + len(extra.split()) > 385):
            break
        parts.append(extra)
    if spec.related:
        other = by_slug[spec.related[0]]
        here = os.path.dirname(spec.slug)
        href = os.path.relpath(other.slug + ".md", here).replace(os.sep, "/")
        parts.append(f"Lees ook: [{other.title}]({href}).")
    return "\n".join(front) + "\n" + "\n\n".join(parts) + "\n"


THEME = """\
theme:
  name: material
  language: nl
  font: false
  features:
    - navigation.top
    - search.suggest
    - search.highlight
"""

KB_PLUGIN = """\
  - kb:
      language: nl
      review_every: 180
      owner: team-service
      review_policy: warn
      top_questions: 8
      contact:
        timezone: Europe/Amsterdam
        closed: [2026-12-25, 2026-12-26, 2027-01-01]
        channels:
          - type: chat
            label: Chat met een medewerker
            link: https://shop.example/chat
            hours:
              mon-fri: "08:30-17:30"
              sat: "10:00-16:00"
            response_time: 2 minutes
          - type: phone
            number: "030 123 45 67"
            hours:
              mon-fri: "09:00-12:00, 13:00-17:00"
            response_time: 5 minutes
          - type: email
            address: klantenservice@shop.example
            response_time: 1 workday
            note: Stuur bij een vraag over een bestelling je bestelnummer mee.
"""


def generate(n: int, today: date, seed: int, root: str | None = None,
             baseline: bool = True) -> dict[str, str]:
    """Write both projects for size n (only the kb one when `baseline` is false) into
    `root` (default benchmarks/work/<n>/); returns their folders."""
    root = root or os.path.join(WORK, str(n))
    kb_dir, base_dir = os.path.join(root, "kb"), os.path.join(root, "baseline")
    shutil.rmtree(root, ignore_errors=True)
    specs = plan_articles(n, today, seed)
    by_slug = {s.slug: s for s in specs}
    rng = random.Random(seed + 1)
    for spec in specs:
        text = render_article(spec, by_slug, rng)
        for project in (kb_dir, base_dir) if baseline else (kb_dir,):
            path = os.path.join(project, "docs", spec.slug + ".md")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)

    head = ("site_name: Benchmark Klantenservice\nsite_url: https://help.shop.example/\n"
            "docs_dir: docs\n")
    with open(os.path.join(kb_dir, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write(head + THEME + "\nplugins:\n  - search\n" + KB_PLUGIN)
    if not baseline:
        return {"kb": kb_dir}

    # Baseline: index page + two articles per policy area, in sections (13 nav entries).
    labels = {"product": "Productinformatie", "order-status": "Bestelling volgen",
              "payment": "Betalen", "shipping": "Verzending", "returns": "Retourneren",
              "privacy": "Privacy"}
    nav = ["nav:", "  - Home: index.md"]
    for policy, label in labels.items():
        nav.append(f"  - {label}:")
        for spec in [s for s in specs if s.policy == policy][:2]:
            nav.append(f"      - {spec.slug}.md")
    with open(os.path.join(base_dir, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write(head + THEME + "\nplugins:\n  - search\n\n" + "\n".join(nav) + "\n")
    index = ["# Klantenservice", "", "Waar kunnen we je mee helpen?", ""]
    index += [f"- [{s.title}]({s.slug}.md)" for s in specs[:8]]
    with open(os.path.join(base_dir, "docs", "index.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(index) + "\n")
    return {"kb": kb_dir, "baseline": base_dir}


# Hugo, for reference: the lower bound of a static generator on the same Markdown.
HUGO_CONFIG = """\
baseURL = "https://help.shop.example/"
languageCode = "nl"
defaultContentLanguage = "nl"
title = "Benchmark Klantenservice"
pluralizeListTitles = false
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
</head>
<body>
<nav><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
{{- range site.Sections }} | <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
{{ .Content }}
</article>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>Waar kunnen we je mee helpen?</h1>
<ul>{{ range first 8 site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{- end }}</ul>
{{ end }}
""",
}


def write_hugo(docs_dir: str, hugo_dir: str) -> list[str]:
    """A minimal Hugo site in `hugo_dir` whose content/ holds the articles of `docs_dir`
    (hard links where possible, else copies); returns the articles' paths in docs_dir."""
    shutil.rmtree(hugo_dir, ignore_errors=True)
    layouts = os.path.join(hugo_dir, "layouts", "_default")
    os.makedirs(layouts)
    with open(os.path.join(hugo_dir, "hugo.toml"), "w", encoding="utf-8") as fh:
        fh.write(HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        target = os.path.join(layouts if name != "index.html" else
                              os.path.dirname(layouts), name)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
    sources = []
    for root, _dirs, files in os.walk(docs_dir):
        for name in files:
            if not name.endswith(".md"):
                continue
            source = os.path.join(root, name)
            sources.append(os.path.relpath(source, docs_dir))
            target = os.path.join(hugo_dir, "content", sources[-1])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
    return sorted(sources)


def hugo_pages(hugo_dir: str, sources: list[str]) -> dict:
    """HTML files Hugo wrote, and how many articles got their page (<path>/index.html)."""
    public = os.path.join(hugo_dir, "public")
    built = sum(1 for src in sources
                if os.path.isfile(os.path.join(public, src[:-len(".md")], "index.html")))
    return {"pages": count_pages(public), "articles": built}


def search_index_size(site_dir: str, articles: int) -> dict | None:
    """Raw and gzip (level 9) bytes of a site's search data, and gzip bytes per article:
    Material's search/search_index.json when the site has one, else kb's answer index
    (every file below search/, each gzipped alone; "files" counts them). None when the
    site has neither."""
    folder = os.path.join(site_dir, "search")
    material = os.path.join(folder, "search_index.json")
    if os.path.isfile(material):
        paths = [material]
    else:
        paths = [os.path.join(root, name) for root, _dirs, names in os.walk(folder)
                 for name in names if name.endswith(".js")]
    if not paths:
        return None
    raw = packed = 0
    for path in paths:
        with open(path, "rb") as fh:
            data = fh.read()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=9, mtime=0))
    return {"raw_bytes": raw, "gzip_bytes": packed, "files": len(paths),
            "gzip_bytes_per_article": packed / max(1, articles)}


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system CPU time of the child
    peak_mb: float  # peak resident set size of the child
    returncode: int
    load: float  # 1-minute load average just before the run (other work on the machine)
    busy_cores: float  # CPU use of other processes just before the run, in cores
    others_during: float = float("nan")  # same, averaged over the run itself


def _cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:9]]  # guest is in user
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_cores(interval: float = 0.5) -> float:
    """How many cores other processes keep busy (this script sleeps meanwhile)."""
    first = _cpu_ticks()
    time.sleep(interval)
    second = _cpu_ticks()
    if first is None or second is None or second[1] == first[1]:
        return float("nan")
    share = (second[0] - first[0]) / (second[1] - first[1])
    return share * (os.cpu_count() or 1)


IDLE = {"threshold": 0.0, "timeout": 0.0}  # set from the command line


def add_idle_options(parser, when: str = "before each timed command") -> None:
    """--idle-threshold and --idle-timeout; `use_idle_options` applies them."""
    parser.add_argument("--idle-threshold", type=float, default=0.3, metavar="CORES",
                        help=f"{when}, wait until other processes use less than this many "
                             "cores (default: 0.3; 0 disables waiting)")
    parser.add_argument("--idle-timeout", type=float, default=300, metavar="SECONDS",
                        help="give up waiting for an idle machine after this long "
                             "(default: 300)")


def use_idle_options(args) -> None:
    IDLE.update(threshold=args.idle_threshold, timeout=args.idle_timeout)


def wait_for_idle() -> float:
    """Wait (up to IDLE['timeout'] s) until other work uses < IDLE['threshold'] cores."""
    busy = busy_cores()
    if IDLE["threshold"] <= 0:
        return busy
    deadline = time.monotonic() + IDLE["timeout"]
    warned = False
    while busy >= IDLE["threshold"] and time.monotonic() < deadline:
        if not warned:
            print(f"   (other processes use {busy:.2f} cores; waiting for a quieter "
                  f"machine, at most {IDLE['timeout']:.0f} s)", flush=True)
            warned = True
        time.sleep(2)
        busy = busy_cores()
    return busy


def run(cmd: list[str], cwd: str, log: str) -> Run:
    """Run `cmd` as a child and reap it with os.wait4 to get its own peak RSS."""
    busy = wait_for_idle()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with open(log, "wb") as out:
        ticks = _cpu_ticks()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        ticks_after = _cpu_ticks()
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
    # Linux: ru_maxrss is in KiB (macOS reports bytes).
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    cpu = usage.ru_utime + usage.ru_stime
    others = float("nan")
    if ticks and ticks_after and seconds > 0:
        # All CPU time spent on the machine during the run, minus the child's own.
        all_busy = (ticks_after[0] - ticks[0]) / os.sysconf("SC_CLK_TCK")
        others = max(0.0, all_busy - cpu) / seconds
    return Run(seconds, cpu, usage.ru_maxrss * scale, proc.returncode, load, busy, others)


def tool(name: str) -> str:
    """The console script next to this interpreter, else the one on PATH."""
    local = os.path.join(os.path.dirname(sys.executable), name)
    return local if os.path.exists(local) else (shutil.which(name) or name)


def checked(result: Run, what: str, log: str) -> Run:
    if result.returncode != 0:
        with open(log, encoding="utf-8", errors="replace") as fh:
            tail = fh.read()[-3000:]
        sys.exit(f"{what} failed with exit status {result.returncode}; see {log}:\n{tail}")
    return result


# The `kb ask` index build and warm latency run in a child process through answers.child,
# so that os.wait4 gives their own CPU time and peak memory (and this process stays small:
# it does not import Whoosh).
ASK_CHILD = (f"import sys; sys.path.insert(0, {HERE!r}); import answers; "
             "sys.exit(answers.child(sys.argv[1:]))")
ASK_TARGET_N, ASK_P95_TARGET_MS = 10_000, 50  # warm `kb ask` p95 at 10,000 articles


def child_result(log: str) -> dict:
    """The JSON line that an answers.child process printed last."""
    with open(log, encoding="utf-8", errors="replace") as fh:
        lines = [line for line in fh if line.startswith("{")]
    if not lines:
        sys.exit(f"no result line in {log}")
    return json.loads(lines[-1])


def bench_size(n: int, repeats: int, warmup: int, today: date, seed: int,
               hugo: str | None = None, ask_questions: int = 0) -> dict:
    """Time every command for size n. `hugo` is the hugo command (None: leave Hugo out);
    `ask_questions` the questions for `kb ask` latency (0: leave the `kb ask` index out)."""
    print(f"\n== N = {n}: generating projects in {os.path.relpath(WORK)}/{n}/", flush=True)
    dirs = generate(n, today, seed)
    env_today = ["--today", today.isoformat()]
    kb, mkdocs = tool("kb"), tool("mkdocs")
    commands = {
        "kb_build": ([kb, "build"] + env_today, dirs["kb"]),
        "material_build": ([mkdocs, "build", "--strict"], dirs["baseline"]),
        "kb_check": ([kb, "check"] + env_today, dirs["kb"]),
    }
    if hugo:
        dirs["hugo"] = os.path.join(WORK, str(n), "hugo")
        sources = write_hugo(os.path.join(dirs["kb"], "docs"), dirs["hugo"])
        commands["hugo_build"] = ([hugo, "--quiet"], dirs["hugo"])
    if ask_questions:
        commands["kb_ask_index"] = ([sys.executable, "-c", ASK_CHILD, "index", dirs["kb"],
                                     today.isoformat()], dirs["kb"])
    logs = {name: os.path.join(WORK, str(n), f"{name}.log") for name in commands}

    cmd, cwd = commands["kb_check"]
    checked(run(cmd, cwd, logs["kb_check"]), "kb check", logs["kb_check"])
    with open(logs["kb_check"], encoding="utf-8") as fh:
        print("   kb check:", fh.read().strip().splitlines()[-1], flush=True)

    order = list(commands)  # kb_build, material_build, kb_check, then hugo and the index
    results: dict[str, list[Run]] = {name: [] for name in commands}
    inside: list[dict] = []  # what each timed index build child reported of its refresh
    hugo_built = None
    for round_ in range(warmup + repeats):
        # Alternate which build goes first so neither always gets the warmer cache.
        names = order if round_ % 2 == 0 else [order[1], order[0], *order[2:]]
        label = "warm-up" if round_ < warmup else f"repeat {round_ - warmup + 1}/{repeats}"
        for name in names:
            cmd, cwd = commands[name]
            result = checked(run(cmd, cwd, logs[name]), name, logs[name])
            note = ""
            if name == "hugo_build" and hugo_built is None:
                hugo_built = hugo_pages(dirs["hugo"], sources)
                if hugo_built["articles"] != n:
                    sys.exit(f"Hugo wrote pages for {hugo_built['articles']} of {n} articles "
                             f"({hugo_built['pages']} HTML files in all); see {logs[name]} "
                             f"and {os.path.join(dirs['hugo'], 'public')}")
            if name == "kb_ask_index":
                reported = child_result(logs[name])
                note = f", refresh {reported['seconds']:.2f} s"
                if round_ >= warmup:
                    inside.append(reported)
            print(f"   {label:<12} {name:<15} {result.seconds:7.2f} s wall "
                  f"{result.cpu_seconds:7.2f} s CPU {result.peak_mb:7.1f} MB "
                  f"(other processes: {result.busy_cores:.2f} cores before, "
                  f"{result.others_during:.2f} during{note})", flush=True)
            if round_ >= warmup:
                results[name].append(result)

    row = {
        "n": n,
        "repeats": repeats,
        "kb_pages": count_pages(os.path.join(dirs["kb"], "site")),
        "material_pages": count_pages(os.path.join(dirs["baseline"], "site")),
        "runs": {name: [asdict(r) for r in rs] for name, rs in results.items()},
        "search_index": {"kb": search_index_size(os.path.join(dirs["kb"], "site"), n),
                         "material": search_index_size(os.path.join(dirs["baseline"], "site"),
                                                       n)},
    }
    if hugo_built:
        row["hugo_pages"] = hugo_built["pages"]
    if ask_questions:
        row["ask_index_inside"] = inside
        row["ask_latency"] = ask_latency(n, dirs["kb"], today, seed, ask_questions, repeats)
    return summarize(row)


def ask_latency(n: int, project_dir: str, today: date, seed: int, questions: int,
                repeats: int) -> dict:
    """Warm `kb ask` latency in one child process, on the index the last build left."""
    log = os.path.join(WORK, str(n), "kb_ask_latency.log")
    cmd = [sys.executable, "-c", ASK_CHILD, "latency", project_dir, today.isoformat(),
           str(n), str(seed), str(questions), str(repeats)]
    result = checked(run(cmd, project_dir, log), "kb ask latency", log)
    latency = child_result(log)
    if latency["rebuilt"]:
        print("   WARNING: the latency child found no index and built one first", flush=True)
    ms = latency["latency_ms"]
    print(f"   kb ask warm latency ({latency['questions']} questions x {repeats}): "
          f"p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms, max {ms['max']:.1f} ms, "
          f"CPU p95 {latency['latency_cpu_ms']['p95']:.1f} ms "
          f"(child: {result.cpu_seconds:.2f} s CPU, {result.peak_mb:.1f} MB; other processes: "
          f"{result.busy_cores:.2f} cores before, {result.others_during:.2f} during)",
          flush=True)
    latency["run"] = asdict(result)
    return latency


def summarize(row: dict) -> dict:
    """Add medians and ratios to a row from its raw `runs` (also for --table-from)."""
    runs = row["runs"]

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    kb_runs, mat_runs = runs["kb_build"], runs["material_build"]
    row.update({
        "kb_build_s": median("kb_build", "seconds"),
        "material_build_s": median("material_build", "seconds"),
        "kb_check_s": median("kb_check", "seconds"),
        "kb_build_cpu_s": median("kb_build", "cpu_seconds"),
        "material_build_cpu_s": median("material_build", "cpu_seconds"),
        "kb_build_range_s": [min(r["seconds"] for r in kb_runs),
                             max(r["seconds"] for r in kb_runs)],
        "material_build_range_s": [min(r["seconds"] for r in mat_runs),
                                   max(r["seconds"] for r in mat_runs)],
        "kb_peak_mb": median("kb_build", "peak_mb"),
        "material_peak_mb": median("material_build", "peak_mb"),
        "kb_check_peak_mb": median("kb_check", "peak_mb"),
    })
    row["ratio"] = row["kb_build_s"] / row["material_build_s"]
    row["cpu_ratio"] = row["kb_build_cpu_s"] / row["material_build_cpu_s"]
    # Each round runs both builds back to back; the median of the per-round
    # ratios is less sensitive to the machine speeding up or slowing down.
    row["paired_ratio"] = statistics.median(
        k["seconds"] / m["seconds"] for k, m in zip(kb_runs, mat_runs))
    # Newer figures: only in results files that have them.
    if runs.get("hugo_build"):
        row.update({
            "hugo_build_s": median("hugo_build", "seconds"),
            "hugo_build_cpu_s": median("hugo_build", "cpu_seconds"),
            "hugo_peak_mb": median("hugo_build", "peak_mb"),
        })
        hugo_cpu = max(row["hugo_build_cpu_s"], 1e-6)
        row["material_hugo_cpu_ratio"] = row["material_build_cpu_s"] / hugo_cpu
        row["kb_hugo_cpu_ratio"] = row["kb_build_cpu_s"] / hugo_cpu
    if runs.get("kb_ask_index"):
        row.update({
            "ask_index_s": median("kb_ask_index", "seconds"),
            "ask_index_cpu_s": median("kb_ask_index", "cpu_seconds"),
            "ask_index_peak_mb": median("kb_ask_index", "peak_mb"),
        })
    inside = row.get("ask_index_inside")
    if inside:
        row["ask_index_refresh_s"] = statistics.median(r["seconds"] for r in inside)
        row["ask_index_refresh_cpu_s"] = statistics.median(r["cpu_seconds"] for r in inside)
        row["ask_index_bytes"] = inside[-1]["index_bytes"]
    latency = row.get("ask_latency")
    if latency:
        row["ask_p50_ms"] = latency["latency_ms"]["p50"]
        row["ask_p95_ms"] = latency["latency_ms"]["p95"]
        if "latency_cpu_ms" in latency:
            row["ask_p50_cpu_ms"] = latency["latency_cpu_ms"]["p50"]
            row["ask_p95_cpu_ms"] = latency["latency_cpu_ms"]["p95"]
    return row


# --------------------------------------------------------------------------
# Machine and report
# --------------------------------------------------------------------------

def show_machine(info: dict) -> dict:
    """Print the machine's details on one line, as every benchmark starts; returns them."""
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    return info


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        if names:
            cpu = names[0]
    except OSError:
        pass
    ram = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "ram_gib": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "markdown": version("markdown"),
        "pymdown-extensions": version("pymdown-extensions"),
        "kb": version("kb-helpcentre"),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| N | kb build s | plain Material s | ratio kb/Material | kb check s "
        "| kb peak MB | Material peak MB | pages built (kb / Material) "
        "| paired ratio | kb CPU s | Material CPU s | CPU ratio | repeats |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['kb_build_s']:.2f} | {r['material_build_s']:.2f} "
            f"| {r['ratio']:.2f} | {r['kb_check_s']:.2f} | {r['kb_peak_mb']:.0f} "
            f"| {r['material_peak_mb']:.0f} | {r['kb_pages']:,} / {r['material_pages']:,} "
            f"| {r['paired_ratio']:.2f} "
            f"| {r['kb_build_cpu_s']:.2f} | {r['material_build_cpu_s']:.2f} "
            f"| {r['cpu_ratio']:.2f} | {r['repeats']} |"
        )
    return "\n".join(lines + more_tables(rows))


def cell(row: dict, key: str, spec: str = ".2f", scale: float = 1) -> str:
    value = row.get(key)
    return "–" if value is None else format(value * scale, spec)


def heading(title: str, columns: list[str]) -> list[str]:
    """A blank line, a title, a blank line and the header of a right-aligned table."""
    return ["", title, "", "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]


def more_tables(rows: list[dict]) -> list[str]:
    """Hugo, the `kb ask` index and the site search index, for the rows that have them."""
    out = []
    if any("hugo_build_s" in r for r in rows):
        out += heading("Hugo on the same Markdown, minimal layouts (reference: a lower bound "
                       "for any static generator); medians",
                       ["N", "Hugo s", "Hugo CPU s", "Hugo peak MB", "Hugo pages",
                        "Material CPU s", "kb CPU s", "CPU Material/Hugo", "CPU kb/Hugo"])
        for r in rows:
            out.append(f"| {r['n']:,} | {cell(r, 'hugo_build_s')} | {cell(r, 'hugo_build_cpu_s')} "
                       f"| {cell(r, 'hugo_peak_mb', '.0f')} | {cell(r, 'hugo_pages', ',')} "
                       f"| {r['material_build_cpu_s']:.2f} | {r['kb_build_cpu_s']:.2f} "
                       f"| {cell(r, 'material_hugo_cpu_ratio', '.1f')} "
                       f"| {cell(r, 'kb_hugo_cpu_ratio', '.1f')} |")
    if any("ask_index_s" in r or "ask_p95_ms" in r for r in rows):
        out += heading("`kb ask` index: a full build on an empty cache in a child process "
                       "(wall, CPU and peak memory of the whole child; refresh: the build alone, "
                       "measured inside it), medians; warm latency of one searcher",
                       ["N", "index build s", "CPU s", "refresh s", "refresh CPU s", "peak MB",
                        "index MB", "warm p50 ms", "warm p95 ms", "warm max ms",
                        "CPU p50 ms", "CPU p95 ms", "questions x rounds"])
        for r in rows:
            latency = r.get("ask_latency") or {}
            asked = (f"{latency['questions']} x {latency['repeats']}" if latency else "–")
            out.append(f"| {r['n']:,} | {cell(r, 'ask_index_s')} | {cell(r, 'ask_index_cpu_s')} "
                       f"| {cell(r, 'ask_index_refresh_s')} "
                       f"| {cell(r, 'ask_index_refresh_cpu_s')} "
                       f"| {cell(r, 'ask_index_peak_mb', '.0f')} "
                       f"| {cell(r, 'ask_index_bytes', '.1f', 1e-6)} "
                       f"| {cell(r, 'ask_p50_ms', '.1f')} | {cell(r, 'ask_p95_ms', '.1f')} "
                       f"| {cell(latency.get('latency_ms', {}), 'max', '.1f')} "
                       f"| {cell(r, 'ask_p50_cpu_ms', '.1f')} "
                       f"| {cell(r, 'ask_p95_cpu_ms', '.1f')} | {asked} |")
    if any(r.get("search_index") for r in rows):
        out += heading("Site search data: kb's answer index (search/*.js, each file gzipped "
                       "alone; a question fetches a few of them) and Material's "
                       "`search/search_index.json` (fetched whole); bytes raw and gzip "
                       "(level 9); per article = gzip bytes / N",
                       ["N", "kb raw", "kb gzip", "kb gzip per article", "Material raw",
                        "Material gzip", "Material gzip per article"])
        for r in rows:
            size = r.get("search_index") or {}
            cells = []
            for name in ("kb", "material"):
                one = size.get(name) or {}
                cells += [cell(one, "raw_bytes", ","), cell(one, "gzip_bytes", ","),
                          cell(one, "gzip_bytes_per_article", ".0f")]
            out.append(f"| {r['n']:,} | " + " | ".join(cells) + " |")
    targets = []
    for r in rows:
        if r["n"] == ASK_TARGET_N and "ask_p95_ms" in r:
            met = r["ask_p95_ms"] <= ASK_P95_TARGET_MS
            targets.append(f"- warm `kb ask` p95 <= {ASK_P95_TARGET_MS} ms at {r['n']:,} "
                           f"articles: {r['ask_p95_ms']:.1f} ms, {'met' if met else 'NOT met'}"
                           f" (CPU time p95 {cell(r, 'ask_p95_cpu_ms', '.1f')} ms)")
    if targets:
        out += ["", "Targets", ""] + targets
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000],
                        help="numbers of articles (default: 100 1000)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs of each command per size; the median is reported "
                             "(default: 3)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed rounds before the timed ones (default: 1)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the content")
    parser.add_argument("--today", default=None,
                        help="date passed to kb as --today (default: today)")
    add_idle_options(parser)
    parser.add_argument("--no-hugo", action="store_true",
                        help="leave out the Hugo reference build")
    parser.add_argument("--no-ask", action="store_true",
                        help="leave out the `kb ask` index build and latency")
    parser.add_argument("--ask-questions", type=int, default=200, metavar="N",
                        help="questions asked per round for `kb ask` latency (default: 200)")
    parser.add_argument("--table-from", metavar="FILE",
                        help="only print the table of an earlier --json FILE")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE "
                                                       "('-' for standard output)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.warmup < 0 or args.ask_questions < 4:
        parser.error("--repeats must be at least 1, --warmup at least 0 and --ask-questions "
                     "at least 4")
    if args.table_from:
        with open(args.table_from, encoding="utf-8") as fh:
            saved = json.load(fh)
        print(table([summarize(row) for row in saved["results"]]))
        return 0
    today = date.fromisoformat(args.today) if args.today else date.today()
    use_idle_options(args)

    info = machine()
    hugo = None if args.no_hugo else shutil.which("hugo")
    if hugo:
        words = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()
        info["hugo"] = words[1] if len(words) > 1 else "unknown"  # "hugo v0.111.3+extended ..."
    show_machine(info)
    if not hugo and not args.no_hugo:
        print("NOTE: `hugo` is not on PATH, so the Hugo reference build is skipped "
              "(Debian: apt-get install hugo).", flush=True)
    ask_questions = 0 if args.no_ask else args.ask_questions
    rows = [bench_size(n, args.repeats, args.warmup, today, args.seed, hugo, ask_questions)
            for n in args.sizes]
    print()
    print(table(rows))
    if args.json:
        payload = json.dumps({"machine": info, "command": "python " + " ".join(sys.argv),
                              "today": today.isoformat(), "results": rows}, indent=2)
        if args.json == "-":
            print(payload)
        else:
            with open(args.json, "w", encoding="utf-8") as fh:
                fh.write(payload + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
