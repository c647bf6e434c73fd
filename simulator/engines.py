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

Every engine takes a function and an iterable of tasks and yields
``(task, result, error)`` as runs finish, in whatever order they finish,
keeping only a few tasks in flight so that nothing piles up in memory. An
exception in one run comes back as that run's ``error``; the others go on.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from .errors import GovsimError

__all__ = ["ENGINES", "run_tasks", "default_workers", "dask_available"]

ENGINES: tuple[str, ...] = ("serial", "process", "dask")

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


def run_tasks(function: Callable[[Any], Any], tasks: Iterable[Any], engine: str = "process",
              workers: int | None = None, scheduler: str | None = None) -> Iterator[Outcome]:
    """Carry out ``function(task)`` for every task; yield outcomes as they finish."""
    if engine not in ENGINES:
        raise GovsimError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    workers = workers or default_workers()
    if workers < 1:
        raise GovsimError(f"--workers must be at least 1, got {workers}")
    if scheduler and engine != "dask":
        raise GovsimError("--scheduler is for --engine dask only")
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
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
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
        with Client(scheduler or cluster) as client:
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


def _take(iterator: Iterator[Any], count: int) -> list[Any]:
    out = []
    for _ in range(count):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out
