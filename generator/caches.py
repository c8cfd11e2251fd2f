"""Where the generator keeps what it can work out again: ``$MLOPS_KIT_CACHE`` (default
``.cache`` in the working folder), one subfolder per kind (D2 pictures, validation
results, compiled page templates). Deleting it only costs time, never changes an output."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """The folder for one kind of cached result (not created here)."""
    return Path(os.environ.get("MLOPS_KIT_CACHE", ".cache")) / kind
