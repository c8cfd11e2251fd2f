"""The same lint CI runs (ruff), so `.ci/run` covers every check of ci.yml."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT, missing


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        missing("ruff", "install the test extras: pip install -e '.[test]'")
    proc = subprocess.run([ruff or sys.executable, "check", "generator", "tests"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
