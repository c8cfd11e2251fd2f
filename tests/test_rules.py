"""The catalogue of bad content: each case must give its exact code at its exact line,
exit 1 and no traceback, within seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import cli
from generator import lock as lockfile
from generator.bank import check
from tests.sample import DIAGRAM, FILLER_DE, FILLER_EN, QUESTION, TABLE, line_of, make


@dataclass
class Case:
    name: str
    mutate: Callable[[Path], None]  # receives the content folder
    code: str
    line: int | None  # expected line in the reported file, None = any
    file: str = "questions/sample.yaml"


def q(path: Path) -> Path:
    return path / "questions" / "sample.yaml"


def replace(old: str, new: str) -> Callable[[Path], None]:
    def mutate(content: Path) -> None:
        text = q(content).read_text(encoding="utf-8")
        assert old in text, old
        q(content).write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def write_bytes(data: bytes) -> Callable[[Path], None]:
    return lambda content: q(content).write_bytes(data)


def append(extra: str) -> Callable[[Path], None]:
    return lambda content: q(content).write_text(QUESTION + extra, encoding="utf-8")


def second_file(name: str, text: str) -> Callable[[Path], None]:
    return lambda content: (content / "questions" / name).write_text(text, encoding="utf-8")


def retire_and_reuse(content: Path) -> None:
    lock, _ = lockfile.read(lockfile.lock_path(content))
    lock.retired["sample"] = "2026-01-01"
    lockfile.write(lockfile.lock_path(content), lock)


def publish_then_delete(content: Path) -> None:
    second_file("gone.yaml", QUESTION.replace("id: sample", "id: gone"))(content)
    assert cli.main(["lock", "--content", str(content)]) == 0
    (content / "questions" / "gone.yaml").unlink()


L = line_of
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True))
TABLE_BAD = TABLE.replace("      en: [x, y]", "      en: [x, y, z]")

OLD_REVIEW = QUESTION.replace("reviewed: 2026-11", "reviewed: 2020-01")
WIDE = DIAGRAM.replace("    a -> b\n", "".join(f"    a -> n{i}\n" for i in range(9)))

GLOSSARY = """\
terms:
  - id: drift
    questions: [sample, nope]
    de: {term: Drift, synonyms: [Verschiebung], definition: Veränderung der Daten im Betrieb.}
    en: {term: Drift, definition: Change of the data in production.}
  - id: shift
    questions: [sample]
    de: {term: Shift, synonyms: [Verschiebung], definition: Eine Verschiebung der Verteilung.}
    en: {term: Shift, definition: A shift of the distribution.}
