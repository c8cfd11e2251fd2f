"""Benchmark: build synthetic banks of growing size and print where the time goes.

Run by hand or by the weekly workflow (not by the unit tests):

    python tests/benchmarks/run.py                # sizes 103 (the real bank), 200, 2000
    python tests/benchmarks/run.py --sizes 103 200 --runs 3

Each size is a copy of the real bank grown to N questions (tables and diagrams in the same
proportion as the real content; every copy's diagram labels differ so D2 really renders
them). Per size it prints the build's own timings of validate, decks, PDFs and site (both
languages) and the wall time of the whole command, each the median of ``--runs`` full
builds in fresh processes; the PDFs alone with no layout kept, with all kept and after
editing one question; the peak memory of a build that lays out every sheet; and a bare
``mkdocs build`` (both
languages, same pages and navigation, no hooks), so the generator's overhead shows as a
ratio. The first, cold-cache build (every D2 diagram rendered) is reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


def _renamer(ids: list[str], suffix: str):
    """A substitution giving every question id on a line the copy's suffix."""
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(q)}(?![\w-])"
                                  for q in sorted(ids, key=len, reverse=True)))
    return lambda m: pattern.sub(lambda q: q.group(0) + suffix, m.group(0))


def grow(target: Path, size: int) -> Path:
    """A content folder with ``size`` questions cloned from the real ones."""
    content = target / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("questions"))
    (content / "questions").mkdir()
    originals = sorted((CONTENT / "questions").glob("*.yaml"))
    ids = [p.stem for p in originals]
    for n in range(size):
        src = originals[n % len(originals)]
        copy = n // len(originals)
        text = src.read_text(encoding="utf-8")
        if copy:
            suffix = f"-x{copy}"
            # Ids only where they are ids (id, related): a tag may share a question's name.
            text = re.sub(r"(?m)^(id|related): .*$", _renamer(ids, suffix), text)
            # A distinct D2 source per copy (a comment: the layout stays as legible as the
            # original's, rule MLK223), so each copy's diagram is a new render.
            text = re.sub(r"(\n  d2: \|\n)", rf"\1    # copy {copy}\n", text)
            # Distinct titles without an extra word (story cards count words, MLK225).
            text = re.sub(r"(\n  question: [\"']?)(\S+)", rf"\g<1>\g<2>{copy}", text)
            # Distinct answers too, so no renderer gets a copy's text from a cache.
            text = re.sub(r"(\n  answer: [|>]-?\n    )", rf"\1({copy}) ", text)
            name = src.stem + suffix
        else:
            name = src.stem
        (content / "questions" / f"{name}.yaml").write_text(text, encoding="utf-8")
    present = {p.stem for p in (content / "questions").glob("*.yaml")}
    for path in (content / "questions").glob("*.yaml"):  # drop links to questions left out
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^related: \[(.*)\]$", text, re.M)
        if m:
            kept = [r.strip() for r in m.group(1).split(",") if r.strip() in present]
            text = text[: m.start()] + f"related: [{', '.join(kept)}]" + text[m.end():]
            path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "decks", target / "decks", ignore=shutil.ignore_patterns("*.lock.yaml"))
    run([sys.executable, "-m", "generator", "lock", "--content", str(content)])
    return content


def run(cmd: list[str], env: dict[str, str] | None = None,
        steps: dict[str, float] | None = None) -> float:
    """Wall time of a command; ``steps`` receives the build's own per-step timings."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    if steps is not None:
        for name, seconds in re.findall(r"^  (\w+(?: \w+)?)\s+([\d.]+) s$", proc.stderr,
                                        re.M):
            steps[name] = float(seconds)
        # The two languages build at once: the site takes as long as the longer one.
        languages = [steps[k] for k in ("site de", "site en") if k in steps]
        if languages:
            steps["site"] = max(languages)
    return time.perf_counter() - start


def peak_memory(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Peak memory (MiB) of a build with its child processes (the English site, decks and
    PDFs build in forked workers), sampled every 20 ms: the peak of their summed PSS (each
    page shared after the fork counted once, split between its sharers: the memory the
    build really needs) and of their summed RSS (shared pages counted in every process)."""
    import psutil

    proc = psutil.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pss = rss = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            infos = [p.memory_full_info() for p in tree if p.is_running()]
            pss = max(pss, sum(i.pss for i in infos))
            rss = max(rss, sum(i.rss for i in infos))
        except psutil.Error:  # a child ended between listing and reading it
            pass
        time.sleep(0.02)
    return pss / 2**20, rss / 2**20


BARE_CONFIG = """\
site_name: bare
docs_dir: docs
site_dir: site
theme: {{name: material, font: false, language: {lang}}}
plugins: [search]
markdown_extensions: [attr_list, md_in_html, admonition, pymdownx.details, pymdownx.highlight,
  pymdownx.superfences, toc]
nav: {nav}
"""


