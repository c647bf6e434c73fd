"""One source for each rule: the agent model and the twin call the same function.

Each test replaces one shared rule, in its module and wherever it was
imported by name, by a visibly different one, and checks that both the
agent side and the twin change. A twin that copied the rule by hand (or an
agent part that stopped calling it) leaves its side unchanged, and the
test fails. The expression rule and the removal term, which the twin
cannot call as they stand (it has no agents to draw), are held to the
twin's closed forms by comparing them on many draws.
"""

import sys

import mesa
import numpy as np
import pytest

from simulator.config import Config
from simulator.loop import apparatus, capacity, execute, monitor, plan
from simulator.loop.contracts import Delivery, Plan
from simulator.loop.knowledge import Knowledge, Record
from simulator.loop.selfstar import configuring, protecting
from simulator.society import kernels, rules
from simulator.twin.meanfield import Population
from simulator.twin.stocks import GovernanceTwin

BUSY = {"society.agents": 1600, "society.districts_per_side": 4, "apparatus.agencies": 4,
        "apparatus.drift": 0.05, "apparatus.oversight": 0.1, "execute.loss": 0.2,
        "apparatus.overreach": 0.5, "structure.sharing": 0.3}


def patch_everywhere(monkeypatch, module, name, replacement):
    """Replace ``module.name`` and every ``simulator`` module's binding of it."""
    original = getattr(module, name)
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("simulator") and getattr(mod, name, None) is original:
            monkeypatch.setattr(mod, name, replacement)
    return original


def twin_state(twin):
    """A state away from rest, with levers on their way and agencies not aligned."""
    x = twin.initial()
    i = twin.index
    x[i["alignment"]], x[i["sharing"]], x[i["tension"]] = 0.7, 0.3, 0.3
    x[i["expression"]], x[i["removed"]], x[0] = 0.1, 0.05, 0.2
    chain = twin.execute_chain
    x[chain.start:chain.start + chain.size] = np.tile([0.3, 0.4, 0.1, 0.2], chain.stages)
    return x


def twin_numbers(values):
    twin = GovernanceTwin(values)
    x = twin_state(twin)
    f = twin.flows(x)
    return np.concatenate([f["dx"], f["delivered"], list(twin.observe(x).values()),
                           [twin.execute_delay]])


def series(values, steps=12):
    from simulator.model import GovernanceModel
    model = GovernanceModel.from_scenario("baseline", seed=3, steps=steps, overrides=values)
    return model.run().series().to_numpy(dtype=float)


def check_both_change(monkeypatch, module, name, wrap, agent, twin):
    before = agent(), twin()
    original = getattr(module, name)
    patch_everywhere(monkeypatch, module, name, wrap(original))
    after = agent(), twin()
    assert not np.array_equal(before[0], after[0]), f"the agent side does not call {name}"
    assert not np.array_equal(before[1], after[1]), f"the twin does not call {name}"


def scaled(f):
    def g(*args, **kwargs):
        out = f(*args, **kwargs)
        return tuple(v * 0.5 + 0.01 for v in out) if isinstance(out, tuple) else out * 0.5 + 0.01
    return g


def test_delivery_is_one_rule(monkeypatch):
    config = Config.from_mapping(BUSY)

    def agent():
        ex = execute.Executor(config, 4)
        full = np.full(4, 0.3)
        ex.submit(Plan(0, full, full, full, full), due=0)
        d = ex.deliver(0, np.full(4, 0.7), sharing=0.3)
        return np.concatenate([d.accommodate, d.constrain, d.incentivise, d.mobilise])

    check_both_change(monkeypatch, execute, "delivered", scaled, agent, lambda: twin_numbers(config))


def test_alignment_drift_is_one_rule(monkeypatch, make_grid):
    config = Config.from_mapping(BUSY)

    def agent():
        app = apparatus.Apparatus(mesa.Model(seed=0), config, make_grid(config).agency_of_district)
        D = app.agency_of_district.size
        app.step(Delivery(np.zeros(D), np.full(D, 0.5), np.zeros(D), np.full(D, 0.2)), centralisation=0.5)
        return app.alignment

    check_both_change(monkeypatch, apparatus, "alignment_change", scaled, agent,
                      lambda: twin_numbers(config))


@pytest.mark.parametrize("name", ["overheads", "lever_budget", "spent"])
def test_capacity_accounting_is_one_rule(monkeypatch, name):
    config = Config.from_mapping(BUSY)
    check_both_change(monkeypatch, capacity, name, scaled, lambda: series(BUSY),
                      lambda: twin_numbers(config))