"""


def glossary(content: Path) -> None:
    (content / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")


CASES = [
    Case("glossary links an unknown question", glossary, "MLK222",
         L(GLOSSARY, "questions: [sample, nope]"), "glossary.yaml"),
    Case("glossary synonym names two entries", glossary, "MLK222",
         L(GLOSSARY, "term: Shift"), "glossary.yaml"),
    Case("short answer of ten words", lambda c: q(c).write_text(
        QUESTION[:QUESTION.index("  short_answer: >-\n    In production")]
        + "  short_answer: Drift is change in data over time, watched with tests.\n"
        + QUESTION[QUESTION.index("  answer: |\n    Drift means"):], encoding="utf-8"),
         "MLK220", L(QUESTION, "In production the data") - 1),
    Case("review date in the future", replace("reviewed: 2026-11", "reviewed: 2099-01"),
         "MLK221", 5),
    Case("diagram too wide for a phone", append(WIDE), "MLK223",
         L(QUESTION + WIDE, "  d2: |")),

    Case("yaml syntax error", replace("difficulty: 1", "difficulty: [1"), "MLK001", None),
    Case("tab indentation", replace("  question: Was ist Drift?", "\tquestion: Was ist Drift?"),
         "MLK003", L(QUESTION, "Was ist Drift?")),
    Case("duplicate key", replace("difficulty: 1\n", "difficulty: 1\ndifficulty: 2\n"),
         "MLK002", L(QUESTION, "difficulty: 1") + 1),
    Case("wrong type", replace("difficulty: 1", "difficulty: hard"), "MLK103",
         L(QUESTION, "difficulty")),
    Case("empty file", write_bytes(b""), "MLK006", 1),
    Case("non-UTF-8 bytes", write_bytes(QUESTION.replace("Drift heißt", "Drift h\x00").encode()
                                        .replace(b"h\x00", b"h\xe4")), "MLK004",
         L(QUESTION, "Drift heißt")),
    Case("byte order mark", write_bytes(b"\xef\xbb\xbf" + QUESTION.encode()), "MLK005", 1),
    Case("unknown field typo",
         replace("  answer: |\n    Drift means", "  anwser: |\n    Drift means"), "MLK102",
         L(QUESTION, "Drift means") - 1),
    Case("missing language", lambda c: q(c).write_text(
        QUESTION[: QUESTION.index("\nen:\n") + 1] + QUESTION[QUESTION.index("sources:"):],
        encoding="utf-8"), "MLK101", 2),
    Case("empty answer", lambda c: q(c).write_text(
        QUESTION[:QUESTION.index("  answer: |\n    Drift means")] + '  answer: ""\n'
        + QUESTION[QUESTION.index("    - first\n") + len("    - first\n"):], encoding="utf-8"),
         "MLK104",
         L(QUESTION, "Drift means") - 1),
    Case("unknown category", replace("category: basics", "category: basic"), "MLK203", 3),
    Case("unknown tag", replace("tags: [drift]", "tags: [drfit]"), "MLK204", 6),
    Case("duplicate id", second_file("zz-copy.yaml", QUESTION), "MLK201", 2,
         "questions/zz-copy.yaml"),
    Case("duplicate id in a copy sorted first", second_file("a-copy.yaml", QUESTION),
         "MLK201", 2, "questions/a-copy.yaml"),
    Case("indentation slip", replace("  intent: Checks the basic", "    intent: Checks the basic"),
         "MLK001", None),
    Case("id does not match file name", replace("id: sample", "id: sample-two"), "MLK202", 2),
    Case("dangling related", replace("related: []", "related: [no-such-question]"), "MLK205", 7),
    Case("related to itself", replace("related: []", "related: [sample]"), "MLK216", 7),
    Case("table shape differs", append(TABLE_BAD), "MLK206", L(QUESTION + TABLE_BAD, "[x, y, z]")),
    Case("d2 syntax error", append(DIAGRAM.replace("a -> b", "a -> b\n    c -> {")), "MLK207",
         L(QUESTION + DIAGRAM, "a -> b") + 1),
    Case("raw script", replace("- erstens", "- <script>alert(1)</script>"), "MLK210",
         L(QUESTION, "- erstens")),
    Case("raw iframe", replace("Drift means", "<iframe src='https://x.org'></iframe> Drift"),
         "MLK210", L(QUESTION, "Drift means")),
    Case("event handler attribute", replace("- first", '- <abbr onerror="x()">ML</abbr>'),
         "MLK210", L(QUESTION, "- first")),
    Case("javascript link", replace("- first", "- [click](javascript:alert(1))"), "MLK211",
         L(QUESTION, "- first")),
    Case("data link", replace("- erstens", "- [x](data:text/html;base64,PHNjcmlwdD4=)"),
         "MLK211", L(QUESTION, "- erstens")),
    Case("non-http source url", replace("url: https://example.org/docs", "url: ftp://x.org/a"),
         "MLK211", L(QUESTION, "url:")),
    Case("over-long key point", replace("- Point two", "- " + "very long point " * 9), "MLK208",
         L(QUESTION, "Point two")),
    Case("key point count differs",
         replace("    - Point three\n", "    - Point three\n    - Point four\n"),
         "MLK209", None),
    Case("yaml python tag", replace("difficulty: 1", "difficulty: !!python/object:os.system 1"),
         "MLK008", L(QUESTION, "difficulty")),
    Case("alias bomb", write_bytes(BILLION_LAUGHS.encode()), "MLK009", None),
    Case("file over 1 MiB", append("# " + "x" * (1024 * 1024) + "\n"), "MLK007", 1),
    Case("retired id reused", retire_and_reuse, "MLK212", 1),
    Case("published id removed", publish_then_delete, "MLK213", 7,  # "gone:" in the lock
         "../decks/notes.lock.yaml"),
    Case("stale lock", replace("- Punkt zwei", "- Punkt 2"), "MLK214", 1),
]


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = make(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lock", "--content", str(content)]) == 0
    return content


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


def test_sample_is_valid(content: Path) -> None:
    bank, problems = check(content)
    assert bank is not None and problems == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_content_is_located(case: Case, content: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    case.mutate(content)
    start = time.perf_counter()
    rc = cli.main(["validate", "--content", str(content)])
    elapsed = time.perf_counter() - start
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Traceback" not in err
    expected_file = (Path("content") / case.file).as_posix()
    lines = [x for x in err.splitlines() if f" {case.code} " in x]
    assert lines, f"{case.code} not reported:\n{err}"
    hits = [x for x in lines if x.startswith(expected_file.replace("content/../", "") + ":")]
    assert hits, f"{case.code} not reported for {expected_file}:\n{err}"
    if case.line is not None:
        assert any(x.split(":")[1] == str(case.line) for x in hits), \
            f"expected line {case.line}:\n{err}"
    assert elapsed < 30  # generous: "within seconds" on a loaded CI machine


def test_all_problems_reported_at_once(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace("difficulty: 1", "difficulty: 5")(content)
    replace("tags: [drift]", "tags: [drift, nope]")(content)
    replace("  answer: |\n    Drift means", "  anwser: |\n    Drift means")(content)
    assert cli.main(["validate", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    for code in ("MLK104", "MLK102"):
        assert f" {code} " in err
    assert "did you mean 'answer'" in err
    # One misspelt field is one mistake: no second "missing field 'answer'" error for it.
    assert " MLK101 " not in err


def test_github_annotations(content: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    replace("category: basics", "category: basic")(content)
    assert cli.main(["validate", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "::error file=content/questions/sample.yaml,line=3,col=11,title=MLK203" in err


def test_translation_staleness_warns_then_strict_fails(content: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    replace("- Punkt zwei", "- Punkt 2")(content)
    assert cli.main(["lock", "--content", str(content)]) == 0
    assert cli.main(["validate", "--content", str(content)]) == 0
    assert "MLK215 warning: [sample] the en text" in capsys.readouterr().err
    assert cli.main(["validate", "--strict", "--content", str(content)]) == 1
    assert cli.main(["lock", "--content", str(content), "--translated", "sample"]) == 0
    capsys.readouterr()
    assert cli.main(["validate", "--strict", "--content", str(content)]) == 0


def test_messages_give_the_likely_fix(content: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    replace("  intent: Checks the basic", "    intent: Checks the basic")(content)
    cli.main(["validate", "--content", str(content)])
    assert "check the indentation" in capsys.readouterr().err
    replace("    intent: Checks the basic", "  intent: Checks the basic")(content)
    replace("tags: [drift]", "tags: [drfit]")(content)
    cli.main(["validate", "--content", str(content)])
    assert "did you mean 'drift'?" in capsys.readouterr().err


def test_old_review_is_a_warning(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Facts checked more than a year ago: a warning (MLK221), an error with --strict."""
    q(content).write_text(OLD_REVIEW, encoding="utf-8")
    assert cli.main(["lock", "--content", str(content)]) == 0
    assert cli.main(["validate", "--content", str(content)]) == 0
    err = capsys.readouterr().err
    assert "sample.yaml:5:11: MLK221 warning: [sample] facts last reviewed 2020-01" in err
    assert cli.main(["validate", "--strict", "--content", str(content)]) == 1


def test_short_answer_is_a_warning(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An answer outside 120-350 words: a warning (exit 0), an error with --strict."""
    replace(FILLER_EN + "\n", "")(content)
    replace(FILLER_DE + "\n", "")(content)
    assert cli.main(["lock", "--content", str(content)]) == 0
    assert cli.main(["lock", "--content", str(content), "--translated", "sample"]) == 0
    capsys.readouterr()
    assert cli.main(["validate", "--content", str(content)]) == 0
    err = capsys.readouterr().err
    line = L(q(content).read_text(encoding="utf-8"), "Drift means") - 1
    assert f"content/questions/sample.yaml:{line}:11: MLK219 warning: [sample] answer has" in err
    assert cli.main(["validate", "--strict", "--content", str(content)]) == 1
