"""Located, coded problems: the one way every content mistake is reported.

Each check has a stable code (``MLK001`` ...) listed in :data:`CODES`, so contributors can
look a message up and tests can assert exactly which rule fired.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# code -> short title. The message of each problem says how to fix it.
CODES: dict[str, str] = {
    # files and YAML syntax
    "MLK001": "YAML syntax error",
    "MLK002": "duplicate key",
    "MLK003": "tab used for indentation",
    "MLK004": "file is not valid UTF-8",
    "MLK005": "byte order mark (BOM)",
    "MLK006": "empty file",
    "MLK007": "file too large",
    "MLK008": "unsupported YAML tag",
    "MLK009": "YAML anchor or alias",
    "MLK010": "missing file",
    # JSON Schema
    "MLK101": "missing field",
    "MLK102": "unknown field",
    "MLK103": "wrong type",
    "MLK104": "invalid value",
    # rules across files
    "MLK201": "duplicate id",
    "MLK202": "id does not match file name",
    "MLK203": "unknown category",
    "MLK204": "unknown tag",
    "MLK205": "dangling related id",
    "MLK206": "table shape differs",
    "MLK207": "D2 diagram does not compile",
    "MLK208": "key point too long",
    "MLK209": "languages differ in structure",
    "MLK210": "unsafe HTML",
    "MLK211": "unsafe link",
    "MLK212": "retired id reused",
    "MLK213": "published id removed",
    "MLK214": "lock file out of date",
    "MLK215": "translation may be stale",
    "MLK216": "related to itself",
    "MLK217": "unknown interface string",
    "MLK218": "deck configuration",
    "MLK219": "answer length",
    "MLK220": "short answer length or form",
    "MLK221": "review date",
    "MLK222": "glossary entry",
    "MLK223": "diagram too large to stay legible",
    "MLK224": "lock GUID differs from the derived one",
    "MLK225": "story card front too long",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a content file."""

    path: str
    line: int
    col: int
    code: str
    message: str
    qid: str | None = field(default=None, compare=False)
    warning: bool = field(default=False, compare=False)

    def format(self) -> str:
        """``path:line:col: CODE [id] message`` - the form editors and CI understand."""
        where = f"[{self.qid}] " if self.qid else ""
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {kind}{where}{self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the file in the PR diff."""
        level = "warning" if self.warning else "error"
        msg = f"{self.code} {self.message}".replace("%", "%25").replace("\n", "%0A")
        return (
            f"::{level} file={self.path},line={self.line},col={self.col},"
            f"title={self.code} {CODES.get(self.code, '')}::{msg}"
        )


class ContentError(Exception):
    """Raised when content problems stop a command; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = sorted(problems)


def display_path(path: Path) -> str:
    """Path relative to the working directory when possible: clickable in terminals and CI."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class PathNames:
    """:func:`display_path` for the many files of a few folders, for one validation run.

    Resolving a path asks the system about every folder above it; here each folder is
    resolved once, and a file only once more when it is itself a symbolic link. The result
    is exactly :func:`display_path`'s (a file name that is not a link resolves to itself)."""

    def __init__(self) -> None:
        self._cwd = Path.cwd().resolve()
        self._folders: dict[Path, str | None] = {}  # folder -> its display path, if below cwd
        self._files: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        shown = self._files.get(path)
        if shown is None:
            shown = self._files[path] = self._shown(path)
        return shown

    def _shown(self, path: Path) -> str:
        if path.name in ("", ".", "..") or os.path.islink(path):
            return display_path(path)
        if path.parent not in self._folders:
            try:
                shown = str(path.parent.resolve().relative_to(self._cwd))
            except ValueError:
                shown = None
            self._folders[path.parent] = shown
        folder = self._folders[path.parent]
        if folder is None:
            return str(path)
        return path.name if folder == "." else f"{folder}{os.sep}{path.name}"


def report(problems: list[Problem], stream) -> None:
    """Print problems sorted by file and line, plus GitHub annotations inside Actions."""
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    for p in sorted(problems):
        print(p.format(), file=stream)
        if in_actions:
            print(p.github(), file=stream)
