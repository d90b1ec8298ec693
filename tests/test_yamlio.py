"""YAML reading: line numbers, dates left as text, and the quick constructor
giving exactly PyYAML's values."""

from __future__ import annotations

import tracemalloc

import pytest
import yaml

from kb.yamlio import Mapping, YamlError, load_file, load_mapping


def test_keys_keep_their_lines_and_duplicates_are_reported() -> None:
    result = load_mapping("title: A\nsummary: B\ntitle: C\n")
    assert isinstance(result, Mapping)
    assert result.data == {"title": "C", "summary": "B"}
    assert result.lines == {"title": 3, "summary": 2}
    assert result.duplicates == [("title", 3)]


def test_dates_stay_text_so_a_bad_date_can_be_reported() -> None:
    data = load_mapping("reviewed: 2026-11-03\nbad: 2026-13-01\n").data
    assert data == {"reviewed": "2026-11-03", "bad": "2026-13-01"}


@pytest.mark.parametrize("text", [
    "a: yes\nb: ~\nc: 1.5\nd: 0x1f\ne: '12'\nf: [1, two, {g: h}]\n",
    "a: &x [1, 2]\nb: *x\n",  # an alias: the same list twice
    "base: &b {x: 1}\nmore:\n  <<: *b\n  y: 2\n",  # a merge key
    "a: !!binary aGVsbG8=\nb: !!str 12\n",
    "- 1\n- [2, 3]\n",
])
def test_values_are_the_same_as_pyyaml_gives(text: str) -> None:
    expected = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    result = load_mapping(text)
    assert (result.data if isinstance(result, Mapping) else result) == expected


def test_an_unhashable_key_is_an_error_with_its_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_mapping("a: 1\n? [1, 2]\n: x\n")
    assert "unhashable" in caught.value.message and caught.value.line == 2


def test_tolerant_reading_accepts_mkdocs_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_TEST_SITE", "https://help.example/")
    data = load_mapping("site_url: !ENV [KB_TEST_SITE, x]\nhook: !!python/name:a.b\n",
                        tolerant=True).data
    assert data == {"site_url": "https://help.example/", "hook": ""}


# --- Bounds: aliases, nesting, numbers ---------------------------------------------

def laughs(levels: int = 9, width: int = 10) -> str:
    """The "billion laughs": each anchor is `width` aliases of the one before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\ntitle: [{', '.join([f'*a{levels - 1}'] * width)}]\n"


def test_aliases_that_expand_to_a_billion_values_are_refused_with_the_line_that_passes_the_bound(
        ) -> None:
    with pytest.raises(YamlError) as caught:
        load_mapping(laughs())
    assert caught.value.too_big
    assert caught.value.message == "uses YAML aliases that expand to more than 100,000 values"
    # a4 is the first anchor whose aliases add more than 100,000 values.
    assert caught.value.line == 5


def test_a_long_text_repeated_by_aliases_is_refused() -> None:
    text = f"a: &a '{'x' * 300_000}'\nb: [*a, *a, *a, *a]\n"
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert caught.value.message == ("uses YAML aliases that expand to more than 1,000,000 "
                                    "characters of text")
    assert caught.value.line == 2


@pytest.mark.parametrize("text, line", [("a: &a [*a]\n", 1), ("x: 1\na: &a {b: [1, *a]}\n", 2)])
def test_a_value_that_contains_itself_through_an_alias_is_refused(text: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert "alias inside the anchor it refers to" in caught.value.message
    assert caught.value.line == line


@pytest.mark.parametrize("text", [
    "title: " + "[" * 101 + "]" * 101 + "\n",
    # Through aliases: a chain of anchors, each a list of the one before.
    "a0: &a0 x\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 150)),
])
def test_nesting_deeper_than_a_hundred_levels_is_refused(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_mapping(text)
    assert caught.value.message == "nests lists and mappings more than 100 levels deep"


def test_nesting_of_a_hundred_levels_and_modest_aliases_are_read() -> None:
    deep = load_mapping("title: " + "[" * 99 + "]" * 99 + "\n").data["title"]
    for _ in range(98):
        deep = deep[0]
    assert deep == []
    # 9,000 values added by aliases: a big nav repeated is still fine.
    text = f"a: &a [{', '.join(['x'] * 1000)}]\nb: [{', '.join(['*a'] * 9)}]\n"
    assert len(load_mapping(text).data["b"]) == 9


def test_a_number_of_more_than_fifty_digits_is_an_error_with_its_line_not_a_crash() -> None:
    # Python refuses to convert 4,300 digits; a sexagesimal 1:2:3:... of thousands of
    # parts would take minutes.
    for number in ("9" * 5000, "1" + ":59" * 3000, "0x" + "f" * 5000):
        with pytest.raises(YamlError) as caught:
            load_mapping(f"a: 1\nweight: {number}\n")
        assert caught.value.message.startswith("expected a number of at most 50 digits")
        assert caught.value.line == 2 and not caught.value.too_big


def test_a_list_as_a_key_is_not_printed_to_name_it() -> None:
    # str() of the key's node printed the million values its aliases stand for.
    text = laughs(levels=6).replace("title: [", "? [", 1) + ": x\n"
    tracemalloc.start()
    try:
        with pytest.raises(YamlError) as caught:
            load_mapping(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.too_big
    assert peak < 10_000_000


def test_an_alias_bomb_in_mkdocs_yml_is_refused_by_load_file(tmp_path) -> None:
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: X\nextra:\n" + "".join(
        f"  {line}\n" for line in laughs().splitlines()), encoding="utf-8")
    with pytest.raises(YamlError) as caught:
        load_file(str(path))
    assert caught.value.message == "uses YAML aliases that expand to more than 100,000 values"
    assert caught.value.line == 7
