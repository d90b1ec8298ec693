"""Property-based fuzzing of what editors hand to kb: article files (front matter and
answer) and CSV exports (popularity, shoppers' questions, evaluation sets).

Whatever the bytes, the check must end in problems, never in an exception; it must
stay within a memory bound (a YAML alias bomb once took more than 10 GB); no
message may carry a raw control character to the terminal; and `kb check` exits 0
or 1. The budget of examples is fixed and derandomized, so a run is repeatable and
fits in CI; KB_FUZZ_EXAMPLES multiplies it for a longer local hunt, KB_FUZZ_RANDOM=1
draws new examples on every run.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import tempfile
import tracemalloc
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.checks import check_project
from kb.cli import cli
from kb.evaluate import EvalError, read_cases
from kb.frontmatter import FIELDS, THEME_KEYS
from kb.popularity import read_popularity
from kb.problems import Problem
from kb.project import load_project
from kb.tables import TableError, open_table
from tests.conftest import article

TODAY = date(2026, 11, 22)
SCALE = int(os.environ.get("KB_FUZZ_EXAMPLES", "1"))
# KB_FUZZ_RANDOM=1: new examples on every run, for hunting locally; CI repeats one set.
RANDOM = os.environ.get("KB_FUZZ_RANDOM") == "1"
# Any Python allocation of one check above this is a blow-up: a real one stays near 5 MB.
MEMORY_BOUND = 100_000_000
# Raw control characters, line breaks included: a message is one line of a terminal.
RAW_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same, but tabs and line feeds: what an answer, or kb's output, may hold.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def budget(examples: int):
    return settings(max_examples=examples * SCALE, deadline=None, derandomize=not RANDOM,
                    database=None, print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@contextlib.contextmanager
def bounded_memory():
    """Measure the peak of Python allocations, with a hard cap on the address space as
    a safety net: a blow-up fails this test with MemoryError instead of filling the
    machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as fh:
        in_use = int(fh.read().split()[0]) * resource.getpagesize()
    cap = in_use + 1024 ** 3
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    tracing = tracemalloc.is_tracing()  # python -X tracemalloc: leave it running
    if tracing:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    peak = [0]
    try:
        yield peak
        peak[0] = tracemalloc.get_traced_memory()[1]
    finally:
        if not tracing:
            tracemalloc.stop()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def assert_clean(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message.strip()
        assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1)
        assert not RAW_CONTROL.search(str(problem)), repr(str(problem))


# --- Strategies: front matter ---------------------------------------------------------

ODD_TEXTS = ["returns", "research", "product", "9999-12-31", "0001-01-01", "2026-02-30",
             "2026-10-01", "nee", "~", "", " ", "\x00", "\x07bel", "\x1b[31mrood", "\u2028",
             "\x85", "\ufeff", "a/../b", "../../etc/passwd", "<script>x</script>",
             "x" * 400, "9" * 60, "1:59:59:59", "-", "*a", "&a", "!!python/object:os.system"]
WORDS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x17f,
                                      blacklist_categories=("Cc",)), max_size=20)
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.sampled_from([0, -1, 3650, 3651, 9_999_999, 10 ** 15, 2 ** 63, 10 ** 60]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), WORDS, WORDS, st.sampled_from(ODD_TEXTS),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=6), st.integers(-3, 3)), inner, max_size=3)),
    max_leaves=12)
keys = st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS + THEME_KEYS + ("article",)),
                 st.text(max_size=8))

VALID = yaml.safe_load(article().split("---\n")[1])


@st.composite
def dumped_front_matter(draw) -> str:
    """A valid article's front matter with some keys changed, added or removed."""
    data = dict(VALID)
    for key in draw(st.lists(keys, max_size=4)):
        if draw(st.booleans()) or key not in data:
            data[key] = draw(values)
        else:
            del data[key]
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                          default_flow_style=draw(st.sampled_from([None, True, False])))


