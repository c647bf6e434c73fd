"""The class session of docs/teaching.md as data: each block's scenario and its commands.

``govsim prepare-class OUT`` runs these commands before class and writes one
folder per command, each with its figure and ``report.html``, and an index
page that links them in the order of the guide. The guide's code blocks are
these commands, word for word (``tests/test_lessons.py`` compares them), so
the guide and the kit cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Lesson", "SESSION", "lesson_keys"]


@dataclass(frozen=True)
class Lesson:
    """One block of the session: a key, its heading in the guide, and its commands."""

    key: str
    title: str
    scenario: str
    commands: tuple[str, ...]  # as the guide writes them, each with ``--out runs/FOLDER``


def _l(key: str, title: str, scenario: str, *commands: str) -> Lesson:
    return Lesson(key, title, scenario, commands)


SESSION: tuple[Lesson, ...] = (
    _l("b1", "Block 1: dynamic equilibrium", "baseline",
       "govsim run baseline --out runs/b1-baseline",
       "govsim run baseline --set plan.policy=none --out runs/b1-no-loop",
       "govsim run baseline --set monitor.visibility=0 --out runs/b1-unwatched",
       "govsim compare baseline --replicates 10 --out runs/b1-healing",
       "govsim compare baseline --replicates 10 --set healing.enabled=false --out runs/b1-no-healing"),
    _l("b2", "Block 2: delay causes oscillation", "delay_oscillation",
       "govsim compare delay_oscillation --replicates 10 --out runs/b2-delays",
       "govsim run delay_oscillation --variant long --out runs/b2-long",
       "govsim run delay_oscillation --variant long --set plan.gain=5 --out runs/b2-long-gentle",
       "govsim run delay_oscillation --variant long --set analyze.horizon=10 --out runs/b2-long-foresight",
       "govsim run delay_oscillation --variant long --set optimizing.enabled=true --out runs/b2-long-self-tuning"),
    _l("b3", "Block 3: soft and hard together", "soft_and_hard",
       "govsim compare soft_and_hard --replicates 10 --out runs/b3-mix",
       "govsim run soft_and_hard --variant constraint_only --out runs/b3-hard",
       "govsim run soft_and_hard --variant accommodation_only --out runs/b3-soft",
       "govsim run soft_and_hard --variant mixed --out runs/b3-both"),
    _l("b4", "Block 4: Epstein's civil violence", "epstein_civil_violence",
       "govsim run epstein_civil_violence --out runs/b4-epstein",
       "govsim run epstein_civil_violence --set society.contagion=0 --out runs/b4-no-contagion",
       "govsim compare epstein_civil_violence --replicates 10 --out runs/b4-legitimacy"),
    _l("blind_spots", "Blind spots", "blind_spots",
       "govsim compare blind_spots --replicates 10 --out runs/x-blind",
       "govsim run blind_spots --variant heavy --out runs/x-heavy",
       "govsim run blind_spots --variant light --out runs/x-light",
       "govsim run blind_spots --variant heavy --set monitor.visibility=0 --out runs/x-unnoticed",
       "govsim run blind_spots --variant heavy --set analyze.need_weight=0.5 --out runs/x-listening"),
    _l("goodhart", "Goodhart and measurability", "goodhart",
       "govsim compare goodhart --replicates 10 --out runs/x-goodhart",
       "govsim run goodhart --set optimizing.objective=observed --out runs/x-proxy",
       "govsim run goodhart --set optimizing.objective=tension --out runs/x-tension"),
    _l("requisite_variety", "Requisite variety", "requisite_variety",
       "govsim compare requisite_variety --replicates 10 --out runs/x-variety",
       "govsim run requisite_variety --set levers.response_types=1 --out runs/x-one-response",
       "govsim run requisite_variety --set levers.response_types=8 --out runs/x-all-responses"),
    _l("shock_resilience", "Resilience to shocks", "shock_resilience",
       "govsim compare shock_resilience --replicates 10 --out runs/x-shocks",
       "govsim run shock_resilience --set protecting.enabled=false --out runs/x-unprotected",
       "govsim run shock_resilience --set protecting.enabled=true --out runs/x-protected"),
    _l("centralise_or_delegate", "Centralise or delegate", "centralise_or_delegate",
       "govsim compare centralise_or_delegate --replicates 10 --out runs/x-structure",
       "govsim run centralise_or_delegate --variant delegated --out runs/x-local",
       "govsim run centralise_or_delegate --variant centralised --out runs/x-central",
       "govsim run centralise_or_delegate --variant self_configured --out runs/x-self-configured"),
    _l("participation", "Participation as sensing", "participation",
       "govsim compare participation --replicates 10 --out runs/x-participation",
       "govsim run participation --set plan.incentive_share=0 --set optimizing.enabled=false --out runs/x-no-incentive",
       "govsim run participation --set plan.incentive_share=0.3 --set optimizing.enabled=false --out runs/x-incentive"),
    _l("managing_the_managers", "Managing the managers", "managing_the_managers",
       "govsim compare managing_the_managers --replicates 10 --out runs/x-managers",
       "govsim run managing_the_managers --set plan.soft_share=0.2 --set optimizing.enabled=false --out runs/x-coercive",
       "govsim run managing_the_managers --set apparatus.oversight=0 --out runs/x-no-oversight",
       "govsim run managing_the_managers --set structure.centralisation=1 --set configuring.enabled=false "
       "--out runs/x-oversight"),
    _l("pre_emption", "Pre-emption and the good regulator", "pre_emption",
       "govsim compare pre_emption --replicates 10 --out runs/x-pre-emption",
       "govsim run pre_emption --variant pid --out runs/x-reactive",
       "govsim run pre_emption --variant predictive --out runs/x-predictive",
       "govsim run pre_emption --variant stale --out runs/x-stale",
       "govsim run pre_emption --variant predictive --set shock.accommodation_drop=0 --out runs/x-no-change"),
    _l("tipping_point", "A tipping point and its warning", "tipping_point",
       "govsim compare tipping_point --replicates 10 --out runs/x-tipping",
       "govsim run tipping_point --early-warning --ew-start 200 --out runs/x-tip",
       "govsim run tipping_point --variant control --early-warning --ew-start 200 --out runs/x-no-tip",
       "govsim run tipping_point --early-warning --ew-start 200 --ew-series latent --out runs/x-tip-latent"),
)


def lesson_keys() -> list[str]:
    """The keys ``--block`` accepts, in the guide's order."""
    return [lesson.key for lesson in SESSION]
