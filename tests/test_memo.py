"""The validation cache and the parallel file check change nothing but the time taken.

Every case of the rule catalogue is validated without the cache, then cold and warm with
it: the problems (with their ids and warning flags) and the bank must be the same each time.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import bank as bank_module
from generator import cli, filecheck, memo
from generator.bank import check
from generator.diagnostics import Problem
from tests.sample import ROOT, make
from tests.test_rules import CASES, Case


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module: the D2 pictures are shared, while each content
    folder of a test has its own validation entries."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def content(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MLOPS_KIT_CACHE", str(cache))
    content = make(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lock", "--content", str(content)]) == 0
    return content


def _full(problems: list[Problem]) -> list[tuple]:
    """Problems with the fields equality leaves out (the id, the warning flag)."""
    return [(p, p.qid, p.warning) for p in problems]


def _pack(content: Path) -> Path:
    return memo.Store.for_root(content).path or Path()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cached_results_equal_fresh_ones(case: Case, content: Path) -> None:
    case.mutate(content)
    _pack(content).unlink(missing_ok=True)  # `lock` in the fixture validated already
    fresh_bank, fresh = check(content, cache=False)
    assert not _pack(content).exists()  # --no-cache leaves the cache alone
    cold_bank, cold = check(content)
    warm_bank, warm = check(content)
    assert _full(cold) == _full(fresh) and _full(warm) == _full(fresh)
    assert cold_bank == fresh_bank and warm_bank == fresh_bank
    if fresh_bank is not None:
        assert [q.path for q in warm_bank.questions] == [q.path for q in fresh_bank.questions]
    assert any(f" {case.code} " in p.format() for p in warm), case.name


def test_valid_bank_cold_and_warm(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _pack(content).unlink()
    cold_bank, cold = check(content)
    assert cold_bank is not None and cold == []
    assert _pack(content).exists()

    def unexpected(*args: object) -> None:
        raise AssertionError("worked out again although unchanged")

    # Warm: no question file is parsed or checked again, nor the glossary.
    monkeypatch.setattr(filecheck, "_entries", unexpected)
    monkeypatch.setattr(bank_module, "glossary_rules", unexpected)
    monkeypatch.setattr(memo, "parse", unexpected)
    warm_bank, warm = check(content)
    assert warm_bank == cold_bank and warm == []


def test_an_edited_file_is_checked_again(content: Path) -> None:
    assert check(content)[1] == []
    question = content / "questions" / "sample.yaml"
    text = question.read_text(encoding="utf-8")
    question.write_text(text.replace("difficulty: 1", "difficulty: 7"), encoding="utf-8")
    bank, problems = check(content)
    assert bank is None and [p.code for p in problems] == ["MLK104"]
    question.write_text(text, encoding="utf-8")  # back as it was: the entry is found again
    assert check(content)[1] == []


def test_a_damaged_cache_is_recomputed_silently(content: Path) -> None:
    bank, problems = check(content)
    pack = _pack(content)
    whole = pack.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:12] + b"x" * (len(whole) - 12), b"",
                    b"\x00" * 40):
        pack.write_bytes(damaged)
        assert check(content) == (bank, problems)
    # A sound file whose entries are not what they should be: each is worked out again.
    store = memo.Store(pack)
    for key in marshal.loads(whole[12:]):
        store.put(key, b"not marshal")
    store.save()
    assert check(content) == (bank, problems)
    pack.unlink()
    pack.mkdir()  # unwritable: no cache, same results
    assert check(content) == (bank, problems)
    pack.rmdir()


def test_the_lock_is_read_the_same_from_the_cache(content: Path) -> None:
    from generator import lock as lockfile

    path = lockfile.lock_path(content)
    store = memo.Store.for_root(content)
    fresh = lockfile.read(path)
    assert lockfile.read(path, store) == fresh  # worked out, kept
    assert lockfile.read(path, store) == fresh  # from the kept entry


_POOL_SCRIPT = """
import marshal, sys
from pathlib import Path
from generator import filecheck, memo
from generator.diagnostics import PathNames
root = Path(sys.argv[1])
paths = sorted((root / "questions").glob("*.yaml"))
def run(pool_from):
    checked = filecheck.check_files(paths, root / "schema" / "question.schema.json", True,
                                    memo.Store(None), PathNames(), pool_from)
    return [(c.doc and c.doc.data, c.doc and c.doc.positions, c.problems, c.own, c.key)
            for c in checked]
serial, pooled = run(10**9), run(1)
print(len(serial), serial == pooled)
"""


def test_worker_processes_give_the_same_results(tmp_path: Path) -> None:
    """The real bank in forked workers (a fresh process: no test runner threads) and in
    one process: the same entries, in the same order."""
    proc = subprocess.run([sys.executable, "-c", _POOL_SCRIPT, str(ROOT / "content")],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "MLOPS_KIT_CACHE": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    count, same = proc.stdout.split()
    assert int(count) > 100 and same == "True"


def test_the_cache_key_covers_every_module_the_check_runs() -> None:
    """A module the per-file check imports but the key leaves out could change results
    without a new key: list it in memo.MODULES."""
    code = ("import sys, generator.bank, generator.filecheck; print(' '.join(sorted("
            "m.split('.', 1)[1] for m in sys.modules if m.startswith('generator.'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    imported = set(proc.stdout.split())
    # The lock and deck rules run on every validation and are never kept.
    assert imported - {"lock", "deck_config"} <= set(memo.MODULES), imported
    assert not {m for m in imported if m.startswith(("site", "decks", "pdf"))}


def test_path_names_are_display_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-run path namer says exactly what display_path says, links included."""
    from generator.diagnostics import PathNames, display_path

    here = tmp_path / "here"
    (here / "content" / "questions").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.yaml").write_text("x: 1\n", encoding="utf-8")
    (here / "content" / "questions" / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    (here / "content" / "questions" / "link.yaml").symlink_to(elsewhere / "real.yaml")
    (here / "content" / "linked").symlink_to(elsewhere)
    monkeypatch.chdir(here)
    paths = [Path("content/questions/a.yaml"), here / "content/questions/a.yaml",
             Path("content/questions/link.yaml"), Path("content/linked/real.yaml"),
             Path("content/questions/missing.yaml"), elsewhere / "real.yaml",
             Path("content/questions/../questions/a.yaml"), Path("a.yaml")]
    names = PathNames()
    for path in paths * 2:  # the second time from what it worked out
        assert names(path) == display_path(path), path


def test_a_kept_document_equals_the_parsed_one(tmp_path: Path) -> None:
    """Read back from an entry, a document unpacks its text and positions on first use."""
    from generator.loader import parse

    path = tmp_path / "a.yaml"
    raw = b"a: 1\nb:\n  - x\n  - {c: d}\n"
    doc, found = parse(path, raw, "a.yaml")
    assert doc is not None and not found
    kept, kept_found = memo.doc_from(marshal.loads(marshal.dumps(memo.doc_part(doc, found))),
                                     path, raw, "a.yaml")
    assert kept is not None and kept_found == []
    assert kept.locate(("b", 1, "c")) == doc.locate(("b", 1, "c")) == (4, 9)
    assert kept == doc and kept.lines == doc.lines