@st.composite
def aliased_front_matter(draw) -> str:
    """Anchors and aliases: modest reuse, nested "laughs", self-reference, merge keys."""
    levels = draw(st.sampled_from([9, 1, 2, 6, 12]))
    width = draw(st.sampled_from([10, 1, 3, 12]))
    leaf = draw(st.sampled_from(["lol", "'" + "x" * 1000 + "'", "{a: 1}", "[]"]))
    lines = [f"a0: &a0 [{', '.join([leaf] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    key = draw(keys.filter(lambda k: re.fullmatch(r"[a-z_]+", k) is not None))
    use = draw(st.sampled_from([f"*a{levels - 1}", f"[*a{levels - 1}, *a0]",
                                f"{{<<: *a{levels - 1}}}", "&s [*s]", "&m {k: *m}"]))
    lines.append(f"{key}: {use}")
    base = yaml.safe_dump({k: v for k, v in VALID.items() if k != key}, sort_keys=False)
    return "\n".join(lines) + "\n" + base if draw(st.booleans()) else base + "\n".join(lines)


TAGGED = ["!!timestamp 2026-10-01T10:00:00", "!!timestamp 2026-10-01", "!!timestamp 9999-12-31",
          "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]",
          "!!python/object:os.system x", "!ENV [HOME]", "!!str 12", "!!int 0x10",
          "!!float .nan", "!!null ''", "!!bool yes", "!custom x", "[!!binary aGVsbG8=]",
          "{? [a]: b}", "!!int 99999999999999999999999999999999999999999999999999999"]


@st.composite
def tagged_front_matter(draw) -> str:
    """A valid article's front matter with explicitly tagged YAML values."""
    data = {k: v for k, v in VALID.items()}
    changed = draw(st.lists(st.tuples(keys, st.sampled_from(TAGGED)), min_size=1, max_size=3))
    for key, _ in changed:
        data.pop(key, None)
    return yaml.safe_dump(data, sort_keys=False) + "".join(
        f"{yaml.safe_dump(key).strip().removesuffix('...').strip()}: {value}\n"
        for key, value in changed)


YAMLISH = st.lists(st.sampled_from(list("abtiles:-[]{}&*!|>'\"#%@`,? \n\t01")
                                   + ["\x00", "\x07", "\x1b", "\x85", "\u2028", "\r",
                                      "title: ", "policy: ", "\n---\n", "...", "\n  - "]),
                  max_size=60).map("".join)

front_matters = st.one_of(dumped_front_matter(), dumped_front_matter(), aliased_front_matter(),
                          tagged_front_matter(), YAMLISH,
                          st.builds(lambda fm, junk: fm + junk, dumped_front_matter(),
                                    YAMLISH))
bodies = st.one_of(st.just("Het hele antwoord.\n"), st.text(max_size=80),
                   st.sampled_from(["---\nx: 1\n---\n", "\x00", "a\x1b[2Jb", "\r\r\n",
                                    "<script>alert(1)</script>"]))


@st.composite
def article_bytes(draw) -> bytes:
    shape = draw(st.sampled_from(["normal"] * 8 + ["unclosed", "no front matter", "bytes"]))
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    front, body = draw(front_matters), draw(bodies)
    text = {"normal": f"---\n{front}\n---\n{body}", "unclosed": f"---\n{front}",
            "no front matter": f"{front}\n{body}"}[shape]
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = text.replace("\n", ending)
    codec = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "cp1252"]))
    data = text.encode(codec, errors="replace")
    if draw(st.integers(0, 7)) == 7 and len(data) > 2:
        data = data[: draw(st.integers(1, len(data) - 1))]  # cut anywhere, even mid-character
    return data


# --- Strategies: CSV ------------------------------------------------------------------

HEADERS = ["slug,views", "page;count", "Pagina\tAantal", "question,expected", "question",
           "url,views,extra", '"slug","views"', "# export\n\nslug,views", "", "slug"]
cells = st.one_of(st.text(max_size=12), st.sampled_from(
    ["returns/termijn", "/returns/termijn/", "https://h.nl/x/?a=1", "1.234", "1,5", "-3",
     "1,2,3", "", " ", "-", "Total", '"', '""', 'a"b', "a\nb", "\x00", "\x1b[31m", "x" * 300,
     "retourneren/termijn|bezorging/wanneer"]))


