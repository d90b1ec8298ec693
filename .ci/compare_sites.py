"""Compare two builds of the same help centre, made by different renderers.

    python .ci/compare_sites.py SITE_A SITE_B [RENDERER_B]

CI builds the demo with MkDocs 1.6 and with ProperDocs (the maintained MkDocs 1.x
line) and requires the same site from both: every file, byte for byte -- pages,
sitemap, search index and kb's own files. The one difference allowed is the
renderer in Material's generator tag, which names the program that built the page:

    <meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.2">
    <meta name="generator" content="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2">

In HTML files, the renderer name and version in that tag (the part between
`content="` and the first comma) are replaced by a placeholder before comparing;
the theme's version after the comma must still match. Anything else is a failure:
the script lists every file that differs or exists on one side only, shows a short
diff of the first few, and exits with status 1. With RENDERER_B, every generator tag
of SITE_B must name it (`ProperDocs`): a comparison of two MkDocs builds would prove
nothing.
"""

from __future__ import annotations

import difflib
import gzip
import re
import sys
from pathlib import Path

GENERATOR = re.compile(rb'(<meta name="generator" content=")(mkdocs-[^",]*)(,)')
PLACEHOLDER = b"RENDERER"
SHOWN_FILES = 5
SHOWN_LINES = 20


def files_of(site: Path) -> set[str]:
    """Every file of a site, as a path relative to it with forward slashes."""
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def normalised(name: str, data: bytes, renderers: set[str]) -> bytes:
    """The file's bytes with the renderer in the generator tag of an HTML page replaced;
    the renderers seen are added to `renderers`."""
    if not name.endswith(".html"):
        return data

    def replace(match: re.Match[bytes]) -> bytes:
        renderers.add(match.group(2).decode("utf-8", "replace"))
        return match.group(1) + PLACEHOLDER + match.group(3)

    return GENERATOR.sub(replace, data)


def readable(name: str, data: bytes) -> list[str] | None:
    """The file's lines for a diff (a gzip file's content), or None if it is not text."""
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return None
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def short_diff(name: str, a: bytes, b: bytes, labels: tuple[str, str]) -> list[str]:
    lines_a, lines_b = readable(name, a), readable(name, b)
    if lines_a is None or lines_b is None:
        return [f"  binary: {len(a)} bytes against {len(b)} bytes"]
    if lines_a == lines_b:  # e.g. only a gzip header's time stamp differs
        return ["  the same text; the bytes differ (compression or encoding)"]
    diff = list(difflib.unified_diff(lines_a, lines_b, f"{labels[0]}/{name}",
                                     f"{labels[1]}/{name}", n=1, lineterm=""))
    shown = ["  " + line[:200] for line in diff[:SHOWN_LINES]]
    if len(diff) > SHOWN_LINES:
        shown.append(f"  ... {len(diff) - SHOWN_LINES} more diff lines")
    return shown


def compare(site_a: Path, site_b: Path, renderer_b: str | None = None) -> tuple[list[str], str]:
    """What differs between two sites (empty when they are the same), and which
    renderers their generator tags name; with `renderer_b`, a tag of `site_b` that
    does not name it is a difference too."""
    names_a, names_b = files_of(site_a), files_of(site_b)
    renderers_a: set[str] = set()
    renderers_b: set[str] = set()
    problems = [f"only in {site_a}: {name}" for name in sorted(names_a - names_b)]
    problems += [f"only in {site_b}: {name}" for name in sorted(names_b - names_a)]
    shown = 0
    for name in sorted(names_a & names_b):
        a = normalised(name, (site_a / name).read_bytes(), renderers_a)
        b = normalised(name, (site_b / name).read_bytes(), renderers_b)
        if a == b:
            continue
        problems.append(f"differs: {name}")
        if shown < SHOWN_FILES:
            shown += 1
            problems += short_diff(name, a, b, (str(site_a), str(site_b)))
    if renderer_b is not None and (not renderers_b
                                   or any(renderer_b not in r for r in renderers_b)):
        problems.append(f"{site_b} was not built by {renderer_b}: its generator tags name "
                        f"{', '.join(sorted(renderers_b)) or 'nothing'}")
    seen = (f"generator {', '.join(sorted(renderers_a)) or 'none'} against "
            f"{', '.join(sorted(renderers_b)) or 'none'}")
    return problems, seen


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("usage: python .ci/compare_sites.py SITE_A SITE_B [RENDERER_B]", file=sys.stderr)
        return 2
    site_a, site_b = Path(argv[0]), Path(argv[1])
    for site in (site_a, site_b):
        if not (site / "index.html").is_file():
            print(f"compare_sites: {site} is not a built site (no index.html)", file=sys.stderr)
            return 2
    problems, seen = compare(site_a, site_b, argv[2] if len(argv) == 3 else None)
    if not problems:
        print(f"{site_a} and {site_b}: {len(files_of(site_a))} files, the same ({seen})")
        return 0
    count = sum(1 for line in problems if not line.startswith("  "))
    print(f"{site_a} and {site_b}: {count} difference{'' if count == 1 else 's'} ({seen}):")
    print("\n".join(problems))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
