"""``govsim classroom`` (a whole class inside one model) and ``govsim replay`` (its log, again).

``classroom`` checks everything (scenario, seats, pace, address, port, the
session folder) before it creates anything, then prints the students' join
address and code and the instructor's address with its token, and serves
until Ctrl-C. ``--resume FOLDER`` replays a stopped session's log and goes
on from where it ended, with the same join code. ``replay LOG`` rebuilds a
session's series from its log alone.
"""

from __future__ import annotations

import socket
import sys
import tomllib
from pathlib import Path

from ..classroom import PACE_RANGE, missing_classroom
from ..errors import OutputError, UsageError
from .common import resolve_scenario

__all__ = ["add_commands", "HANDLERS"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_commands(sub) -> None:
    """Add ``classroom`` and ``replay`` to the subparsers ``sub``."""
    p = sub.add_parser("classroom", help="a participatory session: each student manages a district "
                       "from their own browser (prints the join address and code)")
    p.add_argument("scenario", nargs="?", default="baseline", help="scenario name or .toml path (default baseline)")
    p.add_argument("--seats", type=int, help="districts students can hold (default: every district; "
                   "at most the scenario's districts)")
    p.add_argument("--pace", type=float, default=2.0, metavar="STEPS_PER_SECOND",
                   help=f"steps a second (default 2; {PACE_RANGE[0]:g} to {PACE_RANGE[1]:g}); "
                   "the instructor's page changes it")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this "
                   "computer only; 0.0.0.0 for a classroom network)")
    p.add_argument("--port", type=int, default=8766, help="port (default 8766)")
    p.add_argument("--out", type=Path, help="session folder (default runs/classroom-<scenario>-<time>)")
    p.add_argument("--resume", type=Path, metavar="FOLDER",
                   help="go on with a stopped session from its folder's log")
    p.add_argument("--variant", help="a variant of the scenario")
    p.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter (repeatable), e.g. --set society.districts_per_side=6")
    p.set_defaults(steps=None)  # a session runs until the instructor ends it
    r = sub.add_parser("replay", help="rebuild a classroom session's series from its log, bit for bit")
    r.add_argument("log", type=Path, help="a session folder, or its session.jsonl")
    r.add_argument("--out", type=Path, help="folder for series.csv (default runs/replay-<time>)")


def _classroom(args) -> int:
    from ..classroom.log import LOG_NAME, read_log

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be in 1..65535, got {args.port}")
    if not PACE_RANGE[0] <= args.pace <= PACE_RANGE[1]:
        raise UsageError(f"--pace must be in [{PACE_RANGE[0]:g}, {PACE_RANGE[1]:g}] steps a second, got {args.pace:g}")
    problem = missing_classroom()
    if problem:
        raise UsageError(problem)
    if args.resume is not None:
        if args.out is not None or args.overrides or args.seed is not None or args.variant or args.seats:
            raise UsageError("--resume goes on with the logged session as it was: give no scenario "
                             "options (--out, --set, --seed, --variant, --seats) with it")
        folder = args.resume
        header, actions = read_log(folder / LOG_NAME)
        scenario = _logged_scenario(header)
        seats = int(header["seats"])
    else:
        header, actions = None, []
        scenario = resolve_scenario(args)
        districts = scenario.config.society.districts_per_side ** 2
        seats = districts if args.seats is None else args.seats
        if not 1 <= seats <= districts:
            side = scenario.config.society.districts_per_side
            raise UsageError(f"--seats must be in 1..{districts} (this scenario has {side} x {side} districts); "
                             "for more, add --set society.districts_per_side=N")
        from ..io.rundir import default_run_dir
        folder = args.out or default_run_dir(f"classroom-{scenario.name}")
        if folder.exists():
            raise UsageError(f"{folder} exists already: choose another --out, or --resume it")
    _check_port(args.host, args.port)
    return _serve(args, scenario, seats, folder, header, actions)


