"""YAML reading that keeps line numbers and leaves dates to us.

PyYAML turns `2026-13-01` into an exception and `2026-10-01` into a date
before we can look at it; we want the raw text so that a bad date gets a
proper message with its line. We also read mkdocs.yml without MkDocs, so tags
like `!ENV` and `!!python/name:` must load as plain values instead of failing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml


# The C parser is several times faster on thousands of front matters.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with timestamps left as strings."""


# Drop the implicit timestamp resolver so dates stay strings.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def _construct_unknown(loader: yaml.Loader, suffix_or_node: Any, node: Any = None) -> Any:
    node = node if node is not None else suffix_or_node
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


class _TolerantLoader(_Loader):
    """Also accepts any tag (MkDocs' `!ENV`, `!relative`, `!!python/name:`)."""


def _construct_env(loader: yaml.Loader, node: Any) -> Any:
    # Same meaning as MkDocs' `!ENV VAR` / `!ENV [VAR, OTHER, default]`.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node, deep=True)
        names, default = items[:-1], items[-1] if items else None
    for name in names:
        if name in os.environ:
            return yaml.safe_load(os.environ[name])
    return default


_TolerantLoader.add_constructor("!ENV", _construct_env)
_TolerantLoader.add_multi_constructor("", _construct_unknown)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_unknown)


@dataclass
class YamlError(Exception):
    """Malformed YAML; `line` is 1-based within the parsed text."""

    message: str
    line: int | None = None


@dataclass
class Mapping:
    """A parsed top-level mapping with the line of every key."""

    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)


def _describe(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}, {problem}" if context else problem
    text = re.sub(r"\s+", " ", text).strip()
    return YamlError(text, mark.line + 1 if mark else None)


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Unusual(Exception):
    """A tree the quick constructor leaves to PyYAML."""


def _construct(loader: yaml.Loader, node: Any, seen: set[int]) -> Any:
    """The same values as loader.construct_document(node) for the trees front
    matter is made of (strings, numbers, lists, mappings), in a quarter of the
    time: PyYAML's generic constructor was most of reading 10,000 articles.
    Aliases, merge keys, other tags and unhashable keys raise _Unusual."""
    if id(node) in seen:
        raise _Unusual
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag.startswith("tag:yaml.org,2002:") and node.tag != "tag:yaml.org,2002:merge":
            return loader.construct_object(node)
        raise _Unusual
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(loader, item, seen) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        data = {}
        for key_node, value_node in node.value:
            key = _construct(loader, key_node, seen)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise _Unusual
            data[key] = _construct(loader, value_node, seen)
        return data
    raise _Unusual


def _document(loader: yaml.Loader, node: Any) -> Any:
    try:
        return _construct(loader, node, set())
    except _Unusual:
        return loader.construct_document(node)


def load_mapping(text: str, *, tolerant: bool = False) -> Mapping | Any:
    """Parse one YAML document.

    Returns a `Mapping` when the document is a mapping, otherwise the plain
    value (so the caller can say "expected a mapping but found a list").
    Raises `YamlError` on malformed YAML.
    """
    loader = (_TolerantLoader if tolerant else _Loader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            return _document(loader, node)
        lines: dict[str, int] = {}
        duplicates: list[tuple[str, int]] = []
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key in lines:
                duplicates.append((key, line))
            lines[key] = line
        data = _document(loader, node)
    except yaml.YAMLError as exc:
        raise _describe(exc) from None
    finally:
        loader.dispose()
    return Mapping({str(k): v for k, v in data.items()}, lines, duplicates)


def load_file(path: str, *, tolerant: bool = True) -> Any:
    """Read a whole YAML file (such as mkdocs.yml) into plain Python values."""
    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    result = load_mapping(text, tolerant=tolerant)
    return result.data if isinstance(result, Mapping) else result
