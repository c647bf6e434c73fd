"""Foresight, the predictive policy's model: fit, forecast and best response, against plain references."""

import numpy as np
import pytest

from simulator.loop.foresight import Foresight, best_response, forecast

D = 64
TRUE = (0.01, -0.05, -0.03)  # c0, c1, b


def synthetic(steps, c0, c1, b, noise, seed, change=None):
    """A linear society of D districts: true tension, what is seen of it (with noise), and the
    response in force, drawn at random so that it excites the model. ``change``: (step, new b)."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.0, 1.0, (steps + 1, D))
    x = np.empty((steps + 1, D))
    x[0] = rng.uniform(0.1, 0.5, D)
    for s in range(1, steps + 1):
        effect = change[1] if change and s >= change[0] else b
        x[s] = x[s - 1] + c0 + c1 * x[s - 1] + effect * u[s] + 0.01 * rng.standard_normal(D)
    return x, x + noise * rng.standard_normal(x.shape), u


def taught(seen, u, forgetting=1.0):
    model = Foresight(forgetting)
    for s in range(2, len(seen)):
        model.learn(seen[s - 2], seen[s - 1], seen[s], u[s])
    return model


def test_it_recovers_known_coefficients_from_a_linear_society():
    _, seen, u = synthetic(300, *TRUE, noise=0.0, seed=1)
    np.testing.assert_allclose(taught(seen, u).coefficients(), TRUE, atol=2e-3)


def test_measurement_noise_does_not_make_problems_look_as_if_they_fade():
    """With noise on what is seen, plain least squares would believe tension corrects itself
    (c1 far below its true value); the instrument keeps the estimate near the truth."""
    _, seen, u = synthetic(400, *TRUE, noise=0.03, seed=2)
    _, c1, b = taught(seen, u).coefficients()
    assert abs(c1 - TRUE[1]) < 0.01 and abs(b - TRUE[2]) < 0.005
    # plain least squares on the same evidence, for contrast
    x = np.column_stack([np.ones(seen[1:-1].size), seen[1:-1].ravel(), u[2:].ravel()])
    plain = np.linalg.lstsq(x, (seen[2:] - seen[1:-1]).ravel(), rcond=None)[0]
    assert plain[1] < TRUE[1] - 0.1  # measured -0.19: noise looks like self-correction


def test_forgetting_follows_a_change_and_a_model_that_never_forgets_does_not():
    _, seen, u = synthetic(400, *TRUE, noise=0.0, seed=3, change=(200, -0.01))
    forgets, keeps = taught(seen, u, 0.95).coefficients()[2], taught(seen, u, 1.0).coefficients()[2]
    assert abs(forgets - (-0.01)) < 0.002
    assert keeps < -0.015  # still half in the world before the change


def test_it_is_confident_only_when_the_evidence_says_responding_lowers_tension():
    assert not Foresight(0.98).confident()  # no evidence
    _, seen, u = synthetic(100, *TRUE, noise=0.02, seed=4)
    assert taught(seen, u).confident()
    _, seen, u = synthetic(100, 0.01, -0.05, 0.0, noise=0.02, seed=4)  # responding does nothing
    assert not taught(seen, u).confident()
    _, seen, u = synthetic(100, 0.01, -0.05, 0.02, noise=0.02, seed=4)  # responding makes it worse
    assert not taught(seen, u).confident()


def test_the_effects_error_shrinks_with_evidence():
    _, seen, u = synthetic(300, *TRUE, noise=0.02, seed=5)
    assert taught(seen[:30], u[:30]).effect_error() > 2 * taught(seen, u).effect_error()


def _simulate(model, tension, known, share, v):
    """The forecast by plain stepping, with the candidate ``v`` added where it is in force."""
    c0, c1, b = model
    x, out = tension.copy(), []
    for k in range(share.size):
        x = x + c0 + c1 * x + b * (known[k] + share[k] * v)
        out.append(x.copy())
    return np.array(out)


def test_the_forecast_is_linear_in_the_candidate_and_matches_plain_stepping():
    rng = np.random.default_rng(6)
    tension, known = rng.uniform(0, 0.5, 5), rng.uniform(0, 1, (12, 5))
    known[7:] = 0.0  # the orders on their way reach seven steps ahead
    share = np.r_[np.zeros(7), np.full(5, 1.0)]
    base, gain = forecast(TRUE, tension, known, share)
    for v in (0.0, 0.3, 1.2):
        np.testing.assert_allclose(base + np.outer(gain, np.full(5, v)), _simulate(TRUE, tension, known, share, v),
                                   atol=1e-12)


@pytest.mark.parametrize("cost", [0.0, 0.02, 0.2])
def test_the_closed_form_best_response_is_a_brute_force_scans(cost):
    rng = np.random.default_rng(7)
    districts, cap = 40, 1.5
    tension = rng.uniform(0.0, 0.6, districts)  # some below the set-point: their best is 0
    known = np.zeros((15, districts))
    known[:6] = rng.uniform(0, 1.0, (6, districts))
    share = np.r_[np.zeros(5), np.full(5, 0.5), np.ones(5)]  # two channels landing in turn
    base, gain = forecast(TRUE, tension, known, share)
    best = best_response(base, gain, share, 0.2, cost, cap)
    grid = np.linspace(0.0, cap, 30001)
    paths = base[None] + gain[None, :, None] * grid[:, None, None]  # (candidates, steps, districts)
    objective = ((paths - 0.2) ** 2).sum(axis=1) + cost ** 2 * share.sum() * grid[:, None] ** 2
    np.testing.assert_allclose(best, grid[objective.argmin(axis=0)], atol=cap / 30000 + 1e-12)
    assert (best == 0).any() and (best > 0).any()


def test_a_candidate_that_changes_nothing_and_costs_nothing_is_no_response():
    base = np.full((4, 3), 0.5)
    np.testing.assert_array_equal(best_response(base, np.zeros(4), np.zeros(4), 0.2, 0.0, 1.0), 0.0)


def test_the_same_evidence_gives_the_same_numbers():
    _, seen, u = synthetic(80, *TRUE, noise=0.02, seed=8)
    a, b = taught(seen, u, 0.98), taught(seen, u, 0.98)
    assert a.coefficients() == b.coefficients() and a.effect_error() == b.effect_error()
