"""Draw every scenario's band figure for the docs: how far its lesson survives its key parameter.

    python docs/bands.py [NAME ...] [--replicates 4] [--points 9]

For each scenario that declares a ``[phenomenon]`` with a key parameter, this
judges every claim at ``--points`` values of the key from half to one and a
half times the shipped value, on fresh seeds (what ``govsim robustness NAME
--band 9 --only "as shipped"`` does), and writes ``docs/img/band_NAME.png``.
Each figure keeps, in its PNG text, a digest of the settings, variants and
claims that made it; ``tests/test_docs.py`` checks that every figure is the
scenario's current one, so a changed scenario asks for this script again.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from simulator import load_scenario, scenario_names
from simulator.experiments.robustness import band
from simulator.viz.figures import save_figure
from simulator.viz.robustness import band_figure

IMAGES = Path(__file__).resolve().parent / "img"


def made_by(name: str) -> str:
    """What a band figure records of its scenario: a digest of everything but its prose.

    The settings, the variants, the claims, the run length and the seed decide the
    figure; rewording the [about] texts does not, and does not make it stale.
    """
    sc = load_scenario(name)
    decided = repr((sorted(dict(sc.config).items()), sorted(sc.variants.items()), sc.phenomenon,
                    sc.steps, sc.seed))
    return f"govsim band of {name}, settings and claims sha256 {hashlib.sha256(decided.encode()).hexdigest()[:16]}"


def banded() -> list[str]:
    """The scenarios that have a band: claims and a key parameter."""
    return [n for n in scenario_names() if (p := load_scenario(n).phenomenon) is not None and p.key]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios (default: every one with a band)")
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--points", type=int, default=9)
    args = parser.parse_args(argv)
    for name in args.names or banded():
        scenario = load_scenario(name)
        along = band(scenario, args.points, args.replicates, engine="process")
        path = IMAGES / f"band_{name}.png"
        save_figure(band_figure(scenario, along, args.replicates), path, metadata={"Description": made_by(name)})
        print(f"wrote {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
