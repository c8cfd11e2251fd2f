"""Read YAML files into plain Python data while remembering where every node came from.

PyYAML's composer gives us nodes with marks; we build the Python values ourselves so we can
(a) record the line and column of every key and value, (b) report duplicate keys, which
PyYAML silently resolves to the last one, and (c) refuse anything that is not plain data:
custom tags such as ``!!python/object`` and anchors/aliases (the "billion laughs" bomb).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Problem, display_path

MAX_BYTES = 1024 * 1024  # a question is a few KiB; anything this big is a mistake
Pointer = tuple[str | int, ...]

# libyaml's parser keeps the same marks and is several times faster than the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass
class Document:
    """A loaded YAML file: its data and the 1-based (line, col) of each node."""

    path: Path
    data: Any
    text: str = ""
    positions: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
    # display_path(path), worked out once: every problem of the file names it.
    display: str | None = field(default=None, compare=False, repr=False)

    @classmethod
    def kept(cls, path: Path, data: Any, raw: bytes, packed: bytes, display: str) -> Document:
        """A document read back from the validation cache whose text (``raw``, UTF-8) and
        positions (``packed``, :mod:`marshal` data) are unpacked on first use: most files
        of a run have no problem to locate, and unpacking is half the cost of an entry."""
        doc = cls.__new__(cls)
        doc.path, doc.data, doc.display = path, data, display
        doc.__dict__["_kept"] = (raw, packed)
        return doc

    def __getattr__(self, name: str) -> Any:
        """Unpack a :meth:`kept` document when its text or positions are first read."""
        kept = self.__dict__.pop("_kept", None)
        if kept is None or name not in ("text", "positions", "key_positions"):
            if kept is not None:
                self.__dict__["_kept"] = kept
            raise AttributeError(name)
        raw, packed = kept
        self.text = raw.decode("utf-8")
        self.positions, self.key_positions = marshal.loads(packed)
        return self.__dict__[name]

    @cached_property
    def lines(self) -> list[str]:
        """The file's lines, split once (rules look up many positions)."""
        return self.text.splitlines()

    @property
    def shown(self) -> str:
        """The path as problems name it (resolving a path costs system calls: once)."""
        if self.display is None:
            self.display = display_path(self.path)
        return self.display

    def locate(self, pointer: Pointer, key: bool = False) -> tuple[int, int]:
        """Position of the node at ``pointer``, or of its nearest existing parent."""
        table = self.key_positions if key else self.positions
        p = tuple(pointer)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, pointer: Pointer, code: str, message: str, *, key: bool = False,
                warning: bool = False, item: str | None = None) -> Problem:
        """A located problem; ``item`` names the entry when the file's own id does not (a
        glossary term)."""
        line, col = self.locate(pointer, key=key)
        qid = item or (self.data.get("id") if isinstance(self.data, dict) else None)
        return Problem(self.shown, line, col, code, message,
                       qid if isinstance(qid, str) else None, warning)


