"""Write the scenario gallery for the docs: a page and a reference figure for every scenario.

    python docs/gallery.py [NAME ...]     # pages and figures (default: every scenario)
    python docs/gallery.py --pages        # pages only: no runs, a second or two

For each scenario this writes ``docs/gallery/NAME.md`` (its question, about
texts, reference figure, the parameters it changes from their defaults, its
variants, its claims and things to try) and ``docs/img/gallery_NAME.png``, the
dashboard of one run with the shipped settings and the scenario's own seed
(what ``govsim run NAME`` draws); ``docs/gallery/index.md`` lists them all.
The pages are text made from the scenario files and the parameter
declarations; only the figures need runs (seconds each).

Each figure keeps, in its PNG text, a digest of what decides it (title,
question, run length, seed, settings and the figure's panels; not the about
texts). ``tests/test_docs_site.py`` checks that every page is what this script
writes now and that every figure is its scenario's current one, so a changed
scenario asks for ``python docs/gallery.py NAME`` again. The figures are not
redrawn when only the drawing code changes: run the script after such a change.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from simulator import load_scenario, scenario_names
from simulator.parameters import PARAMETERS
from simulator.scenario import ABOUT_SECTIONS, Scenario
from simulator.show import differs

DOCS = Path(__file__).resolve().parent
PAGES = DOCS / "gallery"
IMAGES = DOCS / "img"

#: The heading of each [about] section on a page.
HEADINGS = {
    "what_it_is": "What it is",
    "how_it_works": "How it works",
    "what_to_notice": "What to notice",
    "things_to_try": "Things to try",
    "extending_the_model": "Extending the model",
}


def made_by(name: str) -> str:
    """What a gallery figure records of its scenario: a digest of everything that decides the run and its drawing.

    Title and question (both in the figure's title), run length, seed, every
    resolved setting and the figure's panels; rewording the [about] texts,
    the variants or the claims does not make the figure stale.
    """
    sc = load_scenario(name)
    decided = repr((sc.title, sc.question, sc.steps, sc.seed, sorted(dict(sc.config).items()),
                    sc.figure.tables()))
    return f"govsim gallery of {name}, settings sha256 {hashlib.sha256(decided.encode()).hexdigest()[:16]}"


def plain(text: str) -> str:
    """A scenario's text on one line, as the page shows it (line breaks and indents are layout)."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return plain(text).replace("<", "&lt;").replace("|", "\\|")


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def has_band(scenario: Scenario) -> bool:
    """Whether docs/bands.py draws a band for it (claims and a key parameter)."""
    return scenario.phenomenon is not None and bool(scenario.phenomenon.key)


def page(name: str) -> str:
    """The text of docs/gallery/NAME.md."""
    sc = load_scenario(name)
    about = {k: plain(v) for k, v in sc.about.items()}
    lines = [
        f"# {sc.title}",
        "",
        f"Scenario `{sc.name}`: {sc.steps} steps, seed {sc.seed}. In the terminal, `govsim show {sc.name}` "
        f"prints its texts and parameters and `govsim run {sc.name}` draws the figure below.",
        "",
        "!!! question \"The question\"",
        f"    {plain(sc.question)}",
        "",
        "## Reference figure",
        "",
        f"[![Dashboard of one run of {sc.name} with its shipped settings, seed {sc.seed}]"
        f"(../img/gallery_{sc.name}.png)](../img/gallery_{sc.name}.png)",
        "",
        f"One run of {sc.steps} steps with the shipped settings and seed {sc.seed}: "
        f"what `govsim run {sc.name}` writes as `dashboard.png` (click it for full size). "
        "The [teaching guide](../teaching.md) says how to read the dashboard.",
        "",
    ]
    for section in ("what_it_is", "how_it_works", "what_to_notice"):
        if section in about:
            lines += [f"## {HEADINGS[section]}", "", about[section], ""]
    lines += _parameters(sc)
    lines += _variants(sc)
    lines += _claims(sc)
    for section in ("things_to_try", "extending_the_model"):
        if section in about:
            lines += [f"## {HEADINGS[section]}", "", about[section], ""]
    others = [s for s in sc.about if s not in ABOUT_SECTIONS]
    for section in others:  # a section the list does not know yet still shows
        lines += [f"## {section.replace('_', ' ').capitalize()}", "", about[section], ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _parameters(sc: Scenario) -> list[str]:
    keys = [k for k in PARAMETERS if differs(sc, k)]
    lines = ["## Parameters", ""]
    if not keys:
        return [*lines, "It keeps every parameter at its default "
                "([all parameters and their defaults](../parameters.md)).", ""]
    lines += [f"The settings it changes from their defaults; every other parameter keeps its default "
              f"([all parameters](../parameters.md); `govsim show {sc.name} --changed` in the terminal).",
              "", "| parameter | value | default | meaning |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k}` | {_cell(_value(sc.config[k]))} | {_cell(_value(PARAMETERS[k].default))} "
              f"| {_cell(PARAMETERS[k].meaning)} |" for k in keys]
    return [*lines, ""]


def _variants(sc: Scenario) -> list[str]:
    if not sc.variants:
        return []
    lines = ["## Variants", "",
             f"Run one with `govsim run {sc.name} --variant NAME`; `govsim compare {sc.name}` runs every "
             "variant over the same seeds, side by side.", "",
             "| variant | what it is | settings |", "| --- | --- | --- |"]
    for variant, changes in sc.variants.items():
        settings = "<br>".join(f"`{k}={_value(v)}`" for k, v in changes.items())
        lines.append(f"| `{variant}` | {_cell(sc.descriptions.get(variant, ''))} | {settings} |")
    return [*lines, ""]


def _claims(sc: Scenario) -> list[str]:
    if sc.phenomenon is None or not sc.phenomenon.claims:
        return []
    lines = ["## What it claims", "",
             f"Each claim compares a statistic of a recorded series between variants (`base` is the scenario "
             f"as shipped) over fresh seeds; `govsim robustness {sc.name}` checks them.", ""]
    for claim in sc.phenomenon.claims:
        than = f"`{claim.than}`" if isinstance(claim.than, str) else f"{claim.than:g}"
        fails = (f"; known not to hold under: {', '.join(claim.fails_under)}" if claim.fails_under else "")
        lines.append(f"- {plain(claim.says)}  \n  *{claim.describe()}: `{claim.variant}` {claim.is_} than "
                     f"{than}{fails}*")
    lines.append("")
    if has_band(sc):
        key = sc.phenomenon.key
        lines += [f"How far `{key}` can move before the claims stop holding "
                  f"(`govsim robustness {sc.name} --band 9`):", "",
                  f"![How far {key} can move before the lessons of {sc.name} break](../img/band_{sc.name}.png)", ""]
    return lines


def index() -> str:
    """The text of docs/gallery/index.md: a card for every scenario, with its figure and question."""
    lines = [
        "# Scenario gallery",
        "",
        "Every scenario that ships with govsim, with its question and its reference figure. Each page has the "
        "scenario's about texts, the parameters it changes, its variants, what it claims and things to try. "
        "The pages and figures are written by `python docs/gallery.py` from the scenario files in `scenarios/`; "
        "`govsim list` and `govsim show NAME` say the same in the terminal. The [teaching guide](../teaching.md) "
        "builds a seminar from them.",
        "",
        '<div class="grid cards" markdown>',
        "",
    ]
    for name in scenario_names():
        sc = load_scenario(name)
        lines += [
            f"-   **[{sc.title}]({name}.md)** `{name}`",
            "",
            "    ---",
            "",
            f"    [![Reference figure of {name}](../img/gallery_{name}.png)]({name}.md)",
            "",
            f"    {plain(sc.question)}",
            "",
        ]
    return "\n".join([*lines, "</div>"]) + "\n"


def draw(name: str) -> Path:
    """Run ``name`` as shipped (its steps, its seed) and save its dashboard as docs/img/gallery_NAME.png."""
    from simulator import GovernanceModel
    from simulator.viz.figures import dashboard_figure, save_figure

    scenario = load_scenario(name)
    series = GovernanceModel.from_scenario(scenario, seed=scenario.seed).run(scenario.steps).series()
    path = IMAGES / f"gallery_{name}.png"
    fig = dashboard_figure(series, scenario.title, f"seed {scenario.seed}", scenario=scenario)
    save_figure(fig, path, metadata={"Description": made_by(name)})
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios (default: every one)")
    parser.add_argument("--pages", action="store_true", help="write the pages only; draw no figure")
    args = parser.parse_args(argv)
    known = scenario_names()
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; the scenarios are {', '.join(known)}")
    PAGES.mkdir(exist_ok=True)
    started = time.perf_counter()
    for name in args.names or known:
        (PAGES / f"{name}.md").write_text(page(name), encoding="utf-8")
        if not args.pages:
            t = time.perf_counter()
            path = draw(name)
            print(f"wrote {path.relative_to(DOCS.parent)} ({time.perf_counter() - t:.1f} s)", flush=True)
    (PAGES / "index.md").write_text(index(), encoding="utf-8")
    print(f"wrote the pages of {len(args.names or known)} scenario(s) and the index in "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
