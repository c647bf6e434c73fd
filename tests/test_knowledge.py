"""Knowledge: the learned lever-response model, with forgetting."""

import numpy as np
import pytest

from simulator.loop.knowledge import Knowledge

D = 16


def feed(knowledge, rng, steps, effect_acc, effect_con, start):
    """Objective paths whose change per step is effect * lever + noise; returns the last objective."""
    objective = start
    for _ in range(steps):
        acc, con = rng.random(D), rng.random(D)
        objective = objective + effect_acc * acc + effect_con * con + 0.01 * rng.standard_normal(D)
        knowledge.learn(objective, acc, con)
    return objective


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_estimate_recovers_known_lever_effects(make_config, seed):
    knowledge = Knowledge(make_config())
    feed(knowledge, np.random.default_rng(seed), 150, -0.3, 0.2, np.zeros(D))
    np.testing.assert_allclose(knowledge.lever_effects(), (-0.3, 0.2), atol=0.02)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_estimate_forgets_old_effects_when_the_response_changes(make_config, seed):
    # society's response to the levers reverses after 300 steps; with the default
    # forgetting (0.98 a step: the old data keep 0.98**300 = 0.2 % of their weight
    # 300 steps on) the estimate follows it. Without forgetting it would sit near
    # the average of old and new, (-0.5 + 0.3) / 2 = -0.1 for accommodation.
    knowledge = Knowledge(make_config())
    rng = np.random.default_rng(seed)
    last = feed(knowledge, rng, 300, -0.5, 0.4, np.zeros(D))
    old = knowledge.lever_effects()
    np.testing.assert_allclose(old, (-0.5, 0.4), atol=0.02)
    feed(knowledge, rng, 300, 0.3, -0.2, last)
    np.testing.assert_allclose(knowledge.lever_effects(), (0.3, -0.2), atol=0.02)


def test_forgetting_sets_how_fast_old_effects_fade(make_config):
    # after a change, a shorter memory is closer to the new effect: an ordering
    # over forgetting factors, each run on the same data
    gaps = []
    for forgetting in (0.9, 0.98, 0.995, 1.0):
        knowledge = Knowledge(make_config({"knowledge.forgetting": forgetting}))
        rng = np.random.default_rng(7)
        last = feed(knowledge, rng, 300, -0.5, 0.0, np.zeros(D))
        feed(knowledge, rng, 60, 0.5, 0.0, last)
        gaps.append(abs(knowledge.lever_effects()[0] - 0.5))
    assert gaps[0] < 0.02
    assert np.all(np.diff(gaps) > 0.02), gaps
    assert gaps[-1] > 0.5  # no forgetting: 300 old steps outweigh 60 new ones
