"""Refresh the vendored FSRS scheduler (ts-fsrs, MIT) that the study page runs.

    python generator/site/vendor/refresh_ts_fsrs.py           # re-fetch the pinned version
    python generator/site/vendor/refresh_ts_fsrs.py 5.5.0     # move to another version

Runs ``npm pack ts-fsrs@VERSION`` (npm verifies the registry's integrity hash), takes
``dist/index.umd.js`` (global ``FSRS``) and ``LICENSE``, drops the source-map comment (the
map is not shipped, so browsers would request a missing file), prepends a licence banner
and records name, version, integrity and the SHA-256 of the vendored file in
``ts-fsrs.json`` beside this script. ``tests/test_study.py`` checks that record, so a
hand-edited or half-refreshed copy fails the tests. Review the upstream CHANGELOG (and run
``pytest tests/test_study.py``) before committing a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORD = HERE / "ts-fsrs.json"
TARGET = HERE.parent / "docs" / "assets" / "study" / "vendor"
SCRIPT = "ts-fsrs.umd.js"
LICENCE = "ts-fsrs.LICENSE.txt"
_SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")


def vendored(text: str, version: str) -> str:
    """The upstream bundle as shipped: licence banner first, no source-map comment."""
    banner = (f"/*! ts-fsrs {version} | MIT License, (c) Open Spaced Repetition | "
              f"https://github.com/open-spaced-repetition/ts-fsrs | see {LICENCE} */\n")
    return banner + _SOURCE_MAP.sub("\n", text)


def refresh(version: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["npm", "pack", f"ts-fsrs@{version}", "--json", "--silent"],
                              cwd=tmp, capture_output=True, text=True, check=True)
        info = json.loads(proc.stdout)[0]
        with tarfile.open(Path(tmp) / info["filename"]) as tar:
            def read(name: str) -> str:
                member = tar.extractfile(f"package/{name}")
                if member is None:
                    raise SystemExit(f"ts-fsrs@{version} has no {name}")
                return member.read().decode("utf-8")

            package = json.loads(read("package.json"))
            script = vendored(read("dist/index.umd.js"), package["version"])
            licence = read("LICENSE")
    if package.get("license") != "MIT":
        raise SystemExit(f"ts-fsrs@{version} is licensed {package.get('license')!r}, not MIT")
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / SCRIPT).write_text(script, encoding="utf-8")
    (TARGET / LICENCE).write_text(licence, encoding="utf-8")
    record = {
        "name": "ts-fsrs",
        "version": package["version"],
        "license": package["license"],
        "source": f"https://registry.npmjs.org/ts-fsrs/-/{info['filename']}",
        "integrity": info["integrity"],
        "file": f"docs/assets/study/vendor/{SCRIPT}",
        "sha256": hashlib.sha256(script.encode("utf-8")).hexdigest(),
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str]) -> int:
    pinned = json.loads(RECORD.read_text(encoding="utf-8"))["version"] if RECORD.exists() \
        else "5.4.2"
    record = refresh(argv[0] if argv else pinned)
    print(f"vendored ts-fsrs {record['version']} ({record['sha256'][:12]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
