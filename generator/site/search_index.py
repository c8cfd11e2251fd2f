"""The search index, loaded when the learner searches rather than with every page.

Material's page script fetches ``search/search_index.json`` on every page and hands it to
the search worker (277 KB gzip per page for this bank). After MkDocs' search plugin wrote
it, the full index moves to :data:`FULL_INDEX` and a stub with the same configuration and
no documents takes its place; the worker layer (mlk-search.js) answers Material's setup at
once and fetches the full index on the first query.
"""

from __future__ import annotations

import json
from pathlib import Path

FULL_INDEX = "search/search_index.full.json"


def defer(site_dir: Path) -> None:
    """Replace ``search/search_index.json`` of one language's build by a stub."""
    index = site_dir / "search" / "search_index.json"
    if not index.exists():
        return
    data = json.loads(index.read_text(encoding="utf-8"))
    (site_dir / FULL_INDEX).write_text(index.read_text(encoding="utf-8"), encoding="utf-8")
    stub = {"config": data.get("config", {}), "docs": []}
    index.write_text(json.dumps(stub, separators=(",", ":")), encoding="utf-8")
