"""Study mode's generated files: card data (and its size at 2,000 questions), interface
strings, the vendored scheduler, manifest and service worker, the strict CSP, the cache
fingerprint. The page in the browser: tests/test_study.py."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import re
from pathlib import Path

import yaml

from generator.bank import UI_KEYS, load_bank
from generator.site import study
from tests.conftest import CONTENT, ROOT

ASSETS = ROOT / "generator" / "site" / "docs" / "assets" / "study"


def cards(site: Path, lang: str) -> dict:
    folder = site / ("en/study" if lang == "en" else "study")
    (path,) = folder.glob("cards.*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_card_data_is_the_bank(built: Path) -> None:
    bank = load_bank(CONTENT, check_diagrams=False, check_lock=False)
    for lang in ("de", "en"):
        data = cards(built / "site", lang)
        assert data["format"] == study.CARD_FORMAT and data["lang"] == lang
        assert [c["id"] for c in data["cards"]] == [q.id for q in bank.questions]
        for card, q in zip(data["cards"], bank.questions, strict=True):
            assert len(card["k"]) == len(q.text[lang].key_points) and card["s"]
            assert card["c"] == q.category and card["d"] == q.difficulty
        blob = json.dumps(data)
        assert "<script" not in blob and not re.search(r"<[^>]*\son\w+=", blob)
        assert {k for k in data["ui"] if k.startswith("study_")} <= set(UI_KEYS)
        size = len(gzip.compress(json.dumps(data, separators=(",", ":")).encode()))
        assert size < 4000 + 600 * len(bank.questions), f"{size} bytes gzip"


def test_interface_strings_exist() -> None:
    """Every study string the page or the scripts use is in ui.yaml and UI_KEYS (MLK217)."""
    used: set[str] = set()
    for path in [*ASSETS.glob("*.js"), *(ROOT / "generator/site/templates").glob("s*.j2"),
                 ROOT / "generator/site/study.py"]:
        used |= set(re.findall(r"\bstudy_[a-z0-9_]+", path.read_text(encoding="utf-8")))
    used |= {f"study_{k}" for k in ("again", "hard", "good", "easy")}
    used -= {"study_"}
    strings = yaml.safe_load((CONTENT / "ui.yaml").read_text(encoding="utf-8"))["strings"]
    assert used - set(strings) == set()
    assert used - set(UI_KEYS) == set()


def test_vendored_scheduler_matches_its_record() -> None:
    record = json.loads((ROOT / "generator/site/vendor/ts-fsrs.json").read_text())
    script = (ROOT / "generator/site" / record["file"]).read_bytes()
    assert hashlib.sha256(script).hexdigest() == record["sha256"], \
        "refresh it with generator/site/vendor/refresh_ts_fsrs.py, never by hand"
    assert record["license"] == "MIT" and (ASSETS / "vendor/ts-fsrs.LICENSE.txt").exists()
    assert f"ts-fsrs {record['version']}" in script[:200].decode()
    assert b"sourceMappingURL" not in script


def test_offline_files(built: Path) -> None:
    site = built / "site"
    assert (site / "sw.js").exists() and not (site / "en/sw.js").exists()
    worker = (site / "sw.js").read_text(encoding="utf-8")
    config = json.loads(re.search(r"const CONFIG = (.*);", worker).group(1))
    for path in config["precache"] + config["pages"]:
        target = site / path
        assert (target / "index.html" if path.endswith("/") else target).exists(), path
    for lang, up in (("de", "../"), ("en", "../../")):
        folder = site / ("en/study" if lang == "en" else "study")
        manifest = json.loads((folder / "manifest.webmanifest").read_text(encoding="utf-8"))
        assert manifest["lang"] == lang and manifest["scope"] == up
        assert manifest["start_url"] == "./" and manifest["display"] == "standalone"
        for icon in manifest["icons"]:
            assert (folder / icon["src"]).resolve().exists(), icon
    # No inline script beyond Material's own (hashed by generator.site.html.csp): the policy
    # stays strict.
    inline = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json))[^>]*>(.*?)</script>",
                        re.S)
    home = set(inline.findall((site / "index.html").read_text(encoding="utf-8")))
    assert set(inline.findall((site / "study/index.html").read_text(encoding="utf-8"))) <= home


def test_fingerprint_follows_the_content(project: Path) -> None:
    bank = load_bank(project / "content", check_diagrams=False, check_lock=False)
    before = study.fingerprint(bank, [])
    assert before == study.fingerprint(bank, [])
    q = next((project / "content/questions").glob("*.yaml"))
    q.write_text(q.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert study.fingerprint(bank, []) != before


def test_card_data_stays_light_at_2000_questions() -> None:
    """The bank grown to 2,000 distinct questions (as tests/benchmarks does): the card data
    a phone downloads once per site version stays under 1 MB gzip per language."""
    bank = load_bank(CONTENT, check_diagrams=False, check_lock=False)
    grown = []
    for n in range(2000):
        q = bank.questions[n % len(bank.questions)]
        copy = n // len(bank.questions)
        if copy:
            text = {lang: dataclasses.replace(
                x, question=f"({copy}) {x.question}", short_answer=f"({copy}) {x.short_answer}",
                key_points=tuple(f"({copy}) {k}" for k in x.key_points))
                for lang, x in q.text.items()}
            q = dataclasses.replace(q, id=f"{q.id}-x{copy}", text=text)
        grown.append(q)
    big = dataclasses.replace(bank, questions=grown)
    for lang in ("de", "en"):
        size = len(gzip.compress(study.card_file(big, lang)[1].encode()))
        assert size < 1_000_000, f"{lang}: {size} bytes gzip for 2,000 questions"
