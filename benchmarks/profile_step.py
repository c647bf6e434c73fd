"""Where a step's time goes: the like-for-like Epstein step, profiled function by function.

Issue 18 asks to profile before fusing anything. This builds the model that
``benchmarks/suite.py`` times against Mesa (``epstein_model``: the same grid,
densities, vision, legitimacy and jail term), warms it up, times ``--steps``
steps without the profiler, then profiles as many more with ``cProfile`` and
prints the functions that take the most time of their own, per step: calls,
microseconds and share of the profiled step. The profiler's own overhead makes
the profiled step slower than the timed one; read the shares, not the sum.

    python benchmarks/profile_step.py [--side 100] [--steps 300] [--top 20] [--paths]

``--paths`` instead times each mechanism of the society on both paths, the
compiled kernels and their numpy references (``GOVSIM_KERNELS=numpy``), in
two models built from the same seed (so they do the same work), without the
profiler: microseconds a step per mechanism, and what the kernels save.

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (str(HERE), str(HERE.parent)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import suite  # noqa: E402  (benchmarks/suite.py)

from simulator.society import kernels  # noqa: E402

#: The society's mechanisms timed by --paths: (label, owner, method); indented labels run inside the one above
MECHANISMS = (("need and trust", "society", "_need_and_trust"), ("expression", "society", "_express"),
              ("  patrols", "patrols", "step"), ("  neighbourhood sums", "society", "_within_vision"),
              ("  contagion rounds", "society", "_round"), ("participation", "society", "_participate"),
              ("movement", "movement", "step"), ("district aggregates", "society", "aggregate"))


def profile(side: int, steps: int, top: int) -> list[dict]:
    """Time and profile ``steps`` steps at ``side``; the ``top`` functions by their own time."""
    model = suite.epstein_model(side)
    for _ in range(20):
        model.step()
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    step_ms = (time.perf_counter() - started) / steps * 1e3
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        model.step()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (calls, primitive, own, cumulative, callers)
    total = sum(own for _, _, own, _, _ in stats.values())
    rows = sorted(({"function": f"{Path(file).name}:{line}({name})", "calls_per_step": calls / steps,
                    "us_per_step": own / steps * 1e6, "share": own / total}
                   for (file, line, name), (calls, _, own, _, _) in stats.items()),
                  key=lambda r: -r["us_per_step"])[:top]
    print(f"{side} x {side}: {model.society.n:,} citizens, {step_ms:.3f} ms a step unprofiled; "
          f"{total / steps * 1e3:.3f} ms profiled")
    print(f"{'function':<48} {'calls/step':>10} {'us/step':>9} {'share':>7}")
    for r in rows:
        print(f"{r['function'][:48]:<48} {r['calls_per_step']:>10.1f} {r['us_per_step']:>9.1f} {r['share']:>7.1%}")
    return rows


def paths(side: int, steps: int) -> list[dict]:
    """Microseconds a step of each mechanism, with the kernels and with numpy."""
    timed = {}
    for fast in (True, False):
        kernels.ENABLED = fast
        model = suite.epstein_model(side)
        for _ in range(20):
            model.step()
        spent = dict.fromkeys([label for label, _, _ in MECHANISMS], 0.0)
        for label, owner, name in MECHANISMS:
            target = model.society if owner == "society" else getattr(model.society, owner)
            inner = getattr(target, name)

            def clocked(*args, _inner=inner, _label=label, _spent=spent, **kwargs):
                started = time.perf_counter()
                try:
                    return _inner(*args, **kwargs)
                finally:
                    _spent[_label] += time.perf_counter() - started
            setattr(target, name, clocked)
        started = time.perf_counter()
        for _ in range(steps):
            model.step()
        whole = time.perf_counter() - started
        timed[fast] = {label: 1e6 * t / steps for label, t in spent.items()} | {"whole step": 1e6 * whole / steps}
    kernels.ENABLED = True
    rows = [{"mechanism": label, "numpy_us": timed[False][label], "kernels_us": timed[True][label]}
            for label in [*(m[0] for m in MECHANISMS), "whole step"]]
    print(f"{side} x {side}: microseconds a step, {steps} steps (timers included)")
    print(f"{'mechanism':<24} {'numpy':>8} {'kernels':>8} {'saved':>8}")
    for r in rows:
        print(f"{r['mechanism']:<24} {r['numpy_us']:>8.1f} {r['kernels_us']:>8.1f} "
              f"{r['numpy_us'] - r['kernels_us']:>8.1f}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=100, help="grid side (default 100)")
    parser.add_argument("--steps", type=int, default=300, help="steps timed, and as many profiled (default 300)")
    parser.add_argument("--top", type=int, default=20, help="functions shown (default 20)")
    parser.add_argument("--paths", action="store_true",
                        help="time each mechanism with the compiled kernels and with numpy instead")
    args = parser.parse_args(argv)
    if args.paths:
        paths(args.side, args.steps)
    else:
        profile(args.side, args.steps, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
