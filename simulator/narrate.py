"""The last step of the loops in words: what each saw, concluded and did.

Used by the dashboard's loop panel and by the lesson scripts. Everything
said here comes from a model's report (:meth:`GovernanceModel.report`): the
fast loop's stages' outputs, Knowledge's settings and each self-* loop's
last turn, district and system aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .report import Report

__all__ = ["describe_step", "describe_loops", "LoopWords", "STAGES"]

STAGES: tuple[str, ...] = ("Monitor", "Analyze", "Plan", "Execute", "Knowledge")


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_step(report: Report) -> dict[str, str]:
    """One plain sentence or two per stage of the fast loop about the step just taken."""
    cfg = report.config
    obs, a, plan, d = report.observation, report.assessment, report.plan, report.delivery
    s = report.settings
    D = report.districts
    lag = report.step - obs.step
    monitor = (f"Sees the society as it was {lag} step{'s' if lag != 1 else ''} ago: "
               f"about {_pct(float(obs.expression.mean()))} expressing and mean reported need "
               f"{obs.need.mean():.2f}, sensing {_pct(float(obs.sensed.mean()))} of each district "
               f"(coverage {_pct(cfg.monitor.coverage)} plus what participants report).")
    faults = int(np.count_nonzero(a.faults))
    worst = int(np.argmax(a.tension))
    analyze = (f"Estimates mean tension at {a.system_tension:.3f} against a set-point of "
               f"{cfg.analyze.setpoint:.2f}; {faults} of {D} districts are faults"
               + (", so a system-wide crisis is declared." if a.crisis else ".")
               + f" The tensest district is number {worst} ({a.tension[worst]:.2f}).")
    total = plan.accommodate.sum() + plan.constrain.sum()
    soft = plan.accommodate.sum() / total if total > 0 else float("nan")
    if cfg.plan.policy == "none":
        planned = "Policy 'none': decides nothing (the loop only watches)."
    elif total <= 0:
        planned = f"Policy '{cfg.plan.policy}': no response needed this step."
    else:
        assert plan.central is not None  # a Plan fills it in when it is made
        planned = (f"Policy '{cfg.plan.policy}': spends {total / D:.2f} capacity units per "
                   f"district, {_pct(soft)} as accommodation and {_pct(1 - soft)} as "
                   f"constraint, {_pct(float(plan.central.mean()))} of it decided by the centre.")
    if plan.mobilise.sum() > 0:
        planned += f" Self-protecting adds {plan.mobilise.mean():.2f} of mobilisation."
    execute = (f"Delivers {d.accommodate.mean():.2f} accommodation and {d.constrain.mean():.2f} "
               f"constraint per district (decisions made earlier, after delay and loss); "
               f"agency alignment {report.alignment:.2f}.")
    knowledge = (f"Settings now: gain {s.gain:.2f}, lever mix {_pct(s.soft_share)} soft, "
                 f"centralisation {s.centralisation:.2f}, capacity {s.capacity:.2f} per district.")
    return dict(zip(STAGES, (monitor, analyze, planned, execute, knowledge)))


@dataclass(frozen=True)
class LoopWords:
    """One loop's card: who it is, and its last turn in words."""

    name: str
    scope: str
    pace: str
    enabled: bool
    step: int | None  # the step of its last turn (None: it has not taken one)
    saw: str
    concluded: str
    did: str


def describe_loops(report: Report) -> list[LoopWords]:
    """Each self-* loop: scope, pace, and what it saw, concluded and did last."""
    cards = []
    for loop in report.selfstar:
        if not loop.enabled:
            words = ("Switched off in this scenario.", "", "")
        elif loop.last is None:
            words = ("Has not taken a turn yet.", "", "")
        else:
            words = loop.explain(loop.last)
        cards.append(LoopWords(loop.name, loop.scope, loop.pace, loop.enabled,
                               None if loop.last is None else loop.last.step, *words))
    return cards
