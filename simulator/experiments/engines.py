"""Engines: where the runs of a sweep are carried out.

``serial``
    one run after another in this process (for debugging and tiny sweeps);
``process``
    a ``ProcessPoolExecutor`` of local worker processes, one per core by
    default, started from a fork server that has imported the model once
    (or with "spawn", the method Mesa sets, where there is no fork server);
``dask``
    a Dask cluster: an existing one (``--scheduler tcp://HOST:PORT``) or a
    ``LocalCluster`` of worker processes bound to 127.0.0.1.

A worker of the ``process`` engine ends as soon as the process that
started it is gone, even mid-run (``kill -9`` of the driver leaves no
workers behind): it holds the reading end of a pipe whose only writing end
the driver holds, and a watchdog thread waits for that end to close.

Every engine takes a function and an iterable of tasks and yields
``(task, result, error)`` as runs finish, in whatever order they finish,
keeping only a few tasks in flight so that nothing piles up in memory. An
exception in one run comes back as that run's ``error``; the others go on.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing.connection import Connection
from typing import Any

from ..errors import GovsimError

__all__ = ["ENGINES", "CONNECT_TIMEOUT", "run_tasks", "check_engine", "default_workers",
           "dask_available"]

ENGINES: tuple[str, ...] = ("serial", "process", "dask")
#: Seconds to wait for an existing Dask scheduler to answer before giving up.
CONNECT_TIMEOUT = 5.0
#: What ``--scheduler`` accepts: [PROTOCOL://]HOST:PORT, the host a name, IPv4 or [IPv6].
_ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})")

Outcome = tuple[Any, Any, BaseException | None]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def dask_available() -> bool:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return False
    return True


def check_engine(engine: str, workers: int | None = None, scheduler: str | None = None) -> None:
    """Refuse an unknown engine, a worker count below 1 or a malformed scheduler address.

    Called before a sweep writes anything; whether the scheduler answers is
    known only when the sweep connects to it.
    """
    if engine not in ENGINES:
        raise GovsimError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if workers is not None and workers < 1:
        raise GovsimError(f"--workers must be at least 1, got {workers}")
    if scheduler is None:
        return
    if engine != "dask":
        raise GovsimError("--scheduler is for --engine dask only")
    match = _ADDRESS.fullmatch(scheduler)
    if match is None or not 1 <= int(match.group(1)) <= 65535:
        raise GovsimError(f"--scheduler must be a Dask scheduler address such as "
                          f"tcp://HOST:PORT (port 1-65535), got {scheduler!r}")


def run_tasks(function: Callable[[Any], Any], tasks: Iterable[Any], engine: str = "process",
              workers: int | None = None, scheduler: str | None = None) -> Iterator[Outcome]:
    """Carry out ``function(task)`` for every task; yield outcomes as they finish."""
    check_engine(engine, workers, scheduler)
    workers = workers or default_workers()
    if engine == "serial":
        return _serial(function, tasks)
    if engine == "process":
        return _process(function, tasks, workers)
    return _dask(function, tasks, workers, scheduler)


def _serial(function, tasks) -> Iterator[Outcome]:
    for task in tasks:
        try:
            yield task, function(task), None
        except Exception as exc:  # one failed run must not stop the sweep
            yield task, None, exc


def _process(function, tasks, workers: int) -> Iterator[Outcome]:
    context = _context(function)
    pending: dict[Any, Any] = {}
    todo = iter(tasks)
    # the driver keeps the only writing end: when it dies, however, the workers see it close
    lifeline, keep = context.Pipe(duplex=False)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_watch_driver, initargs=(lifeline,))
    with lifeline, keep, pool:
        try:
            for task in _take(todo, 2 * workers):
                pending[pool.submit(function, task)] = task
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    error = future.exception()
                    yield task, (None if error else future.result()), error
                    for new in _take(todo, 1):
                        pending[pool.submit(function, new)] = new
        finally:
            for future in pending:
                future.cancel()


def _watch_driver(lifeline: Connection) -> None:
    """In a worker: end this process as soon as the driver's end of ``lifeline`` closes.

    The driver never writes; the watchdog's wait returns only when the
    driver has gone (killed, crashed or finished), and then the worker goes
    too, even in the middle of a run (its result would have nowhere to go).
    """
    def watch() -> None:
        try:
            lifeline.recv()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="govsim-driver-watchdog", daemon=True).start()


def _context(function) -> multiprocessing.context.BaseContext:
    """The start method of the workers, chosen explicitly (Mesa sets "spawn" globally).

    Where it exists, a fork server that has imported the task's module once
    forks every worker ready to run: spawning each worker afresh would
    repeat about 1.5 s of imports (numpy, pandas, scipy, Mesa) per worker.
    Elsewhere (Windows, macOS by default) "spawn".
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([function.__module__])
        return context
    return multiprocessing.get_context("spawn")


def _dask(function, tasks, workers: int, scheduler: str | None) -> Iterator[Outcome]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise GovsimError(
            "--engine dask needs Dask: pip install 'govsim[cluster]' "
            "(or pip install 'dask[distributed]'); the default --engine process needs nothing"
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
    try:
        with _client(Client, scheduler or cluster) as client:
            todo = iter(tasks)
            window = 2 * (workers if cluster else max(1, len(client.scheduler_info()["workers"])))
            pending = {}
            queue = as_completed()
            for task in _take(todo, window):
                future = client.submit(function, task, pure=False)
                pending[future.key] = task
                queue.add(future)
            for future in queue:
                task = pending.pop(future.key)
                if future.status == "error":
                    error = future.exception()
                    yield task, None, error
                else:
                    yield task, future.result(), None
                future.release()
                for new in _take(todo, 1):
                    nxt = client.submit(function, new, pure=False)
                    pending[nxt.key] = new
                    queue.add(nxt)
    finally:
        if cluster is not None:
            cluster.close()


def _client(client_class, address):
    """A Dask client of ``address`` (a scheduler's address, or a ``LocalCluster``)."""
    if not isinstance(address, str):
        return client_class(address)
    try:
        return client_class(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:  # refused, unreachable, or no answer in time
        raise GovsimError(f"cannot reach the Dask scheduler at {address} within "
                          f"{CONNECT_TIMEOUT:g} s ({type(exc).__name__}); start it, check the "
                          "address and port, or use --engine process") from None


def _take(iterator: Iterator[Any], count: int) -> list[Any]:
    out = []
    for _ in range(count):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out
