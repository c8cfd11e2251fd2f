"""The lock of published ids: note identities and modification times for the decks.

``decks/notes.lock.yaml`` is committed. For every published question it records the Anki
GUID and, per language, the content hash and the time that content last changed. Anki
updates a note only when the incoming one is newer, so that time must move exactly when the
content does: a fixed time would ignore edits, the build clock would make every release
overwrite learners' own edits and make builds irreproducible.

``mlops-kit lock`` refreshes it; ``validate`` fails when it is stale, when a published id
vanished without being retired, or when a retired id is reused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import memo
from .diagnostics import PathNames, Problem, display_path
from .memo import Store
from .model import LANGS, Bank

GUID_NAMESPACE = "mlops-interview-kit"
SECTIONS = ("questions", "glossary")
HEADER = """\
# Lock of published question ids. Written by `mlops-kit lock`; commit it with the content.
# guid: the Anki note identity (never changes). hash/modified: per language, the content
# hash and the Unix time it last changed (Anki only updates notes whose time is newer).
# stale: languages not updated when the other one changed (clear with --translated ID).
# To retire a question: delete its file, then run `mlops-kit lock --retire ID`.
"""


def guid(qid: str, lang: str, section: str = "questions") -> str:
    """The note GUID: derived from the id and language only, never from the content.

    Glossary notes add their section, so a term and a question may share an id."""
    import genanki  # only the lock's writers need it; validation reads stored GUIDs

    if section == "glossary":
        return genanki.guid_for(GUID_NAMESPACE, "glossary", qid, lang)
    return genanki.guid_for(GUID_NAMESPACE, qid, lang)


@dataclass
class Entry:
    guid: dict[str, str]
    hash: dict[str, str]
    modified: dict[str, int]
    stale: list[str] = field(default_factory=list)


@dataclass
class Lock:
    questions: dict[str, Entry] = field(default_factory=dict)
    glossary: dict[str, Entry] = field(default_factory=dict)  # term id -> its note entry
    retired: dict[str, str] = field(default_factory=dict)  # id -> date retired
    # (section, id) -> its line in the lock file, for located messages
    lines: dict[tuple[str, str], int] = field(default_factory=dict)

    def modified(self, qid: str, lang: str, section: str = "questions") -> int:
        return getattr(self, section)[qid].modified[lang]

    def section(self, name: str) -> dict[str, Entry]:
        return self.glossary if name == "glossary" else self.questions


def lock_path(content_root: Path) -> Path:
    return content_root.parent / "decks" / "notes.lock.yaml"


def read(path: Path, store: Store | None = None) -> tuple[Lock, list[Problem]]:
    """Read the lock (an absent lock is empty: nothing published yet). It grows with the
    bank: validation keeps its parse in the validation cache (``store``)."""
    if not path.exists():
        return Lock(), []
    doc, problems = memo.load(path, store or Store(None), display_path(path))
    if doc is None or problems:
        return Lock(), problems
    data = doc.data or {}
    lock = Lock()
    try:
        for section in SECTIONS:
            for qid, e in (data.get(section) or {}).items():
                lock.section(section)[qid] = Entry(
                    dict(e["guid"]), dict(e["hash"]),
                    {k: int(v) for k, v in e["modified"].items()}, list(e.get("stale", [])))
                lock.lines[(section, qid)] = doc.key_positions.get((section, qid), (1, 1))[0]
        lock.retired = {str(k): str(v) for k, v in (data.get("retired") or {}).items()}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        return Lock(), [Problem(display_path(path), 1, 1, "MLK214", f"lock file is damaged "
                                f"({exc!r}); restore it from git")]
    return lock, []


def write(path: Path, lock: Lock) -> None:
    data: dict = {
        section: {
            qid: {"guid": e.guid, "hash": e.hash, "modified": e.modified,
                  **({"stale": sorted(e.stale)} if e.stale else {})}
            for qid, e in sorted(lock.section(section).items())
        }
        for section in SECTIONS
    }
    data["retired"] = dict(sorted(lock.retired.items()))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    tmp.replace(path)


def _hashed(bank: Bank, known: dict[str, dict[str, str]] | None = None
            ) -> list[tuple[str, str, dict[str, str]]]:
    """(section, id, hash per language) of every note the decks publish; ``known`` holds
    questions' hashes already worked out (the validation cache keeps them)."""
    known = known or {}
    return ([("questions", q.id, known.get(q.id)
              or {lang: q.content_hash(lang) for lang in LANGS}) for q in bank.questions]
            + [("glossary", t.id, {lang: t.content_hash(lang) for lang in LANGS})
               for t in bank.glossary])


