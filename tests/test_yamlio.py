"""YAML reading: line numbers, dates left as text, and the quick constructor
giving exactly PyYAML's values."""

from __future__ import annotations

import pytest
import yaml

from kb.yamlio import Mapping, YamlError, load_mapping


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