def test_decision_delays_are_one_rule(monkeypatch):
    values = {**BUSY, "structure.central_delay": 2, "structure.granularity": 2}
    config = Config.from_mapping(values)

    def later(f):
        def g(*args, **kwargs):
            local, central = f(*args, **kwargs)
            return local + 2, central + 3
        return g

    check_both_change(monkeypatch, execute, "decision_delays", later, lambda: series(values, 20),
                      lambda: twin_numbers(config))


@pytest.mark.parametrize(("name", "policy"), [("control", "pid"), ("control", "balanced"),
                                            ("mix", "pid"), ("mix", "threshold"),
                                            ("standing_service", "balanced"),
                                            ("pooled_scale", "balanced")])
def test_the_policies_are_one_rule(monkeypatch, name, policy):
    # pooling scales a demand down only when the budget is tight; elsewhere a budget that binds
    # would hide a change of the demand
    capacity = 0.15 if name == "pooled_scale" else 2.0
    values = {**BUSY, "plan.policy": policy, "plan.capacity": capacity, "plan.soft_share": 0.3,
              "analyze.fault_level": 0.12}
    config = Config.from_mapping(values)
    check_both_change(monkeypatch, plan, name, scaled, lambda: series(values, 15),
                      lambda: twin_numbers(config))


def test_visible_monitoring_is_one_rule(monkeypatch):
    config = Config.from_mapping(BUSY)
    check_both_change(monkeypatch, monitor, "visible_eyes", scaled, lambda: series(BUSY),
                      lambda: twin_numbers(config))


def test_the_reserve_is_one_rule(monkeypatch, assessment):
    config = Config.from_mapping(BUSY)

    def agent():
        loop = protecting.SelfProtecting(config, 10)
        k = Knowledge(config)
        k.assessment = assessment(np.where(np.arange(10) < 4, 0.5, 0.1), crisis=True)
        loop.turn(1, k)
        return np.concatenate([k.mobilisation, [loop.reserve, loop.fatigue]])

    def twin():
        t = GovernanceTwin(config)
        x = twin_state(t)
        x[t.index["tension"]] = 0.9  # a crisis for certain
        return t.flows(x)["dx"]

    check_both_change(monkeypatch, protecting, "protect", scaled, agent, twin)


@pytest.mark.parametrize("name", ["capacity_factor", "sharing_change"])
def test_restructuring_capacity_and_sharing_is_one_rule(monkeypatch, name):
    values = {**BUSY, "configuring.period": 10, "configuring.max_capacity": 2.0}
    config = Config.from_mapping(values)

    def agent():
        loop = configuring.SelfConfiguring(config, 4)
        k = Knowledge(config)
        for _ in range(10):
            k.remember(Record(tension=0.3, observed_participation=0.3, error=0.1, fault_share=0.5,
                              crisis=True, cost=0.4))
        loop.turn(10, k)
        return np.array([k.settings.capacity, k.settings.sharing])

    def twin():
        t = GovernanceTwin(config)
        x = twin_state(t)
        x[t.index["tension"]] = 0.9
        return t.flows(x)["dx"]

    check_both_change(monkeypatch, configuring, name, scaled, agent, twin)


def test_the_twin_delays_a_decision_as_long_as_the_agents_on_average():
    values = {**BUSY, "execute.delay": 2, "structure.central_delay": 4, "structure.granularity": 2,
              "structure.centralisation": 0.25}
    twin = GovernanceTwin(Config.from_mapping(values))
    local, central = execute.decision_delays(2, 4, 2, 4)
    assert twin.execute_delay == pytest.approx(0.25 * central + 0.75 * local)


# -- the society's rules (simulator/society/rules.py) ------------------------------------

ACTIVE = {"society.agents": 1600, "society.districts_per_side": 4, "society.need_base": 0.6,
          "society.trust": 0.4, "society.enforcement": 0.05, "society.trust_recovery": 0.05,
          "society.contagion": 1.5, "disturbance.rate": 0.2, "shock.at_step": 2,
          "shock.trust_drop": 0.2, "shock.trust_drop_step": 2, "shock.trust_drop_duration": 2}


def agent_society(make_society, uniform_delivery):
    def run():
        society = make_society(ACTIVE, seed=1)
        delivery = uniform_delivery(16, accommodate=0.3, constrain=0.4, incentivise=0.2, mobilise=0.2)
        eyes = np.full(16, 0.5)
        states = [society.step(t, delivery, eyes) for t in range(1, 6)]
        return np.concatenate([np.concatenate([s.expression, s.need, s.trust, s.grievance,
                                               s.participation, s.removed]) for s in states])
    return run


