"""When the generator may fork worker processes.

Forked workers spread work over the cores and take memory back when they end. A fork copies
only the calling thread: a lock another thread holds at that moment stays locked in the
child for good, so the generator forks only when no other thread runs (not under `serve`,
whose watcher and HTTP server are threads, nor inside a test runner's worker threads).
Native thread pools do not show here: Typst's is one, so PDFs lay out in children of a fork
server instead (:mod:`generator.pdf`).
"""

from __future__ import annotations

import threading


def may_fork() -> bool:
    """Whether this process runs no thread but the calling one."""
    return threading.active_count() == 1
