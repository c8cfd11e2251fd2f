"""JSON Schema validation with located, coded messages.

Two validators of the same schema: ``jsonschema-rs`` (compiled, Rust) answers the common
question "is this file valid?" quickly, and only an invalid file goes through the
``jsonschema`` library, whose errors our messages are written against. So a valid file
costs a fraction of a millisecond, and every message stays exactly what it was.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .diagnostics import Problem
from .loader import Document

if TYPE_CHECKING:  # the library itself is imported when a file is invalid (a tenth of a second)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    dict: "a mapping", list: "a list", str: "text", int: "a whole number", float: "a number",
    bool: "true/false", type(None): "nothing (null)",
}


@lru_cache(maxsize=16)
def validator(schema_path: Path) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@lru_cache(maxsize=16)
def _quick(schema_path: Path) -> jsonschema_rs.Draft202012Validator | None:
    try:
        return jsonschema_rs.Draft202012Validator(
            json.loads(schema_path.read_text(encoding="utf-8")))
    except ValueError:  # a broken schema: :func:`validator` raises the usual SchemaError
        return None


# Characters Python's regular expressions count as whitespace (``\s``) and Rust's do not, so
# a pattern such as ``[^\s]`` accepts them in Rust only (tests/test_schema.py measures the
# gap over every code point). A text holding one is left to the ``jsonschema`` library.
ENGINE_GAP = frozenset("\x1c\x1d\x1e\x1f\x85")


def _in_gap(value: Any) -> bool:
    if isinstance(value, str):
        return not ENGINE_GAP.isdisjoint(value)
    if isinstance(value, dict):
        return any(_in_gap(k) or _in_gap(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_in_gap(v) for v in value)
    return False


def surely_valid(data: Any, schema_path: Path) -> bool:
    """True when the quick validator accepts ``data`` and cannot disagree with the full one.

    False means "ask the full validator", never "invalid": data the Rust side cannot take
    (a number beyond 64 bits, a lone surrogate) or where its regular expressions differ."""
    quick = _quick(schema_path)
    try:
        valid = quick is not None and quick.is_valid(data)
    except (ValueError, TypeError, OverflowError):
        return False
    return valid and not _in_gap(data)


def _field(pointer: tuple) -> str:
    return ".".join(str(p) for p in pointer) or "top level"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _one(doc: Document, err: ValidationError) -> list[Problem]:
    pointer = tuple(err.absolute_path)
    where = _field(pointer)
    v, expected = err.validator, err.validator_value
    if v == "required":
        missing = [k for k in expected if isinstance(err.instance, dict) and k not in err.instance
                   and f"'{k}' is a required" in err.message]
        return [doc.problem(pointer, "MLK101", f"missing field '{k}' in {where}; add it")
                for k in missing]
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(err.schema.get("properties", {}))
        out = []
        for key in err.instance:
            if key in allowed:
                continue
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'?" if near else f"allowed: {', '.join(allowed)}"
            out.append(doc.problem((*pointer, key), "MLK102",
                                   f"unknown field '{key}' in {where}; {hint}", key=True))
        return out
    if v == "type":
        got = _TYPE_NAMES.get(type(err.instance), type(err.instance).__name__)
        want = expected if isinstance(expected, str) else " or ".join(expected)
        return [doc.problem(pointer, "MLK103", f"{where} must be {want}, not {got}")]
    if v == "pattern" and pointer and pointer[-1] == "url":
        return [doc.problem(pointer, "MLK211", f"{where} {_short(err.instance)} is not an "
                            "http(s) URL; link to a public web page")]
    msg = _message(v, expected, where, err)
    return [doc.problem(pointer, "MLK104", msg)]


def _message(v: str, expected: Any, where: str, err: ValidationError) -> str:
    """A plain-language message for the remaining JSON Schema keywords."""
    if v == "minLength":
        return f"{where} is too short (at least {expected} characters)"
    if v == "maxLength":
        return f"{where} is too long ({len(str(err.instance))} characters, at most {expected})"
    if v == "minItems":
        return f"{where} needs at least {expected} entries"
    if v == "maxItems":
        return f"{where} has more than {expected} entries"
    if v in ("minimum", "maximum"):
        return f"{where} must be {'at least' if v == 'minimum' else 'at most'} {expected}"
    if v == "pattern":
        if "a-z0-9" in str(expected):
            return f"{where} {_short(err.instance)} must be kebab-case (a-z, 0-9, '-')"
        return f"{where} does not match {expected}"
    if v == "enum":
        return f"{where} must be one of {', '.join(map(str, expected))}"
    if v == "uniqueItems":
        return f"{where} lists an entry twice"
    if v == "minProperties":
        return f"{where} must not be empty"
    if v == "propertyNames":
        return f"{where}: key {_short(err.instance)} must be kebab-case"
    return f"{where}: {err.message}"


def _misspelt(errors: list[ValidationError]) -> set[tuple[tuple, str]]:
    """(mapping pointer, field) pairs whose absence is explained by a misspelt key next to
    it: `anwser` is one mistake, reported once as MLK102 with "did you mean 'answer'"."""
    out = set()
    for err in errors:
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = list(err.schema.get("properties", {}))
            for key in err.instance:
                if key not in allowed:
                    out.update((tuple(err.absolute_path), near) for near in
                               difflib.get_close_matches(key, allowed, n=1, cutoff=0.6))
    return out


def check(doc: Document, schema_path: Path) -> list[Problem]:
    """All schema problems of one document, each located at the offending node, each once."""
    if surely_valid(doc.data, schema_path):
        return []
    errors = list(validator(schema_path).iter_errors(doc.data))
    explained = _misspelt(errors)
    problems: list[Problem] = []
    for err in errors:
        if err.validator == "required" and isinstance(err.instance, dict):
            missing = [k for k in err.validator_value if k not in err.instance]
            if all((tuple(err.absolute_path), k) in explained for k in missing):
                continue
        for problem in _one(doc, err):
            if problem not in problems:
                problems.append(problem)
    return problems