class _Builder:
    """Turns a composed node tree into Python data, collecting positions and problems."""

    def __init__(self, doc: Document, problems: list[Problem]):
        self.doc = doc
        self.problems = problems
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")  # only for its scalar constructors

    def _at(self, node: yaml.Node, code: str, msg: str) -> None:
        self.problems.append(Problem(self.doc.shown, node.start_mark.line + 1,
                                     node.start_mark.column + 1, code, msg))

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        self.doc.positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen:
            # The same node object reached twice means an alias: refuse rather than expand.
            self._at(node, "MLK009", "anchors and aliases (&name / *name) are not allowed; "
                     "write the value out")
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self._at(node, "MLK008", f"YAML tag {node.tag!r} is not allowed; remove it")
            return self._mapping(node, pointer)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._at(node, "MLK008", f"YAML tag {node.tag!r} is not allowed; remove it")
            return [self.build(child, (*pointer, i)) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, pointer: Pointer) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._at(key_node, "MLK009", "merge keys (<<) are not allowed; write the "
                         "fields out")
                continue
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                self._at(key_node, "MLK103", "a mapping key must be a plain word")
                continue
            key = str(key)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self._at(key_node, "MLK002", f"duplicate key {key!r} (first at line "
                         f"{first_seen[key]}); YAML would silently keep only the last one, "
                         "so merge the two")
                continue
            first_seen[key] = line
            self.doc.key_positions[(*pointer, key)] = (line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*pointer, key))
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _TIMESTAMP:
            return node.value  # dates stay text: the schema decides what they mean
        if node.tag == _STR:  # most scalars: the constructor would return the text as is
            return node.value
        if node.tag not in _PLAIN_TAGS:
            self._at(node, "MLK008", f"YAML tag {node.tag!r} is not allowed; content is "
                     "plain text, numbers and lists")
            return node.value
        return self.constructor.yaml_constructors[node.tag](self.constructor, node)


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(shown, 1, 1, "MLK005", "file starts with a byte order mark; "
                                "save it as UTF-8 without BOM"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(shown, line, col, "MLK004", f"byte 0x{raw[exc.start]:02x} is "
                                "not UTF-8; save the file as UTF-8"))
        return None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "\t" in problem or "'\\t'" in problem or (
        mark and 0 <= mark.line < len(text.splitlines())
        and text.splitlines()[mark.line][: mark.column + 1].lstrip(" ").startswith("\t")
    ):
        return Problem(shown, line, col, "MLK003", "tab character used for indentation; YAML "
                       "indents with spaces only")
    hint = ""
    lines = text.splitlines()
    here = lines[mark.line] if mark and 0 <= mark.line < len(lines) else ""
    if "mapping values are not allowed" in problem:
        # "key: value: more" on one line is a missing quote; a key indented deeper than the
        # key before it (its value already given) is an indentation slip, the likelier one.
        before = lines[mark.line - 1] if mark and mark.line > 0 else ""
        deeper = len(here) - len(here.lstrip(" ")) > len(before) - len(before.lstrip(" "))
        hint = (" (check the indentation: this line is indented deeper than the key above, "
                "whose value is already given)" if deeper and ": " in before.strip()
                else " (a value containing ': ' must be quoted, or check the indentation)")
    elif "could not find expected ':'" in problem:
        hint = " (check indentation and that every key ends with ':')"
    elif "did not find expected key" in problem:
        hint = (" (check the indentation: every key of a block starts in the same column, and "
                "a list item needs '- ' in the column of the list; a value starting with a "
                "quote must end with the same quote)")
    elif "did not find expected '-' indicator" in problem:
        hint = " (check the indentation: list items start with '- ' in one column)"
    return Problem(shown, line, col, "MLK001", f"YAML syntax error: {problem}{hint}")


def load(path: Path, shown: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one YAML file. Returns the document (None if unreadable) and its problems.

    ``shown`` is the path as problems name it, when the caller knows it already."""
    shown = display_path(path) if shown is None else shown
    if not path.is_file():
        return None, [Problem(shown, 1, 1, "MLK010", "file is missing; create it (see "
                              "CONTRIBUTING.md for its shape)")]
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [_too_large(shown, size)]
    return parse(path, path.read_bytes(), shown)


def _too_large(shown: str, size: int) -> Problem:
    return Problem(shown, 1, 1, "MLK007", f"file is {size // 1024} KiB; the limit is "
                   f"{MAX_BYTES // 1024} KiB: split it or shorten it")


def parse(path: Path, raw: bytes, shown: str) -> tuple[Document | None, list[Problem]]:
    """:func:`load` for bytes already read (the validation cache hashes them first)."""
    problems: list[Problem] = []
    if len(raw) > MAX_BYTES:
        return None, [_too_large(shown, len(raw))]
    text = _decode(raw, shown, problems)
    if text is None:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, shown)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        return None, [Problem(shown, 1, 1, "MLK001", f"YAML syntax error: {exc}")]
    doc = Document(path, None, text, display=shown)
    if node is None:
        problems.append(Problem(shown, 1, 1, "MLK006", "file is empty; add content or "
                                "delete the file"))
        return None, problems
    doc.data = _Builder(doc, problems).build(node, ())
    return doc, problems
