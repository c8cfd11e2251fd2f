"""Under `serve`, English rebuilds in a process of its own while German rebuilds here.

The two languages are separate MkDocs builds, and under `serve` each rebuild used to run
English after German, in the same process: about 0.4 s of a 1 s rebuild at 103 questions,
most of it MkDocs' own fixed work (loading the config, listing the theme, the 404 page and
sitemap). Beside German, on the second core, English costs the wait for it only.

`serve` runs a web server and a file watcher in threads, so the process is never forked:
the English process is spawned once, when serving starts, and lives until it stops. It
keeps its own plugin instance, so English's record of its last build
(:mod:`.incremental`) stays there between rebuilds; every rebuild sends it the bank the
German build has just validated. English writes only into ``site/en``, German never
touches it (:func:`generator.site.incremental.empty` keeps it).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from ..model import Bank

STOP_SECONDS = 5  # how long closing waits for the English process before ending it


@dataclass(frozen=True)
class Job:
    """One English rebuild: the serve config, where English goes, and what German read."""

    config_file: str
    site_dir: str
    content: str
    bank: Bank
    base: str  # the German root URL


class English:
    """The English build's process: :meth:`start` a rebuild, :meth:`finish` waits for it
    and raises its error, :meth:`close` ends the process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: serve runs threads
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_english, args=(child,), daemon=True,
                                        name="mlops-kit serve (English)")
        self._process.start()
        child.close()
        self._pending = False

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def start(self, job: Job) -> None:
        if self._pending:  # the German build failed before it waited for the last one
            self._wait()
        self._conn.send(job)
        self._pending = True

    def finish(self) -> None:
        if not self._pending:
            return
        error = self._wait()
        if error:
            raise PluginError(error)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # it has ended already
            self._conn.send(None)
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
        self._conn.close()

    def _wait(self) -> str | None:
        self._pending = False
        try:
            return self._conn.recv()
        except EOFError:
            return "the English build's process ended; restart `serve`"


def _serve_english(conn: Connection) -> None:
    """The English process: one dirty MkDocs build per job, until told to stop. Replies
    with ``None`` or the build's error."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from . import PLUGIN, _log_to_stderr

    # Ctrl-C reaches the whole process group; `serve` itself stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _log_to_stderr(logging.INFO, quiet=True)
    started = False
    while (job := _next(conn)) is not None:
        try:
            config = load_config(job.config_file, site_dir=job.site_dir)
            if not started:  # as MkDocs' serve does once: a fresh plugin state
                config.plugins.on_startup(command="serve", dirty=True)
                started = True
            plugin = config.plugins[PLUGIN]
            plugin.config.lang = "en"  # type: ignore[attr-defined]
            plugin.config.content = job.content  # type: ignore[attr-defined]
            plugin.bank, plugin.base = job.bank, job.base  # type: ignore[attr-defined]
            plugin.then_english = False  # type: ignore[attr-defined]
            build(config, dirty=True)
        except (Exception, SystemExit) as error:  # MkDocs aborts with SystemExit
            conn.send(f"English site: {error}")
        else:
            conn.send(None)


def _next(conn: Connection) -> Job | None:
    """The next job; ``None`` when told to stop or when `serve` has gone."""
    try:
        return conn.recv()
    except EOFError:
        return None
