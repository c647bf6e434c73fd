"""Reference tables generated from the declarations (parameters and series).

``python -m simulator.reference > docs/parameters.md`` regenerates the
parameter reference; a test checks the file is current, so the docs cannot
drift from the code.
"""

from __future__ import annotations

from .parameters import GROUPS, PARAMETERS
from .series import SERIES

__all__ = ["parameters_markdown", "parameter_table", "with_parameter_table"]

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"

_GROUP_TITLES = {
    "society": "The synthetic society",
    "disturbance": "Disturbances",
    "shock": "Shocks (rare, many districts at once) and legitimacy falls",
    "levers": "How the society responds to each lever",
    "monitor": "Monitor (sensory channel)",
    "analyze": "Analyze",
    "plan": "Plan",
    "drift": "A slow drift of the lever mix (the road to a tipping point)",
    "execute": "Execute (motor channel)",
    "healing": "Self-healing (fast, per district)",
    "protecting": "Self-protecting (crisis-triggered)",
    "optimizing": "Self-optimizing (slow)",
    "configuring": "Self-configuring (slowest)",
    "structure": "Structure of the loop",
    "apparatus": "The apparatus (managing the managers)",
}


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    return f"{v:g}" if isinstance(v, float) else str(v)


def parameters_markdown() -> str:
    """The parameter and series reference as Markdown."""
    lines = [
        "# Parameter and series reference",
        "",
        "Generated from `simulator/parameters.py` and `simulator/recorder.py` by",
        "`python -m simulator.reference > docs/parameters.md`; do not edit by hand.",
        "Set any parameter in a scenario table or with `--set group.name=value`.",
        "",
    ]
    for group in GROUPS:
        lines += [f"## `[{group}]` {_GROUP_TITLES.get(group, '')}", "",
                  "| key | default | allowed | meaning |", "| --- | --- | --- | --- |"]
        for key, p in PARAMETERS.items():
            if p.group == group:
                lines.append(f"| `{key}` | {_value(p.default)} | {p.allowed()} | {p.meaning} |")
        lines.append("")
    lines += ["## Recorded series (`series.csv`)", "", "| column | meaning |", "| --- | --- |"]
    lines += [f"| `{name}` | {meaning} |" for name, meaning in SERIES.items()]
    return "\n".join(lines) + "\n"


def parameter_table() -> str:
    """One table of every parameter (key, default, allowed, meaning)."""
    rows = ["| key | default | allowed | meaning |", "| --- | --- | --- | --- |"]
    rows += [f"| `{k}` | {_value(p.default)} | {p.allowed()} | {p.meaning} |" for k, p in PARAMETERS.items()]
    return "\n".join(rows)


def with_parameter_table(text: str) -> str:
    """``text`` with the part between the parameter markers replaced by the table."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{parameter_table()}\n{END}{tail}"


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--odd"]:  # print docs/ODD.md with its table brought up to date
        print(with_parameter_table(sys.stdin.read()), end="")
    else:
        print(parameters_markdown(), end="")
