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


# Bounds on what a document may expand to. Aliases let a few hundred bytes stand
# for billions of values (the "billion laughs"), and every consumer of the data
# (a message quoting it, JSON for the site) would pay for all of them. No real
# front matter or mkdocs.yml comes near these.
MAX_ALIAS_VALUES = 100_000  # values added by expanding aliases
MAX_ALIAS_CHARS = 1_000_000  # characters of text added by expanding aliases
MAX_DEPTH = 100  # lists and mappings inside each other; Python recursion ends near 1000
MAX_INT_CHARS = 50  # int() of a long number is slow, and repr() refuses 4300 digits


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with timestamps left as strings."""

    def construct_yaml_int(self, node: Any) -> int:
        if len(node.value) > MAX_INT_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a number of at most {MAX_INT_CHARS} digits but found "
                            f"{len(node.value)} characters", node.start_mark)
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


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
    """Malformed YAML; `line` is 1-based within the parsed text. `too_big`: the YAML
    is well formed but expands beyond the bounds above, and `message` says how."""

    message: str
    line: int | None = None
    too_big: bool = False


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


def _too_deep(node: Any) -> YamlError:
    return YamlError(f"nests lists and mappings more than {MAX_DEPTH} levels deep",
                     node.start_mark.line + 1, too_big=True)


def _construct(loader: yaml.Loader, node: Any, seen: set[int], depth: int = 1) -> Any:
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
    if depth > MAX_DEPTH:
        raise _too_deep(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct(loader, item, seen, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        data = {}
        for key_node, value_node in node.value:
            key = _construct(loader, key_node, seen, depth + 1)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise _Unusual
            data[key] = _construct(loader, value_node, seen, depth + 1)
        return data
    raise _Unusual


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_expansion(root: Any) -> None:
    """Raise YamlError when `root`, with every alias expanded, is too big, too deep or
    contains itself.

    PyYAML composes an alias into the very node its anchor names, so the document
    is a graph; each node is visited once, in document order and without recursion
    (a chain of anchors can be longer than Python's stack), and its expanded size is
    summed from its children's. The first edge to a node is its anchor; each later
    one is an alias and adds the node's expanded size. The count stops at the first
    alias that passes a bound, and the message names the line of its container."""
    cap = 10 * (MAX_ALIAS_VALUES + MAX_ALIAS_CHARS)  # keeps the sums small integers
    size: dict[int, tuple[int, int, int]] = {}  # id -> (values, characters, depth)
    entered: set[int] = set()  # the nodes on the path from the root
    anchor: dict[int, tuple[int, int]] = {}  # id -> (parent id, index) of its first edge
    extra_values = extra_chars = 0
    stack: list[tuple[Any, int, int, bool]] = [(root, 0, 0, False)]
    while stack:
        node, parent, index, done = stack.pop()
        key = id(node)
        if not done:
            if key in size:
                continue
            if key in entered:
                raise YamlError("uses an alias inside the anchor it refers to, which would "
                                "make a value that contains itself", node.start_mark.line + 1,
                                too_big=True)
            entered.add(key)
            anchor.setdefault(key, (parent, index))
            stack.append((node, parent, index, True))
            # Reversed: the stack hands them out first to last.
            children = _children(node)
            stack.extend((children[i], key, i, False) for i in range(len(children) - 1, -1, -1)
                         if id(children[i]) not in size)
            continue
        entered.discard(key)
        values, chars, depth = 1, len(node.value) if isinstance(node, yaml.ScalarNode) else 0, 0
        for i, child in enumerate(_children(node)):
            c_values, c_chars, c_depth = size[id(child)]
            values, chars, depth = values + c_values, chars + c_chars, max(depth, c_depth)
            if anchor[id(child)] != (key, i):
                extra_values += c_values
                extra_chars += c_chars
                if extra_values > MAX_ALIAS_VALUES:
                    raise YamlError(f"uses YAML aliases that expand to more than "
                                    f"{MAX_ALIAS_VALUES:,} values", node.start_mark.line + 1,
                                    too_big=True)
                if extra_chars > MAX_ALIAS_CHARS:
                    raise YamlError(f"uses YAML aliases that expand to more than "
                                    f"{MAX_ALIAS_CHARS:,} characters of text",
                                    node.start_mark.line + 1, too_big=True)
        depth += 0 if isinstance(node, yaml.ScalarNode) else 1
        if depth > MAX_DEPTH:
            raise _too_deep(node)
        size[key] = (min(values, cap), min(chars, cap), depth)


def _document(loader: yaml.Loader, node: Any) -> Any:
    try:
        return _construct(loader, node, set())
    except _Unusual:
        _check_expansion(node)
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
            # str() of a list or mapping node would print all of it, aliases expanded.
            key = (key_node.value if isinstance(key_node, yaml.ScalarNode)
                   else f"<{key_node.id} on line {key_node.start_mark.line + 1}>")
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