def bare_mkdocs(content: Path, work: Path) -> float:
    """Time plain `mkdocs build` (both languages) on the pages our hook generates."""
    from generator.bank import load_bank
    from generator.site import pages

    bank = load_bank(content, check_lock=False)
    total = 0.0
    for lang in ("de", "en"):
        folder = work / f"bare-{lang}"
        shutil.rmtree(folder, ignore_errors=True)
        for path, data in pages.generate(bank, lang, []).items():
            target = folder / "docs" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data if isinstance(data, bytes) else data.encode())
        # The same navigation as ours, so only the generator's own work differs.
        config = BARE_CONFIG.format(lang=lang, nav=json.dumps(pages.nav(bank, lang)))
        (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
        total += run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                      str(folder / "mkdocs.yml")])
    return total


def measure(size: int, runs: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"mlk-bench-{size}-"))
    try:
        content = grow(work, size)
        env = {"MLOPS_KIT_CACHE": str(work / "cache")}
        cli = [sys.executable, "-m", "generator"]
        out = str(work / "out")
        row: dict[str, float] = {"size": size}
        row["cold"] = run([*cli, "build", "--content", str(content), "--out", out, "--quiet"],
                          env)
        build = [*cli, "build", "--content", str(content), "--out", out]
        samples: dict[str, list[float]] = {}
        for _ in range(runs):
            steps: dict[str, float] = {}
            steps["total"] = run(build, env, steps)  # wall time of the whole command
            for name, seconds in steps.items():
                samples.setdefault(name, []).append(seconds)
        for name, values in samples.items():
            row[name] = statistics.median(values)
        # The sheets alone, with every core (beside the site they get one): with no kept
        # layouts (a fresh clone), with all kept (nothing changed) and after one edit.
        pdf_only = [*build, "--only", "pdf", "--out", str(work / "pdf-only")]
        for column, prepare in (("pdf_alone", lambda: forget_layouts(work)),
                                ("pdf_kept", lambda: None),
                                ("pdf_edit", lambda: edit_one(content))):
            prepare()
            pdf_steps: dict[str, float] = {}
            run(pdf_only, env, pdf_steps)
            row[column] = pdf_steps.get("pdf", float("nan"))
        row["bare_mkdocs"] = statistics.median(bare_mkdocs(content, work) for _ in range(runs))
        forget_layouts(work)  # the peak of a build that lays out every sheet
        row["peak_mib"], row["peak_rss_mib"] = peak_memory(build, env)
        # Validation with no cache (a fresh clone), as `mlops-kit validate` runs it.
        row["validate_cold"] = run([*cli, "validate", "--no-cache", "--content", str(content)],
                                   env)
        site = Path(out) / "site"
        row["site_mib"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20
        # The full index, fetched on the first search (pages load a stub).
        row["search_kib"] = _gzip_kib(site / "search" / "search_index.full.json")
        row["study_kib"] = sum(_gzip_kib(p) for p in (site / "study").glob("cards.*.json"))
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def forget_layouts(work: Path) -> None:
    """Empty the store of kept PDF layouts, as in a fresh clone."""
    shutil.rmtree(work / "cache" / "pdf", ignore_errors=True)


def edit_one(content: Path) -> None:
    """Change one key point of one question (both languages) and lock it, as an author
    would: the sheets of its category and the whole sheets change."""
    path = sorted((content / "questions").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(\n  key_points:\n    - [\"']?)", r"\1Edited ", text)
    if edited == text:
        raise SystemExit(f"no key points to edit in {path}")
    path.write_text(edited, encoding="utf-8")
    run([sys.executable, "-m", "generator", "lock", "--content", str(content)])


def _gzip_kib(path: Path) -> float:
    """Transfer size of a file served with gzip (level 6, as static hosts use)."""
    import gzip

    return len(gzip.compress(path.read_bytes(), 6)) / 1024 if path.exists() else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[103, 200, 2000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = ap.parse_args()
    rows = []
    for size in args.sizes:
        runs = args.runs if size <= 500 else max(1, args.runs - 1)
        print(f"measuring {size} questions ({runs} runs)...", file=sys.stderr)
        rows.append(measure(size, runs))
    cols = ["size", "validate", "validate_cold", "markdown", "decks", "pdf", "pdf_alone",
            "pdf_kept", "pdf_edit", "site", "total", "cold"]
    print("| questions | validate s | validate, no cache s | markdown s | decks s "
          "| PDFs s (in the build, after the site) | PDFs s (alone, none kept) "
          "| PDFs s (alone, all kept) "
          "| PDFs s (alone, one edit) | site s (both languages at once) "
          "| total s | cold total s | bare mkdocs s | total / bare | peak MiB (PSS) "
          "| peak MiB (RSS) | site MiB "
          "| search index KiB (gzip, de) | study data KiB (gzip, de) |")
    print("|" + "---|" * 19)
    for r in rows:
        cells = [f"{int(r['size'])}"] + [f"{r.get(c, 0.0):.2f}" for c in cols[1:]]
        cells += [f"{r['bare_mkdocs']:.2f}", f"{r['total'] / r['bare_mkdocs']:.2f}",
                  f"{r['peak_mib']:.0f}", f"{r['peak_rss_mib']:.0f}", f"{r['site_mib']:.1f}",
                  f"{r['search_kib']:.0f}", f"{r['study_kib']:.0f}"]
        print("| " + " | ".join(cells) + " |")
    by = {int(r["size"]): r for r in rows}
    if 200 in by and 2000 in by:
        print(f"\ngrowth t(2000)/t(200) = {by[2000]['total'] / by[200]['total']:.1f} "
              "(target <= 11)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