@st.composite
def csv_bytes(draw) -> bytes:
    if draw(st.integers(0, 5)) == 5:
        return draw(st.binary(max_size=300))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.one_of(st.sampled_from(HEADERS), st.text(max_size=20)))
    rows = draw(st.lists(st.lists(cells, max_size=4), max_size=6))

    def quoted(cell: str) -> str:
        if draw(st.booleans()) or any(c in cell for c in (delimiter, '"', "\n")):
            return '"' + cell.replace('"', '""' if draw(st.booleans()) else '"') + '"'
        return cell

    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = ending.join([header] + [delimiter.join(quoted(c) for c in row) for row in rows])
    text += draw(st.sampled_from(["", ending]))
    codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                  "utf-32", "cp1252", "latin-1"]))
    data = text.encode(codec, errors="replace")
    if draw(st.integers(0, 7)) == 7 and len(data) > 2:
        data = data[: draw(st.integers(1, len(data) - 1))]
    return data


# --- Properties -------------------------------------------------------------------------

def make_project(root: Path, article_data: bytes, csv_data: bytes | None = None) -> Path:
    options = {"popularity": "popularity.csv"} if csv_data is not None else {}
    config = {"site_name": "Fuzz", "docs_dir": "docs",
              "theme": {"name": "material", "language": "nl"},
              "plugins": [{"kb": options}]}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "docs" / "returns").mkdir(parents=True)
    (root / "docs" / "returns" / "goed.md").write_text(article(title="Een goede vraag?"),
                                                       encoding="utf-8")
    (root / "docs" / "returns" / "fuzz.md").write_bytes(article_data)
    if csv_data is not None:
        (root / "popularity.csv").write_bytes(csv_data)
    return root / "mkdocs.yml"


@budget(250)
@given(article_bytes())
def test_the_check_of_any_article_file_ends_in_problems_within_bounded_memory(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        config = make_project(Path(folder), data)
        with bounded_memory() as peak:
            collection, problems = check_project(load_project(str(config)), TODAY)
        assert peak[0] < MEMORY_BOUND
    assert_clean(problems)
    for found in collection.articles:  # what kb ask and kb review would print
        for text in [found.title, found.summary, found.owner, *found.keywords, *found.related,
                     found.body]:
            assert not TEXT_CONTROL.search(text), repr(text)


@budget(250)
@given(csv_bytes())
def test_reading_any_csv_ends_in_counts_questions_or_problems_within_bounded_memory(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.csv")
        with open(path, "wb") as fh:
            fh.write(data)
        with bounded_memory() as peak:
            _, problems = read_popularity(path, "data.csv", {"returns/termijn", "x"})
            assert_clean(problems)
            try:
                table = open_table(path, "data.csv", "'question'")
                table.column(["question"], "the questions")
                for _line, _cells in table.rows():
                    pass
            except TableError as exc:
                assert_clean(exc.problems)
            try:
                read_cases(path, "data.csv", {"retourneren/termijn": 1}, lambda slug: True)
            except EvalError as exc:
                assert_clean(exc.problems)
        assert peak[0] < MEMORY_BOUND


@budget(60)
@given(article_bytes(), st.one_of(st.none(), csv_bytes()))
def test_kb_check_exits_0_or_1_with_messages_and_never_a_traceback(data: bytes,
                                                                   csv_data: bytes | None):
    with tempfile.TemporaryDirectory() as folder:
        config = make_project(Path(folder), data, csv_data)
        result = CliRunner().invoke(cli, ["check", "--config", str(config), "--today",
                                          TODAY.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exc_info
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert re.search(r"^\d+ articles? checked: \d+ errors?, \d+ warnings?\.$", result.output,
                     re.MULTILINE) or result.exit_code == 1, result.output
    assert not TEXT_CONTROL.search(result.output), repr(result.output)
