"""What ``govsim show`` says about a scenario, as lines wrapped to a width.

The text is the scenario's title and question, its about texts, its variants,
what it claims (with the changes each claim is known not to survive), and the
parameter table. Each row of the table is one declared parameter: the key
(``*`` marks a value that differs from the default), the value, the default and
the allowed values, and under them the meaning::

    *plan.capacity   0.45   (default 0.4; a number in [0, 5])
        Capacity budget per district per step, shared by all levers, ...

The table can be narrowed to some groups of parameters, or to the parameters
the scenario changes; then only the table is shown. Every line fits the width
given (at least :data:`MIN_WIDTH`): long words are broken rather than let
through. This module builds text and never prints; the command line does.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from .config import shown, suggest
from .errors import ParameterError
from .parameters import GROUPS, PARAMETERS
from .scenario import ABOUT_SECTIONS, Scenario

__all__ = ["describe", "describe_metrics", "differs", "MIN_WIDTH"]

#: The narrowest text ``describe`` writes, whatever width it is asked for.
MIN_WIDTH = 60
#: The indent of the meaning under a parameter's row, and of continued lines.
_INDENT = "    "
#: The table keeps its columns when at least this much room is left for the
#: default and the allowed values; otherwise they go on a line of their own.
_ROOM = 24


def differs(scenario: Scenario, key: str) -> bool:
    """Whether ``scenario`` sets parameter ``key`` to something other than its default."""
    return scenario.config[key] != PARAMETERS[key].default


def describe(scenario: Scenario, *, width: int = 100, groups: Iterable[str] = (),
             changed: bool = False) -> list[str]:
    """The text of ``govsim show`` for ``scenario``, as lines of at most ``width`` characters.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (with any variant or changes already applied).
    width : int
        Longest line; a width below :data:`MIN_WIDTH` is raised to it.
    groups : iterable of str
        Show only the parameters of these groups (see
        :data:`~simulator.parameters.GROUPS`); empty for every group.
    changed : bool
        Show only the parameters whose value differs from the default.

    With ``groups`` or ``changed``, only the title and the parameter table are
    shown; otherwise the about texts, variants and claims come first.

    Raises
    ------
    ParameterError
        If a group is not one of :data:`~simulator.parameters.GROUPS`.
    """
    width = max(width, MIN_WIDTH)
    chosen = _check_groups(groups)
    keys = [k for k, p in PARAMETERS.items()
            if (not chosen or p.group in chosen) and (not changed or differs(scenario, k))]
    lines = _wrap(f"{scenario.title}  ({scenario.name})", width, rest=_INDENT)
    if chosen or changed:
        return [*lines, "", *_parameters(scenario, keys, width, chosen, changed)]
    lines += _wrap(f"Question: {scenario.question}", width, rest=_INDENT)
    lines += [*_wrap(f"Runs {scenario.steps} steps with seed {scenario.seed}.", width), ""]
    for section in ABOUT_SECTIONS:
        if section in scenario.about:
            lines.append(section.replace("_", " ").upper())
            text = " ".join(scenario.about[section].split())
            lines += [*_wrap(text, width, first="  ", rest="  "), ""]
    if scenario.variants:
        lines.append("VARIANTS")
        for name, changes in scenario.variants.items():
            settings = ", ".join(f"{k}={v}" for k, v in changes.items())
            lines += _wrap(f"{name}: {scenario.descriptions.get(name, '')} [{settings}]", width,
                           first="  ", rest=_INDENT)
        lines.append("")
    if scenario.phenomenon:
        lines += _wrap(f"WHAT IT CLAIMS  (check with: govsim robustness {scenario.name})", width,
                       rest="  ")
        for claim in scenario.phenomenon.claims:
            than = claim.than if isinstance(claim.than, str) else f"{claim.than:g}"
            fails = (f"; known not to hold under: {', '.join(claim.fails_under)}"
                     if claim.fails_under else "")
            lines += _wrap(f"{claim.says} [{claim.describe()}: {claim.variant} {claim.is_} than "
                           f"{than}{fails}]", width, first="  - ", rest=_INDENT)
        lines.append("")
    return lines + _parameters(scenario, keys, width, chosen, changed)


def _check_groups(groups: Iterable[str]) -> tuple[str, ...]:
    """The groups asked for, each once, in the order given; an unknown one raises."""
    chosen = tuple(dict.fromkeys(groups))
    for group in chosen:
        if group not in GROUPS:
            raise ParameterError(f"unknown parameter group {shown(group)}{suggest(group, GROUPS)}; "
                                 f"the groups are {', '.join(GROUPS)}")
    return chosen


def _parameters(scenario: Scenario, keys: list[str], width: int, groups: tuple[str, ...],
                changed: bool) -> list[str]:
    """The parameter table: one row per key, its meaning wrapped under it."""
    which = [f"group{'s' if len(groups) > 1 else ''} {', '.join(groups)}"] if groups else []
    which.append("only values that differ from the default" if changed
                 else "* = differs from the default")
    lines = _wrap(f"PARAMETERS  ({'; '.join(which)})", width, rest="  ")
    if not keys:  # only --changed can leave none
        return [*lines, f"{_INDENT}(no parameter differs from its default)"]
    rows = [(("*" if differs(scenario, k) else " ") + k, _value(scenario.config[k]),
             f"(default {_value(PARAMETERS[k].default)}; {PARAMETERS[k].allowed()})", k)
            for k in keys]
    kw = max(len(r[0]) for r in rows)
    vw = max(len(r[1]) for r in rows)
    columns = kw + 2 + vw + 2 + _ROOM <= width
    for key, value, allowed, name in rows:
        if columns:
            head = f"{key:<{kw}}  {value:<{vw}}  "
            lines += _wrap(allowed, width, first=head, rest=" " * len(head))
        else:
            lines += _wrap(f"{key}  {value}", width, rest=_INDENT)
            lines += _wrap(allowed, width, first=_INDENT, rest=_INDENT)
        lines += _wrap(PARAMETERS[name].meaning, width, first=_INDENT, rest=_INDENT)
    return lines


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` characters (a newline or tab becomes a space)."""
    return textwrap.wrap(text, width, initial_indent=first,
                         subsequent_indent=rest, break_on_hyphens=False) or [first.rstrip()]


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe_metrics(width: int = 100, series: bool = False) -> list[str]:
    """What ``govsim metrics`` prints: every headline metric (or recorded series) and what it means.

    Each row is the name, the unit and which way is better; the label and the
    meaning go under it, wrapped to ``width``.
    """
    from .headline import METRIC_INFO
    from .series import SERIES_INFO, UNITS

    width = max(MIN_WIDTH, width)
    rows = ([(s.name, s.label, s.meaning, UNITS[s.unit], s.better) for s in SERIES_INFO.values()] if series
            else [(m.name, m.label, m.meaning, m.unit, m.better) for m in METRIC_INFO.values()])
    head = ("RECORDED SERIES (columns of series.csv; one value per step, aggregates only)" if series
            else "HEADLINE METRICS (columns of summary.json, metrics.csv and table.csv; "
                 "a comparison's table adds _mean and _sd)")
    out = [*textwrap.wrap(head, width), ""]
    for name, label, meaning, unit, better in rows:
        direction = {"lower": "lower is better", "higher": "higher is better"}.get(better, "neither way is better")
        out += textwrap.wrap(f"{name}  [{unit}; {direction}]", width, subsequent_indent=_INDENT)
        out += textwrap.wrap(f"{label}: {meaning}", width, initial_indent=_INDENT, subsequent_indent=_INDENT)
    return out
