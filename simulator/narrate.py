"""The last step of the loop in words: what each MAPE-K stage saw and decided.

Used by the dashboard's MAPE-K panel and by the lesson scripts. Everything
said here comes from the stages' own outputs (``model.observation``,
``model.assessment``, ``model.plan``, ``model.delivery``) and from
Knowledge's settings: district aggregates only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["describe_step", "STAGES"]

STAGES: tuple[str, ...] = ("Monitor", "Analyze", "Plan", "Execute", "Knowledge")


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_step(model) -> dict[str, str]:
    """One plain sentence or two per stage about the step just taken."""
    cfg = model.config
    obs, a, plan, d = model.observation, model.assessment, model.plan, model.delivery
    s = model.knowledge.settings
    D = model.grid.districts
    lag = model.steps - obs.step
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
        planned = (f"Policy '{cfg.plan.policy}': spends {total / D:.2f} capacity units per "
                   f"district, {_pct(soft)} as accommodation and {_pct(1 - soft)} as "
                   f"constraint, {_pct(float(plan.central.mean()))} of it decided by the centre.")
    if plan.mobilise.sum() > 0:
        planned += f" Self-protecting adds {plan.mobilise.mean():.2f} of mobilisation."
    execute = (f"Delivers {d.accommodate.mean():.2f} accommodation and {d.constrain.mean():.2f} "
               f"constraint per district (decisions made earlier, after delay and loss); "
               f"agency alignment {model.apparatus.mean_alignment():.2f}.")
    knowledge = (f"Settings now: gain {s.gain:.2f}, lever mix {_pct(s.soft_share)} soft, "
                 f"centralisation {s.centralisation:.2f}, capacity {s.capacity:.2f} per district.")
    return dict(zip(STAGES, (monitor, analyze, planned, execute, knowledge)))
