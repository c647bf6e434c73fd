"""``govsim prepare-class OUT``: every run and comparison of the class session, in one folder.

Each command of :data:`simulator.lessons.SESSION` (the code blocks of
docs/teaching.md) runs as its own ``govsim`` process into ``OUT/FOLDER``,
writing its figure and ``report.html``; ``OUT/index.html`` links them all in
the guide's order. A folder that is already there is complete (runs appear
whole or not at all), so an interrupted preparation resumes where it stopped.
``--rehearse`` runs everything small (fewer agents and seeds) to check the
machine before the real preparation.
"""

from __future__ import annotations

import html
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from ..errors import OutputError, UsageError
from ..io.files import atomic_write_text, os_problem
from ..io.report_page import GUARDRAIL
from ..lessons import SESSION, Lesson, lesson_keys

__all__ = ["add_commands", "HANDLERS", "planned"]

#: What ``--rehearse`` changes in every command: a small population and two seeds.
REHEARSAL = ("--set", "society.agents=1000")
REHEARSAL_REPLICATES = "2"


def add_commands(sub) -> None:
    """Add ``prepare-class`` to the subparsers ``sub``."""
    p = sub.add_parser("prepare-class", help="run every command of the class session (docs/teaching.md) "
                       "into one folder, with a report per command and an index page")
    p.add_argument("out", type=Path, help="the folder to fill (created; reused to resume)")
    p.add_argument("--block", dest="blocks", action="append", default=[], metavar="KEY",
                   help=f"only these blocks (repeatable): {', '.join(lesson_keys())} (default: all)")
    p.add_argument("--dry-run", action="store_true", help="print the commands and change nothing")
    p.add_argument("--rehearse", action="store_true",
                   help="run everything small (1,000 agents, two seeds) to check the machine first")


def planned(out: Path, blocks: list[str], rehearse: bool) -> list[tuple[Lesson, str, list[str]]]:
    """Each lesson, its folder name and the command (arguments after ``govsim``) that fills it."""
    chosen = [lesson for lesson in SESSION if not blocks or lesson.key in blocks]
    plan = []
    for lesson in chosen:
        for line in lesson.commands:
            words = shlex.split(line)[1:]
            at = words.index("--out")
            folder = Path(words[at + 1]).name
            words[at + 1] = str(out / folder)
            if rehearse:
                words += REHEARSAL
                if "--replicates" in words:
                    words[words.index("--replicates") + 1] = REHEARSAL_REPLICATES
            plan.append((lesson, folder, words))
    return plan


def _check(args) -> None:
    unknown = [b for b in args.blocks if b not in lesson_keys()]
    if unknown:
        raise UsageError(f"unknown block {unknown[0]!r}; the blocks are {', '.join(lesson_keys())}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")


def _prepare(args) -> int:
    _check(args)
    out = Path(args.out)
    plan = planned(out, args.blocks, args.rehearse)
    if args.dry_run:
        for _, _, words in plan:
            print(shlex.join(["govsim", *words]))
        return 0
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {os_problem(exc)}") from None
    failed = []
    for i, (_, folder, words) in enumerate(plan, start=1):
        label = f"[{i}/{len(plan)}] {folder}"
        if (out / folder).is_dir():
            print(f"{label}: already there")
            continue
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "simulator", *words], capture_output=True, text=True,
                              env={**os.environ, "MPLBACKEND": "Agg"})
        if done.returncode == 0:
            print(f"{label}: done in {time.perf_counter() - started:.0f} s")
        else:
            why = (done.stderr.strip().splitlines() or ["no message"])[-1]
            print(f"{label}: FAILED ({why})")
            failed.append(folder)
    atomic_write_text(out / "index.html", index_page(out, plan))
    print(f"wrote {out}/index.html: open it in a browser" + (f"; {len(failed)} failed" if failed else ""))
    return 1 if failed else 0


def index_page(out: Path, plan: list[tuple[Lesson, str, list[str]]]) -> str:
    """The index of a prepared session: per block, each command's folder, figure and report."""
    e = html.escape
    parts, current = [], None
    for lesson, folder, words in plan:
        if lesson is not current:
            current = lesson
            parts.append(f"<h2>{e(lesson.title)} <small>({e(lesson.scenario)})</small></h2>")
        figure = next((f for f in ("compare.png", "dashboard.png") if (out / folder / f).is_file()), None)
        command = e(shlex.join(["govsim", *[w if not w.startswith(str(out)) else w[len(str(out)) + 1:]
                                            for w in words]]))
        if not (out / folder / "report.html").is_file():
            parts.append(f"<p><code>{command}</code>: not prepared yet</p>")
            continue
        image = f'<img src="{e(folder)}/{figure}" alt="{e(folder)}" width="440">' if figure else ""
        parts.append(f'<div class="item"><a href="{e(folder)}/report.html">{image}<br><code>{command}</code>'
                     f"</a></div>")
    style = ("body{font-family:system-ui,sans-serif;max-width:80rem;margin:1.5rem auto;padding:0 1rem}"
             "h2{border-bottom:2px solid #0072B2}.item{display:inline-block;margin:.5rem;vertical-align:top;"
             "max-width:450px}img{border:1px solid #ccc}code{font-size:.85rem}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>govsim: the class session"
            f"</title><style>{style}</style></head><body><h1>The class session, prepared</h1>"
            "<p>Each picture opens its report: the question, the figure, the headline metrics and what "
            "made it. The blocks follow docs/teaching.md.</p>" + "\n".join(parts)
            + f"<footer><p>{e(GUARDRAIL)}</p></footer></body></html>\n")


HANDLERS = {"prepare-class": _prepare}
