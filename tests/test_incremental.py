"""`serve`'s dirty rebuilds (generator/site/incremental.py): an edit re-renders only the
pages it changed, and the site it leaves is the site a clean build makes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.site import serve_config

pytestmark = pytest.mark.slow


def rebuild(config_file: Path, site: Path, dirty: bool, first: bool = False) -> None:
    """One build as `mkdocs serve --dirty` runs it (the config reloaded, the plugins kept
    from its ``first`` build), or a clean `mkdocs build`."""
    config = load_config(str(config_file), site_dir=str(site))
    if first or not dirty:
        config.plugins.on_startup(command="serve" if dirty else "build", dirty=dirty)
    build(config, dirty=dirty)


def pages(site: Path) -> dict[str, int]:
    """Every HTML page of the site and its modification time."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def assert_same_site(dirty: Path, clean: Path) -> None:
    """Byte for byte, but for the order of Material's tag export (pages in the order the
    build read them: the rebuilt ones first), which no page shows."""
    a, b = tree(dirty), tree(clean)
    assert sorted(a) == sorted(b)
    exports = [name for name in a if name.endswith("tags.json")]
    for name in exports:
        mappings = [sorted(json.dumps(m, sort_keys=True) for m in json.loads(x[name])["mappings"])
                    for x in (a, b)]
        assert mappings[0] == mappings[1], name
    differ = [name for name in a if a[name] != b[name] and name not in exports]
    assert not differ, differ[:10]


def edit(question: Path, pattern: str, replacement: str) -> None:
    text = question.read_text(encoding="utf-8")
    new, count = re.subn(pattern, replacement, text)
    assert count >= 1, pattern
    question.write_text(new, encoding="utf-8")


def edited_while_serving(project: Path, tmp_path: Path,
                         edits: list[tuple[str, str]]) -> tuple[Path, list[str], int]:
    """Serve (a full first build), apply ``edits`` to what-is-mlops.yaml, rebuild as
    serve does, and check the result against a clean build. Returns the served site, the
    pages the rebuild wrote and how many pages there are."""
    content = project / "content"
    question = content / "questions" / "what-is-mlops.yaml"
    served = tmp_path / "served"
    with serve_config(content) as config_file:
        rebuild(config_file, served, dirty=True, first=True)
        before = pages(served)
        for pattern, replacement in edits:
            edit(question, pattern, replacement)
        rebuild(config_file, served, dirty=True)
        after = pages(served)
        rebuild(config_file, tmp_path / "clean", dirty=False)
    assert_same_site(served, tmp_path / "clean")
    return served, sorted(name for name in after if after[name] != before.get(name)), \
        len(after)


def test_an_answer_edit_rebuilds_its_pages_only_and_equals_a_clean_build(
        project: Path, tmp_path: Path) -> None:
    # The long answer and the short one (the study cards' data file changes name).
    served, rebuilt, count = edited_while_serving(project, tmp_path, [
        (r"(Der Lebenszyklus umfasst|The lifecycle covers):", r"\1 (edited):"),
        (r"(MLOps überträgt DevOps-Praktiken|MLOps)( applies| auf)", r"\1 (edited)\2")])
    assert "questions/what-is-mlops/index.html" in rebuilt
    assert "en/questions/what-is-mlops/index.html" in rebuilt
    assert "questions/mlops-vs-devops/index.html" not in rebuilt
    assert len(rebuilt) <= count // 10, rebuilt
    assert "(edited)" in (served / "en/questions/what-is-mlops/index.html").read_text()


def test_a_title_and_tag_edit_rebuilds_the_pages_showing_them_and_equals_a_clean_build(
        project: Path, tmp_path: Path) -> None:
    """A title shows on its neighbours' pages, on the pages relating to it, on its category
    page and in Material's tag listings; a tag on the listings. Those pages and no others
    are rebuilt, and the site equals a clean build."""
    served, rebuilt, count = edited_while_serving(project, tmp_path, [
        (r"(What is MLOps|Was ist MLOps),", r"\1 (edited),"),
        (r"tags: \[fundamentals, lifecycle, devops\]", "tags: [fundamentals, devops]")])
    for lang in ("", "en/"):
        for page in ("questions/what-is-mlops", "questions/mlops-vs-devops",  # related
                     "categories/basics", "tags"):
            assert f"{lang}{page}/index.html" in rebuilt, (lang, page)
    assert "questions/feature-store-online-offline/index.html" not in rebuilt
    assert len(rebuilt) <= count // 5, rebuilt
    assert "(edited)" in (served / "en/tags/index.html").read_text()
