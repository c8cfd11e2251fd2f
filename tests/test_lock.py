"""The lock guards identity: GUIDs derived from ids, stored ones checked (MLK224)."""

from __future__ import annotations

from pathlib import Path

from generator import cli
from generator import lock as lockfile
from generator.bank import check
from tests.sample import make


def _locked(tmp_path: Path) -> Path:
    content = make(tmp_path)
    assert cli.main(["lock", "--content", str(content)]) == 0
    return content


def test_guid_depends_on_id_and_language_only(tmp_path: Path) -> None:
    assert lockfile.guid("a", "de") == lockfile.guid("a", "de") != lockfile.guid("a", "en")
    assert lockfile.guid("a", "de", "glossary") != lockfile.guid("a", "de")


def test_a_hand_edited_guid_is_a_located_error(tmp_path: Path) -> None:
    content = _locked(tmp_path)
    path = lockfile.lock_path(content)
    lock, _ = lockfile.read(path)
    lock.questions["sample"].guid["de"] = "edited!!"
    lockfile.write(path, lock)
    _, problems = check(content)
    (problem,) = [p for p in problems if p.code == "MLK224"]
    assert problem.path.endswith("notes.lock.yaml") and problem.line > 1
    assert "sample" in problem.message


def test_lock_round_trip_keeps_times(tmp_path: Path) -> None:
    content = _locked(tmp_path)
    path = lockfile.lock_path(content)
    first = path.read_text(encoding="utf-8")
    assert cli.main(["lock", "--content", str(content)]) == 0
    assert path.read_text(encoding="utf-8") == first  # nothing changed: nothing moves
    lock, problems = lockfile.read(path)
    assert not problems and set(lock.questions) == {"sample"}
