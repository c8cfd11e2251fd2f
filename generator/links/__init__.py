"""``mlops-kit check-links``: internal links of the built site (:mod:`.internal`, offline)
and external URLs of content/ (:mod:`.external`, over the network)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from .external import (
    BROKEN,
    OFFLINE,
    OK,
    ExternalReport,
    Result,
    check_external,
    check_url,
    collect_urls,
    report_external,
)
from .internal import check_site

__all__ = ["BROKEN", "OFFLINE", "OK", "ExternalReport", "Result", "check_external",
           "check_site", "check_url", "collect_urls", "report_external", "run"]


def run(site: Path | None, content: Path | None, *, cache: Path | None = None,
        max_age_days: float = 7.0, timeout: float = 15.0, retries: int = 2,
        workers: int = 8, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The CLI's work: internal check of ``site`` and/or external check of ``content``."""
    code = OK
    if site is not None:
        if not (site / "index.html").is_file():
            print(f"{site}: no built site here; run `mlops-kit build` first", file=err)
            return BROKEN
        start = time.perf_counter()
        problems = check_site(site)
        for line in problems:
            print(line, file=out)
        print(f"{site}: {len(problems)} broken internal link(s) in "
              f"{sum(1 for _ in site.rglob('*.html'))} pages "
              f"({time.perf_counter() - start:.2f} s)", file=err)
        code = max(code, BROKEN if problems else OK)
    if content is not None:
        from ..bank import load_bank

        found = collect_urls(load_bank(content, check_lock=False))
        report = check_external(found, cache, max_age_days=max_age_days, timeout=timeout,
                                retries=retries, workers=workers)
        code = max(code, report_external(found, report, out, err))
    return code