def refresh(bank: Bank, lock: Lock, now: int | None = None) -> list[str]:
    """Bring the lock in line with the content; returns a line per change made."""
    now = int(time.time()) if now is None else now
    changes: list[str] = []
    for section, qid, hashes in _hashed(bank):
        entries = lock.section(section)
        name = qid if section == "questions" else f"glossary term {qid}"
        entry = entries.get(qid)
        if entry is None:
            entries[qid] = Entry({lang: guid(qid, lang, section) for lang in LANGS}, hashes,
                                 dict.fromkeys(LANGS, now))
            changes.append(f"added {name}")
            continue
        changed = [lang for lang in LANGS if entry.hash[lang] != hashes[lang]]
        for lang in changed:
            entry.hash[lang] = hashes[lang]
            entry.modified[lang] = now
        if changed and section == "questions":
            # A language that did not change while the other did may now be out of date.
            entry.stale = sorted((set(entry.stale) - set(changed))
                                 | ({lang for lang in LANGS if lang not in changed}
                                    if len(changed) < len(LANGS) else set()))
        if changed:
            changes.append(f"updated {name} ({', '.join(changed)})")
    return changes


def problems(bank: Bank, lock: Lock, path: Path,
             hashes: dict[str, dict[str, str]] | None = None,
             names: PathNames | None = None) -> list[Problem]:
    """Lock checks: stale hashes, vanished or reused ids, stale translations (warnings).

    ``hashes``: questions' content hashes by id, when known (see :func:`_hashed`);
    ``names``: the display paths of this run, when it has worked them out already."""
    shown = display_path(path)
    names = names or PathNames()
    out: list[Problem] = []
    ids = {q.id: q for q in bank.questions}
    hashed = _hashed(bank, hashes)  # each hash once: both checks below compare it
    by_id = {qid: h for section, qid, h in hashed if section == "questions"}
    for q in bank.questions:
        where = names(q.path) if q.path else shown
        if q.id in lock.retired:
            out.append(Problem(where, 1, 1, "MLK212", f"id '{q.id}' was retired on "
                               f"{lock.retired[q.id]} and may never be reused; choose a new id",
                               q.id))
            continue
        entry = lock.questions.get(q.id)
        if entry is None:
            out.append(Problem(where, 1, 1, "MLK214", "new question is not in the lock yet; "
                               "run `mlops-kit lock` and commit decks/notes.lock.yaml", q.id))
            continue
        changed = [lang for lang in LANGS if entry.hash.get(lang) != by_id[q.id][lang]]
        if changed:
            out.append(Problem(where, 1, 1, "MLK214", f"content ({', '.join(changed)}) changed "
                               "since the lock was written; run `mlops-kit lock` and commit "
                               "decks/notes.lock.yaml", q.id))
        for lang in entry.stale:
            out.append(Problem(where, 1, 1, "MLK215", f"the {lang} text was not updated when "
                               "the other language changed; check the translation, then run "
                               f"`mlops-kit lock --translated {q.id}`", q.id, warning=True))
    out += _identity_problems(hashed, lock, shown)
    out += _vanished(lock, "questions", set(ids), shown, "question file",
                     "content/questions/{id}.yaml")
    out += _vanished(lock, "glossary", {t.id for t in bank.glossary}, shown, "glossary entry",
                     "its entry in content/glossary.yaml")
    return out


def _vanished(lock: Lock, section: str, present: set[str], shown: str, what: str,
              where: str) -> list[Problem]:
    """Published ids with nothing behind them any more (MLK213): restore or retire."""
    return [Problem(shown, lock.lines.get((section, qid), 1), 3, "MLK213",
                    f"published id '{qid}' has no {what}; restore "
                    f"{where.format(id=qid)} or retire it with `mlops-kit lock --retire "
                    f"{qid}`", qid)
            for qid in lock.section(section) if qid not in present and qid not in lock.retired]


def _identity_problems(hashed: list[tuple[str, str, dict[str, str]]], lock: Lock,
                       shown: str) -> list[Problem]:
    """A stored GUID must be the derived one: a hand-edited GUID would make every phone
    import the note as new, a duplicate beside the learner's reviewed card. Glossary entries
    in the lock that no longer exist, or are new, follow the same rules as questions."""
    out: list[Problem] = []
    for section, qid, hashes in hashed:
        entry = lock.section(section).get(qid)
        line = lock.lines.get((section, qid), 1)
        if entry is None:
            if section == "glossary":
                out.append(Problem(shown, 1, 1, "MLK214", f"new glossary term '{qid}' is not in "
                                   "the lock yet; run `mlops-kit lock`", qid))
            continue
        for lang in LANGS:
            if entry.guid.get(lang) != guid(qid, lang, section):
                out.append(Problem(shown, line, 3, "MLK224", f"stored {lang} GUID of '{qid}' "
                                   "differs from the one derived from its id; a changed GUID "
                                   "duplicates the note on every phone: restore the lock from "
                                   "git (or delete the entry and run `mlops-kit lock` if the "
                                   "note was never published)", qid))
        if section == "glossary" and entry.hash != hashes:
            out.append(Problem(shown, line, 3, "MLK214", f"glossary term '{qid}' changed since "
                               "the lock was written; run `mlops-kit lock`", qid))
    return out
