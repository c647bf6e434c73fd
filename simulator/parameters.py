"""Parameter declarations: every model parameter, declared once.

Each :class:`Parameter` names a key (``group.name``), what it means, its type,
its allowed range or choices, and its default. This single table drives
validation of scenario files and ``--set`` overrides, ``govsim show``, the
dashboard's controls and the parameter list in ``docs/ODD.md``. Nothing else
in the package invents a parameter.

The groups follow the loop: the synthetic ``society`` and its ``disturbance``
and ``shock`` inputs; the lever effects (``levers``); the four MAPE stages
(``monitor``, ``analyze``, ``plan``, ``execute``), a slow ``drift`` of the
centre's lever mix, and the shared ``knowledge``;
the four self-* objectives
(``healing``, ``protecting``, ``optimizing``, ``configuring``); the loop's
``structure``; the executing ``apparatus``; and the ``twin``, the
system-dynamics version of the same loop, which the agent model ignores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Parameter", "PARAMETERS", "GROUPS", "parameter"]


@dataclass(frozen=True)
class Parameter:
    """One declared parameter.

    Parameters
    ----------
    key : str
        Dotted name, ``group.name``.
    kind : str
        ``"int"``, ``"float"``, ``"bool"`` or ``"choice"``.
    default : Any
        Value used when a scenario does not set it.
    meaning : str
        One sentence for students: what turning it up does.
    low, high : float, optional
        Inclusive bounds for numbers.
    choices : tuple of str, optional
        Allowed values for ``"choice"`` parameters.
    """

    key: str
    kind: str
    default: Any
    meaning: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and tables."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        noun = "an integer" if self.kind == "int" else "a number"
        return f"{noun} in [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else str(x)


def _p(key, kind, default, meaning, low=None, high=None, choices=()):
    return Parameter(key, kind, default, meaning, low, high, tuple(choices))


_DECLARED = [
    # --- the synthetic society -------------------------------------------------
    _p("society.agents", "int", 10_000, "Number of synthetic agents (population size).", 1, 5_000_000),
    _p("society.density", "float", 1.0, "Share of grid cells occupied by an agent; the grid is sized from agents and density.", 0.05, 1.0),
    _p("society.districts_per_side", "int", 8, "The toroidal grid is split into k x k districts (the grid-management cells).", 1, 64),
    _p("society.vision", "int", 1, "Radius of the neighbourhood an agent sees (neighbours' expression, enforcement presence); its shape is society.neighbourhood.", 1, 10),
    _p("society.neighbourhood", "choice", "moore", "Shape of the vision window: a square (moore), a diamond (von_neumann, as Mesa's Epstein example) or the cross of Epstein (2002), vision cells north, south, east and west.", choices=("moore", "von_neumann", "cross")),
    _p("society.mobility", "float", 0.0, "Share of free agents that try to move to an empty cell within vision each step.", 0.0, 1.0),
    _p("society.need_base", "float", 0.25, "Mean of each agent's baseline need (unmet demand with no disturbance).", 0.0, 1.0),
    _p("society.need_spread", "float", 0.15, "Spread (half-width) of baseline need across agents.", 0.0, 0.5),
    _p("society.need_rate", "float", 0.1, "How fast an agent's need follows its baseline plus local pressure, per step.", 0.001, 1.0),
    _p("society.need_noise", "float", 0.02, "Standard deviation of idiosyncratic need shocks per step.", 0.0, 0.5),
    _p("society.trust", "float", 0.7, "Initial mean trust (perceived legitimacy of the loop).", 0.0, 1.0),
    _p("society.trust_spread", "float", 0.1, "Spread (half-width) of initial trust across agents.", 0.0, 0.5),
    _p("society.trust_recovery", "float", 0.005, "Per-step pull of trust back toward its initial level when nothing happens.", 0.0, 0.2),
    _p("society.threshold", "float", 0.1, "Mean private threshold: grievance must exceed perceived risk by this much to express.", 0.0, 1.0),
    _p("society.threshold_spread", "float", 0.05, "Spread (half-width) of private thresholds across agents.", 0.0, 0.5),
    _p("society.arrest_k", "float", 2.3, "Epstein's k: how steeply perceived risk rises with enforcement presence per expresser nearby.", 0.0, 20.0),
    _p("society.arrest_rounding", "choice", "none", "Whole-number patrols per expresser before estimating arrest risk: none (continuous), round (Mesa's Epstein example) or floor (NetLogo's Rebellion model): outnumbered patrols then deter nobody.", choices=("none", "round", "floor")),
    _p("society.contagion", "float", 1.0, "Weight of expressing neighbours in lowering perceived risk (safety in numbers); 0 switches contagion off.", 0.0, 5.0),
    _p("society.contagion_rounds", "int", 1, "Rounds of the expression rule per step: 1 is synchronous (everyone reacts to the last step); more let a cascade spread within a step, as with Epstein's one-agent-at-a-time updating.", 1, 20),
    _p("society.participation", "float", 0.3, "Baseline probability that an agent engages with the loop's services in a step.", 0.0, 1.0),
    _p("society.participation_trust", "float", 0.4, "How much trust above 0.5 raises the probability of participating.", 0.0, 2.0),
    _p("society.enforcement", "float", 0.0, "Standing enforcement presence (share of cells patrolled) that does not depend on the loop, like Epstein's fixed cop density.", 0.0, 1.0),
    _p("society.removal_rate", "float", 1.0, "Scale of the chance that an expressing agent is temporarily removed, per unit of local enforcement per expresser.", 0.0, 5.0),
    _p("society.removal_term", "int", 15, "Longest temporary removal, in steps (each term is drawn uniformly from 1..this).", 0, 1000),
    _p("society.collapse_level", "float", 0.4, "Share of agents expressing at which the run counts as collapsed.", 0.01, 1.0),
    # --- disturbances ------------------------------------------------------------
    _p("disturbance.types", "int", 3, "Number of distinct disturbance types (kinds of problem) that arise.", 1, 8),
    _p("disturbance.rate", "float", 0.03, "Per district, per type, per step: chance that a disturbance arises.", 0.0, 1.0),
    _p("disturbance.size", "float", 0.15, "Mean pressure a disturbance adds to its district (exponentially distributed).", 0.0, 2.0),
    _p("disturbance.decay", "float", 0.02, "Share of unresolved pressure that fades by itself each step.", 0.0, 1.0),
    _p("shock.rate", "float", 0.0, "Per-step chance of a rare shock that hits many districts at once.", 0.0, 0.2),
    _p("shock.at_step", "int", -1, "A shock scheduled at this step (-1: none).", -1, 1_000_000),
    _p("shock.every", "int", 0, "Steps between scheduled shocks after the first at shock.at_step (0: only that one).", 0, 1_000_000),
    _p("shock.size", "float", 0.6, "Need a shock adds at once to every agent in a district it hits, and pressure it leaves behind there.", 0.0, 5.0),
    _p("shock.reach", "float", 0.6, "Share of districts a shock hits.", 0.0, 1.0),
    _p("shock.pattern", "choice", "scattered", "Which districts a shock hits: scattered (each with chance shock.reach) or regional (one square block of about that share of the districts).", choices=("scattered", "regional")),
    _p("shock.trust_drop", "float", 0.0, "Total fall in every agent's trust (a legitimacy shock); 0: none.", 0.0, 1.0),
    _p("shock.trust_drop_step", "int", -1, "Step at which the legitimacy fall starts (-1: none).", -1, 1_000_000),
    _p("shock.trust_drop_duration", "int", 1, "Steps over which the legitimacy fall is spread (1: sudden).", 1, 100_000),
    _p("shock.enforcement_drop", "float", 0.0, "Total fall in the standing enforcement presence society.enforcement (a cut in the police force; it stops at 0); 0: none.", 0.0, 1.0),
    _p("shock.enforcement_drop_step", "int", -1, "Step at which the cut in standing enforcement starts (-1: none).", -1, 1_000_000),
    _p("shock.enforcement_drop_duration", "int", 1, "Steps over which the cut in standing enforcement is spread (1: sudden).", 1, 100_000),
    _p("shock.accommodation_drop", "float", 0.0, "Share of accommodation's effect (levers.accommodation_effect) that is lost: the society changes and services stop working as well, and nobody tells the loop; 0: none.", 0.0, 1.0),
    _p("shock.accommodation_drop_step", "int", -1, "Step at which accommodation starts to lose its effect (-1: never).", -1, 1_000_000),
    _p("shock.accommodation_drop_duration", "int", 1, "Steps over which accommodation loses its effect (1: at once).", 1, 100_000),
    # --- how the society responds to each lever ----------------------------------
    _p("levers.accommodation_effect", "float", 1.0, "Share-per-step of matching pressure that one unit of accommodation resolves (before saturation).", 0.0, 10.0),
    _p("levers.unmatched_effect", "float", 0.15, "Effectiveness of accommodation on disturbance types with no matching response type, relative to matched ones.", 0.0, 1.0),
    _p("levers.response_types", "int", 8, "Number of disturbance types the loop has a matching response for (requisite variety); capped at disturbance.types.", 0, 8),
    _p("levers.presence", "float", 0.2, "Enforcement presence (share of cells patrolled) per unit of constraint.", 0.0, 1.0),
    _p("levers.trust_from_accommodation", "float", 0.05, "Trust gained per step per unit of accommodation felt (needs met).", 0.0, 1.0),
    _p("levers.trust_from_constraint", "float", 0.03, "Trust lost per step per unit of constraint felt.", 0.0, 1.0),
    _p("levers.trust_from_need", "float", 0.005, "Trust lost per step per unit of unmet need.", 0.0, 1.0),
    _p("levers.trust_from_removal", "float", 0.02, "Trust lost per step per unit share of the district being removed.", 0.0, 10.0),
    _p("levers.incentive_effect", "float", 0.5, "Rise in the probability of participating per unit of incentive.", 0.0, 5.0),
    _p("levers.mobilise_effect", "float", 1.0, "Each unit of mobilisation acts as this much accommodation and this much constraint at once.", 0.0, 5.0),
    # --- Monitor -------------------------------------------------------------------
    _p("monitor.coverage", "float", 0.5, "Share of each district's expression the sensors pick up directly.", 0.0, 1.0),
    _p("monitor.noise", "float", 0.02, "Standard deviation of measurement noise on district aggregates.", 0.0, 1.0),
    _p("monitor.delay", "int", 1, "Steps between what happens and what the loop sees.", 0, 200),
    _p("monitor.visibility", "float", 0.1, "How much visible monitoring raises perceived risk (the chilling effect).", 0.0, 5.0),
    _p("monitor.cost", "float", 0.1, "Capacity used per unit of coverage, per district.", 0.0, 2.0),
    _p("monitor.participation_sensing", "float", 1.0, "How much participation (use of services) adds to what the monitor senses.", 0.0, 1.0),
    # --- Analyze -------------------------------------------------------------------
    _p("analyze.smoothing", "float", 0.5, "Weight of the newest observation in the exponential filter (1: no filtering).", 0.01, 1.0),
    _p("analyze.need_weight", "float", 0.5, "Weight of reported need (vs observed expression) in estimated tension.", 0.0, 1.0),
    _p("analyze.setpoint", "float", 0.17, "Tension the loop tries to hold each district at.", 0.0, 1.0),
    _p("analyze.fault_level", "float", 0.22, "Estimated tension above which a district is flagged as a fault.", 0.0, 1.0),
    _p("analyze.crisis_share", "float", 0.3, "Share of districts in fault at which a system-wide crisis is declared.", 0.0, 1.0),
    _p("analyze.horizon", "int", 0, "Steps ahead the trend is projected to act pre-emptively (0: purely reactive).", 0, 100),
    _p("analyze.trend_smoothing", "float", 0.2, "Weight of the newest change of tension in the trend that the horizon projects (1: only the last change).", 0.0, 1.0),
    # --- Plan ----------------------------------------------------------------------
    _p("plan.policy", "choice", "balanced", "How the capacity budget is allocated across districts and levers.", choices=("none", "threshold", "pid", "balanced", "predictive")),
    _p("plan.capacity", "float", 0.4, "Capacity budget per district per step, shared by all levers, monitoring and oversight.", 0.0, 5.0),
    _p("plan.soft_share", "float", 0.5, "Lever mix: share of the response given as accommodation (the rest is constraint).", 0.0, 1.0),
    _p("plan.incentive_share", "float", 0.1, "Share of the lever budget spent on incentives to participate.", 0.0, 1.0),
    _p("plan.gain", "float", 3.0, "Proportional gain: response per unit of tension above the set-point.", 0.0, 50.0),
    _p("plan.integral", "float", 0.1, "Integral gain of the pid policy.", 0.0, 10.0),
    _p("plan.derivative", "float", 0.0, "Derivative gain of the pid policy.", 0.0, 50.0),
    _p("plan.threshold_response", "float", 0.6, "Response intensity the threshold policy gives a district in fault.", 0.0, 5.0),
    _p("plan.integral_limit", "float", 5.0, "Most error the integral of the pid and balanced policies stores, either way (anti-windup).", 0.0, 100.0),
    _p("plan.service", "float", 0.5, "Share of its per-district budget the balanced policy offers everywhere as standing accommodation (times the lever mix).", 0.0, 1.0),
    _p("plan.knows_delays", "bool", True, "The predictive policy knows its own delays: it counts the decisions still on their way and learns and forecasts with the step each one lands (off: as if every decision acted at once).", None, None),
    _p("plan.horizon", "int", 10, "Steps the predictive policy looks ahead, counted from when a decision made now first shows in what the loop sees.", 1, 200),
    _p("plan.response_cost", "float", 0.02, "Predictive policy: the tension above the set-point that one unit of response per step is judged as bad as (higher: it spends less; 0: cost is no object).", 0.0, 1.0),
    # --- a slow drift of the centre's doctrine (the road to a tipping point) ------
    _p("drift.per_step", "float", 0.0, "How far the lever mix (plan.soft_share) moves each step toward drift.to once the drift starts: a slow change of the centre's doctrine (0: no drift).", 0.0, 0.1),
    _p("drift.to", "float", 0.0, "Lever mix the drift moves toward and stops at (0: constraint only, 1: accommodation only).", 0.0, 1.0),
    _p("drift.start", "int", 0, "Step at which the drift of the lever mix begins.", 0, 1_000_000),
    # --- Execute -------------------------------------------------------------------
    _p("execute.delay", "int", 1, "Steps between a decision and its effect in the society.", 0, 200),
    _p("execute.max_intensity", "float", 1.5, "Most any one lever can deliver to one district in a step.", 0.0, 10.0),
    _p("execute.loss", "float", 0.15, "Share of every delivery lost in implementation by the agencies.", 0.0, 1.0),
    # --- Knowledge -------------------------------------------------------------------
    _p("knowledge.memory", "int", 400, "Steps of system-level history Knowledge keeps for the slow loops to judge by.", 2, 100_000),
    _p("knowledge.forgetting", "float", 0.98, "How much of its past evidence each learned model keeps each step: the lever effects self-optimizing reads, and the predictive policy's model of tension (1: never forgets).", 0.5, 1.0),
    # --- the four self-* objectives ---------------------------------------------
    _p("healing.enabled", "bool", True, "Self-healing: each district's local unit repairs its district when tension is above the set-point, with the share of the response the structure delegates (off: local units spread their share evenly).", None, None),
    _p("healing.horizon", "int", 0, "Steps ahead each district projects its own tension along its trend, to repair before it passes the set-point (0: only what is already there).", 0, 100),
    _p("protecting.enabled", "bool", True, "Self-protecting: a crisis releases the mobilisation reserve.", None, None),
    _p("protecting.reserve", "float", 0.5, "Mobilisation reserve, in capacity units per district.", 0.0, 10.0),
    _p("protecting.release", "float", 0.3, "Share of the remaining reserve released per step of crisis.", 0.0, 1.0),
    _p("protecting.fatigue", "float", 0.05, "Fatigue gained per step of mobilisation (it weakens mobilisation).", 0.0, 1.0),
    _p("protecting.recovery", "float", 0.01, "Share of the reserve rebuilt, and of fatigue shed, per quiet step.", 0.0, 1.0),
    _p("optimizing.enabled", "bool", True, "Self-optimizing: slowly retunes the gain, the lever mix and incentives from Knowledge.", None, None),
    _p("optimizing.period", "int", 25, "Steps between two self-optimizing adjustments.", 1, 10_000),
    _p("optimizing.step", "float", 0.05, "Size of each self-optimizing adjustment.", 0.0, 1.0),
    _p("optimizing.participation_target", "float", 0.35, "Observed participation below which self-optimizing buys more incentives.", 0.0, 1.0),
    _p("optimizing.objective", "choice", "tension", "What self-optimizing tries to lower: estimated tension, or only the observed expression indicator.", choices=("tension", "observed")),
    _p("configuring.enabled", "bool", True, "Self-configuring: slowly restructures centralisation, information sharing, granularity and capacity.", None, None),
    _p("configuring.period", "int", 100, "Steps between two self-configuring adjustments.", 1, 100_000),
    _p("configuring.step", "float", 0.1, "Size of each self-configuring adjustment.", 0.0, 1.0),
    _p("configuring.max_capacity", "float", 1.0, "Highest capacity per district self-configuring may build up.", 0.0, 5.0),
    _p("configuring.fault_tolerance", "float", 0.05, "Share of districts in fault, on average over a period, above which self-configuring shares more information.", 0.0, 1.0),
    # --- the loop's structure ----------------------------------------------------
    _p("structure.centralisation", "float", 0.5, "Share of the response decided by the centre (holistic, slower) rather than by local units.", 0.0, 1.0),
    _p("structure.central_delay", "int", 3, "Extra steps a central decision takes compared with a local one.", 0, 200),
    _p("structure.sharing", "float", 0.5, "Information sharing between agencies (horizontal integration): it cuts implementation loss.", 0.0, 1.0),
    _p("structure.granularity", "int", 1, "Districts per side of one local management unit (1: every district manages itself).", 1, 64),
    # --- the apparatus (managing the managers) ----------------------------------
    _p("apparatus.agencies", "int", 4, "Number of executing agencies; each covers a band of districts.", 1, 64),
    _p("apparatus.drift", "float", 0.02, "How fast an agency's alignment with the centre erodes per unit of coercive capacity it holds.", 0.0, 1.0),
    _p("apparatus.oversight", "float", 0.02, "How fast oversight restores alignment, per unit of centralisation.", 0.0, 1.0),
    _p("apparatus.oversight_cost", "float", 0.05, "Capacity per district that full oversight costs.", 0.0, 2.0),
    _p("apparatus.overreach", "float", 0.5, "How much extra constraint a misaligned agency applies (and accommodation it withholds).", 0.0, 5.0),
    # --- the system-dynamics twin (read only by the twin, not the agent model) ----
    _p("twin.stages", "int", 3, "First-order stages in each delay of the system-dynamics twin (3 is Forrester's DELAY3; more stages come closer to a fixed delay).", 1, 50),
    _p("twin.form", "choice", "loop", "Which stock-and-flow structure the twin solves: the whole governance loop, or the pure delayed negative-feedback loop x' = -k x(delayed) with k = plan.gain and total delay 1 + monitor.delay + execute.delay.", choices=("loop", "delayed_feedback")),
    _p("twin.crisis_width", "float", 0.02, "Width of the twin's smooth step from no crisis to crisis as the expected share of districts in fault passes analyze.crisis_share (the agent model's crisis is yes or no; narrower is closer to it and stiffer to solve).", 0.001, 0.5),
    _p("twin.fault_share_width", "float", 0.01, "Width of the twin's smooth step by which self-configuring turns to sharing more information as the expected share of districts in fault passes configuring.fault_tolerance.", 0.001, 0.5),
    _p("twin.windup_sharpness", "float", 8.0, "Exponent of the twin's smooth brake on filling Plan's integral as it nears plan.integral_limit (the agent model stops it dead; higher is closer to that and stiffer to solve).", 1.0, 64.0),
    _p("twin.min_reporting", "float", 0.01, "Smallest share of agents reporting need that the twin divides Monitor's noise by: below it, the noise on reported need stops growing.", 0.0001, 1.0),
    _p("twin.fall_taper", "float", 0.01, "Least width of trust over which the twin's legitimacy fall tapers off as mean trust nears 0 (it uses society.trust_spread when wider).", 0.0001, 1.0),
]

PARAMETERS: dict[str, Parameter] = {p.key: p for p in _DECLARED}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in _DECLARED))


def parameter(key: str) -> Parameter:
    """Return the declaration of ``key`` (raises ``KeyError`` if undeclared)."""
    return PARAMETERS[key]
