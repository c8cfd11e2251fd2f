"""``mlops-kit``: validate, build, serve and lock the question bank."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import lock as lockfile
from .bank import check
from .diagnostics import ContentError, report


def _content(args: argparse.Namespace) -> Path:
    return Path(args.content)


def cmd_validate(args: argparse.Namespace) -> int:
    bank, problems = check(_content(args), cache=not args.no_cache)
    report(problems, sys.stderr)
    errors = [p for p in problems if not p.warning]
    warnings = len(problems) - len(errors)
    if errors or (args.strict and warnings):
        print(f"{len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    assert bank is not None
    print(f"ok: {len(bank.questions)} questions in {len(bank.categories)} categories, "
          f"{len(bank.pages)} pages, {warnings} warning(s)", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import Progress, build

    progress = Progress(args.quiet)
    start = time.perf_counter()
    only = tuple(args.only.split(",")) if args.only else ()
    bank = build(_content(args), Path(args.out), progress, only)
    if not args.quiet:
        print(f"built {len(bank.questions)} questions into {args.out}/ in "
              f"{time.perf_counter() - start:.2f} s", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .site import serve

    return serve(_content(args), args.dev_addr)


def cmd_pages(args: argparse.Namespace) -> int:
    """The site's pages as plain files, for another static-site engine (see CONTRIBUTING:
    Material's end of life): ``OUT/<lang>/`` holds the generated Markdown, diagrams and our
    static assets, exactly what the MkDocs plugin hands to MkDocs."""
    import shutil

    from .bank import load_bank
    from .site import pages

    bank = load_bank(_content(args), check_lock=False)
    out = Path(args.out)
    for lang in ("de", "en"):
        folder = out / lang
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(Path(pages.__file__).parent / "docs", folder)
        for path, content in pages.generate(bank, lang, []).items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        print(f"{folder}: {sum(1 for p in folder.rglob('*.md'))} pages", file=sys.stderr)
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    content = _content(args)
    path = lockfile.lock_path(content)
    lock, problems = lockfile.read(path)
    if problems:
        report(problems, sys.stderr)
        return 1
    changes: list[str] = []
    for qid in args.retire or []:
        if (content / "questions" / f"{qid}.yaml").exists():
            print(f"{qid}: delete content/questions/{qid}.yaml before retiring it",
                  file=sys.stderr)
            return 1
        lock.questions.pop(qid, None)
        lock.retired[qid] = time.strftime("%Y-%m-%d", time.gmtime())
        changes.append(f"retired {qid}")
    for qid in args.translated or []:
        if qid in lock.questions:
            lock.questions[qid].stale = []
            changes.append(f"translation of {qid} confirmed")
    bank, problems = check(content, check_lock=False)
    if bank is None:
        report(problems, sys.stderr)
        return 1
    changes += lockfile.refresh(bank, lock)
    # Ids present in the lock but not in content stay: validate reports them (MLK213).
    lockfile.write(path, lock)
    for line in changes or ["lock is up to date"]:
        print(line, file=sys.stderr)
    return 0


def cmd_check_links(args: argparse.Namespace) -> int:
    from . import links

    # The built site unless only --external is asked for; --site with --external does both.
    site = Path(args.site or "dist/site") if args.site or not args.external else None
    return links.run(site, _content(args) if args.external else None, cache=Path(args.cache),
                     max_age_days=args.max_age, timeout=args.timeout, retries=args.retries,
                     workers=args.workers)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mlops-kit",
        description="Validate, build, serve and lock the bilingual MLOps interview question "
                    "bank (content/ -> site, Anki decks, PDF cheat sheets).",
        epilog="Every content problem is reported as path:line:col: CODE [id] message; the "
               "codes are listed in CONTRIBUTING.md.")
    sub = p.add_subparsers(dest="command", required=True)

    def with_content(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--content", default="content", metavar="DIR",
                        help="content folder (default: ./content)")
        return sp

    v = with_content(sub.add_parser("validate", help="check every content file"))
    v.add_argument("--strict", action="store_true", help="fail on warnings too")
    v.add_argument("--no-cache", action="store_true",
                   help="check every file afresh, leaving the validation cache as it is "
                   "(same results, slower)")
    v.set_defaults(func=cmd_validate)

    b = with_content(sub.add_parser("build", help="build site, decks and PDFs"))
    b.add_argument("--out", default="dist", metavar="DIR", help="output folder (default: dist)")
    b.add_argument("--quiet", action="store_true", help="no progress lines")
    b.add_argument("--only", metavar="LIST", help="comma-separated subset: site,decks,pdf")
    b.set_defaults(func=cmd_build)

    s = with_content(sub.add_parser("serve", help="authoring server with live reload"))
    s.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    s.set_defaults(func=cmd_serve)

    pg = with_content(sub.add_parser("pages", help="write the generated site pages as files "
                                              "(for another site engine)"))
    pg.add_argument("--out", default="dist/pages", metavar="DIR",
                    help="output folder (default: dist/pages)")
    pg.set_defaults(func=cmd_pages)

    lk = with_content(sub.add_parser("lock", help="update decks/notes.lock.yaml"))
    lk.add_argument("--retire", nargs="+", metavar="ID", help="retire deleted question ids")
    lk.add_argument("--translated", nargs="+", metavar="ID",
                    help="confirm both languages of these ids are in step")
    lk.set_defaults(func=cmd_lock)

    cl = with_content(sub.add_parser(
        "check-links", help="check the built site's internal links and anchors (offline); "
        "with --external, every http(s) URL in content/"))
    cl.add_argument("--site", metavar="DIR",
                    help="built site to check (default: dist/site unless only --external)")
    cl.add_argument("--external", action="store_true",
                    help="check external URLs; exit 2 if the network is unreachable")
    cl.add_argument("--cache", default=".cache/links.json", metavar="FILE",
                    help="results of earlier external checks (default: .cache/links.json)")
    cl.add_argument("--max-age", type=float, default=7.0, metavar="DAYS",
                    help="skip URLs found working less than DAYS ago (default: 7)")
    cl.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS")
    cl.add_argument("--retries", type=int, default=2, metavar="N")
    cl.add_argument("--workers", type=int, default=8, metavar="N")
    cl.set_defaults(func=cmd_check_links)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ContentError as exc:
        report(exc.problems, sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except SystemExit as exc:  # MkDocs' Abort: its logged errors above say what went wrong
        if exc.code not in (0, None):
            print(f"site build failed: {exc}", file=sys.stderr)
        return 1 if exc.code not in (0, None) else 0
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