def _logged_scenario(header: dict):
    from ..scenario import parse_scenario
    try:
        return parse_scenario(tomllib.loads(header["scenario"]), source="the session log")
    except (KeyError, TypeError, tomllib.TOMLDecodeError):
        raise UsageError("the session log's first line holds no scenario") from None


def _check_port(host: str, port: int) -> None:
    """Refuse a port that is taken, before anything is created."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                             "choose another --port, or --host") from None


def _serve(args, scenario, seats: int, folder: Path, header, actions) -> int:
    import uvicorn

    from ..classroom.access import new_join_code, new_token
    from ..classroom.debrief import debrief
    from ..classroom.log import LOG_NAME, SessionLog
    from ..classroom.room import Room
    from ..classroom.server import MESSAGE_BYTES, build_app
    from ..classroom.session import ClassSession, replay

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the session folder {folder}: {exc.strerror or exc}") from None
    log = SessionLog(folder / LOG_NAME)
    code = (header or {}).get("code") or new_join_code()
    if header is None:
        session = ClassSession(scenario, seats, log, code=code)
    else:
        session = replay(header, actions, ClassSession(scenario, seats, code=code))
        session.log = log
        for seat in session.seats:  # everyone rejoins: their pages come back with their keys
            if seat.district in session.managers.held:
                session.apply({"kind": "release", "district": seat.district})
    shown = _address(args.host)
    room = Room(session, args.pace, code, new_token(), on_end=lambda s, a: debrief(s, a, folder),
                join_url=f"http://{shown}:{args.port}/")
    print(f"govsim classroom: {scenario.title} ({scenario.name}), {seats} seats, {args.pace:g} steps/s, "
          f"{'resumed at step ' + str(session.step_count) if header else 'paused until you press Start'}")
    print(f"  students: open http://{shown}:{args.port}/ and type the join code {code}")
    print(f"  instructor (keep this address to yourself): http://127.0.0.1:{args.port}/instructor#token={room.token}"
          if args.host in (*LOOPBACK, "0.0.0.0", "::") else
          f"  instructor (keep this address to yourself): http://{shown}:{args.port}/instructor#token={room.token}")
    print(f"  session log: {folder / LOG_NAME} (govsim replay it; govsim classroom --resume {folder})")
    print("  Ctrl-C stops the server", flush=True)
    if args.host not in LOOPBACK:
        print(f"govsim: warning: listening on {args.host}: anyone on this network with the join code can take "
              "a seat", file=sys.stderr)
    config = uvicorn.Config(build_app(room, folder), host=args.host, port=args.port, log_level="warning",
                            ws_max_size=MESSAGE_BYTES, lifespan="on")
    uvicorn.Server(config).run()
    if session.step_count:  # the run as it stood when the server stopped (govsim replay gives the same)
        from ..io.files import write_csv
        write_csv(folder / "series.csv", session.model.series())
    return 0


def _address(host: str) -> str:
    """The address students type: this computer's on the network when listening on all of them."""
    if host not in ("0.0.0.0", "::"):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return socket.gethostname()


def _replay(args) -> int:
    from ..classroom.log import LOG_NAME, read_log
    from ..classroom.session import replay
    from ..io.files import read_binary, write_csv
    from ..io.rundir import default_run_dir

    path = args.log / LOG_NAME if args.log.is_dir() else args.log
    header, actions = read_log(path)
    _logged_scenario(header)
    out = args.out or default_run_dir("replay")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} exists and is not empty: choose another --out")
    session = replay(header, actions)
    series = session.model.series()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from None
    write_csv(out / "series.csv", series)
    steps = sum(1 for a in actions if a["kind"] == "step")
    print(f"replayed {len(actions)} actions ({steps} steps) of {path}: wrote {out / 'series.csv'} "
          f"({len(series) - 1} steps since the last reset)")
    kept = path.parent / "series.csv"
    if kept.exists():
        same = read_binary(kept) == read_binary(out / "series.csv")
        print(f"  {'the same, byte for byte, as' if same else 'NOT the same as'} the session's own {kept}")
        return 0 if same else 1
    return 0


HANDLERS = {"classroom": _classroom, "replay": _replay}
