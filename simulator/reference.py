"""Reference tables generated from the declarations (parameters and series).

``python -m simulator.reference > docs/parameters.md`` regenerates the
parameter reference; a test checks the file is current, so the docs cannot
drift from the code.
"""

from __future__ import annotations

from .parameters import GROUPS, PARAMETERS
from .recorder import SERIES

__all__ = ["parameters_markdown"]

_GROUP_TITLES = {
    "society": "The synthetic society",
    "disturbance": "Disturbances",
    "shock": "Shocks (rare, many districts at once) and legitimacy falls",
    "levers": "How the society responds to each lever",
    "monitor": "Monitor (sensory channel)",
    "analyze": "Analyze",
    "plan": "Plan",
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


if __name__ == "__main__":
    print(parameters_markdown(), end="")