def twin_with_forcing():
    twin = GovernanceTwin(Config.from_mapping(ACTIVE))
    forcing = [twin.forcing(t) for t in np.arange(0.0, 5.0, 0.5)]
    return np.concatenate([twin_numbers(Config.from_mapping(ACTIVE)), forcing, twin.shock_times(10)])


def nudged(f):
    def g(*args, **kwargs):
        out = f(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(v * 0.5 + 0.01 for v in out)
        if isinstance(out, (bool, np.bool_)):
            return not out
        return out * 0.5 + 0.01
    return g


@pytest.mark.parametrize("name", [
    "levers_felt", "relief_rate", "need_pull", "trust_rates", "trust_change", "trust_recovery",
    "grievance", "patrol_density", "arrest_ratio", "escape_chance", "removal_chance",
    "participation_chance", "scheduled_shock", "legitimacy_fall", "standing_enforcement",
])
def test_each_society_rule_is_called_by_the_agents_and_the_twin(monkeypatch, make_society,
                                                                 uniform_delivery, name):
    # the agents' numpy path: the compiled kernels that stand for a rule are held to it,
    # bit for bit, by tests/test_kernels.py
    monkeypatch.setattr(kernels, "ENABLED", False)
    check_both_change(monkeypatch, rules, name, nudged, agent_society(make_society, uniform_delivery),
                      twin_with_forcing)


def test_the_twin_integrates_the_agents_expression_rule():
    """The mean field's closed form = the share of draws for which ``expresses`` holds."""
    values = dict(Config.from_mapping(ACTIVE).items())
    values.update({"society.need_spread": 0.0, "society.need_noise": 0.0, "society.trust_spread": 0.0,
                   "society.removal_rate": 0.0})
    population = Population(values, window_cells=1, occupancy=1.0)  # no neighbours, no patrol spread
    rng = np.random.default_rng(0)
    n = 400_000
    risk_aversion = rng.random(n)
    spread = values["society.threshold_spread"]
    threshold = values["society.threshold"] + spread * (2 * rng.random(n) - 1)
    for need, trust, eyes in [(0.6, 0.4, 0.0), (0.7, 0.2, 0.5), (0.9, 0.1, 2.0), (0.5, 0.5, 0.2)]:
        expected = population.respond(need, trust, 0.0, 1.0, 0.0, eyes, 0.0).expression
        g = rules.grievance(need, trust)
        escape = rules.escape_chance(rules.arrest_ratio(eyes, 0.0, values["society.contagion"], "none"),
                                     values["society.arrest_k"])
        drawn = rules.expresses(g, risk_aversion, escape, threshold).mean()
        assert expected == pytest.approx(drawn, abs=0.005)


def test_the_twin_keeps_the_removed_for_the_agents_mean_term():
    rng = np.random.default_rng(0)
    for longest in (1, 4, 15):
        drawn = rules.removal_terms(rng, 200_000, longest).mean()
        assert rules.mean_removal_term(longest) == pytest.approx(drawn, rel=0.01)
    twin = GovernanceTwin(Config.from_mapping({**ACTIVE, "society.removal_term": 9}))
    assert twin.society.term == rules.mean_removal_term(9)


@pytest.mark.parametrize("shape", [(), (7,)])
def test_the_rules_work_on_floats_and_arrays_alike(shape):
    """The twin passes floats, the agents float32 arrays, in place: one number either way."""
    rng = np.random.default_rng(1)
    need, trust, base, anchor = (rng.random(shape or None) for _ in range(4))
    as_f32 = [np.asarray(v, np.float32).reshape(-1) for v in (need, trust, base, anchor)]
    work = np.empty(as_f32[0].size, np.float32)
    pairs = [
        (rules.need_pull(need, base, 0.1, 0.3), rules.need_pull(*as_f32[:1], as_f32[2], 0.1, 0.3, out=work.copy())),
        (rules.trust_change(trust, need, 0.2, 0.1, 0.05),
         rules.trust_change(as_f32[1], as_f32[0], 0.2, 0.1, 0.05, out=work.copy())),
        (rules.trust_recovery(trust, anchor, 0.1), rules.trust_recovery(as_f32[1], as_f32[3], 0.1, out=work.copy())),
        (rules.grievance(need, trust), rules.grievance(as_f32[0], as_f32[1], out=work.copy())),
        (rules.participation_chance(trust, 0.3, 0.4, 0.05),
         rules.participation_chance(as_f32[1], 0.3, 0.4, 0.05, out=work.copy())),
    ]
    for plain, in_place in pairs:
        if not shape:
            assert isinstance(plain, float)  # a float stays a float: the twin's fast path
        np.testing.assert_allclose(np.reshape(plain, -1), in_place, rtol=1e-5, atol=1e-6)
