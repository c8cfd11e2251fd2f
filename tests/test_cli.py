"""The CLI end to end on a temporary content folder, as a user runs it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import ROOT, run_cli
from tests.sample import make


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    content = make(tmp_path)
    assert run_cli("lock", "--content", str(content), cwd=tmp_path).returncode == 0
    ok = run_cli("validate", "--content", str(content), cwd=tmp_path)
    assert ok.returncode == 0 and "ok: 1 questions" in ok.stderr
    q = content / "questions" / "sample.yaml"
    q.write_text(q.read_text(encoding="utf-8").replace("difficulty: 1", "difficulty: x\nid: y"),
                 encoding="utf-8")
    bad = run_cli("validate", "--content", str(content), cwd=tmp_path)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "content/questions/sample.yaml:5:1: MLK002" in bad.stderr


def test_default_content_is_the_working_directory(tmp_path: Path) -> None:
    make(tmp_path)
    assert run_cli("lock", cwd=tmp_path).returncode == 0
    assert run_cli("validate", cwd=tmp_path).returncode == 0


def test_build_progress_and_quiet(tmp_path: Path) -> None:
    content = make(tmp_path)
    run_cli("lock", "--content", str(content), cwd=tmp_path)
    loud = run_cli("build", "--content", str(content), "--out", str(tmp_path / "o"), "--only",
                   "site", cwd=tmp_path)
    assert loud.returncode == 0, loud.stderr
    assert "validate" in loud.stderr and " s" in loud.stderr
    assert (tmp_path / "o" / "site" / "index.html").exists()
    assert (tmp_path / "o" / "site" / "en" / "questions" / "sample" / "index.html").exists()
    quiet = run_cli("build", "--content", str(content), "--out", str(tmp_path / "o"), "--only",
                    "site", "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    content = make(tmp_path)
    run_cli("lock", "--content", str(content), cwd=tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--quiet",
                   cwd=ROOT).returncode == 0
    before = digest(out)
    assert any(k.startswith("site/") for k in before)
    q = content / "questions" / "sample.yaml"
    q.write_text(q.read_text(encoding="utf-8").replace("tags: [drift]", "tags: [nope]"),
                 encoding="utf-8")
    failed = run_cli("build", "--content", str(content), "--out", str(out), cwd=ROOT)
    assert failed.returncode == 1 and "MLK204" in failed.stderr
    assert "nothing was written" in failed.stderr
    assert digest(out) == before


def test_renderer_crash_leaves_previous_output_untouched(tmp_path: Path, monkeypatch) -> None:
    """A crash inside a renderer after others finished must not half-replace the output."""
    import pytest

    from generator import build

    content = make(tmp_path)
    run_cli("lock", "--content", str(content), cwd=tmp_path)
    out = tmp_path / "out"
    (out / "decks").mkdir(parents=True)
    (out / "decks" / "old.apkg").write_bytes(b"previous release")
    before = digest(out)

    def good(bank, target: Path, ctx) -> None:
        (target / "new.apkg").write_bytes(b"new")

    def crash(bank, target: Path, ctx) -> None:
        (target / "half.pdf").write_bytes(b"half")
        raise RuntimeError("renderer bug")

    from types import SimpleNamespace

    monkeypatch.setattr(build, "renderers", lambda only=(): {
        "decks": SimpleNamespace(build=good), "pdf": SimpleNamespace(build=crash)})
    with pytest.raises(RuntimeError):
        build.build(content, out, build.Progress(quiet=True))
    assert digest(out) == before
    assert [p.name for p in out.iterdir()] == ["decks"]


def test_retiring_a_question(tmp_path: Path) -> None:
    """Delete + retire: validate passes, the id stays reserved, reusing it fails (MLK212)."""
    from tests.sample import QUESTION

    content = make(tmp_path)
    other = content / "questions" / "other.yaml"
    other.write_text(QUESTION.replace("id: sample", "id: other"), encoding="utf-8")
    assert run_cli("lock", "--content", str(content), cwd=tmp_path).returncode == 0
    other.unlink()
    missing = run_cli("validate", "--content", str(content), cwd=tmp_path)
    assert missing.returncode == 1 and "MLK213" in missing.stderr
    keep = run_cli("lock", "--content", str(content), "--retire", "sample", cwd=tmp_path)
    assert keep.returncode == 1 and "delete content/questions/sample.yaml" in keep.stderr
    assert run_cli("lock", "--content", str(content), "--retire", "other",
                   cwd=tmp_path).returncode == 0
    assert run_cli("validate", "--content", str(content), cwd=tmp_path).returncode == 0
    lock = (tmp_path / "decks" / "notes.lock.yaml").read_text(encoding="utf-8")
    assert "retired:\n  other:" in lock
    other.write_text(QUESTION.replace("id: sample", "id: other"), encoding="utf-8")
    reused = run_cli("validate", "--content", str(content), cwd=tmp_path)
    assert reused.returncode == 1 and "MLK212" in reused.stderr


def test_help_is_plain_text() -> None:
    proc = run_cli("--help", cwd=ROOT)
    assert proc.returncode == 0
    assert "``" not in proc.stdout and "validate" in proc.stdout and "pages" in proc.stdout
