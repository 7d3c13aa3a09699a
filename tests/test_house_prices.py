"""Every claim the house-prices page makes about the report and the fits.

docs/house-prices.md states these in prose, and the errata page cites several
of them; each test fails if its statement stops being true. The runs live in
``scripts/chapters/house_prices.py`` (``ours``, ``report_rule``, ``optimum``,
``REPORT``, ...), the same code that fills the page's tables and draws its
figures; values are tested by calling their ``@value`` functions.

The report prints no code for this chapter, only a result line per model
(``w=... b=... loss=... learning_rate=...``). What the page says about how
those numbers were computed is inference, and the tests marked "inference"
below are its evidence.
"""

from __future__ import annotations

import numpy as np
import pytest

from chapters import house_prices as hp
from engine import registry
from gradbook import regression as rg
from gradbook.activations import sigmoid

NAMES = list(rg.MODELS)


def printed(name):
    """The report's printed (w, b, loss) for one model."""
    return hp.REPORT[name]


def mse_over(model_predict, divisor):
    """Sum of squared errors on the four houses divided by ``divisor``."""
    return float(np.sum((model_predict - rg.PRICES) ** 2) / divisor)


# --- our fits -----------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_our_descent_converges_to_the_independent_optimum(name):
    run = hp.ours(name)
    assert run.converged and not run.diverged
    ours, (opt, _) = hp.final(run), hp.optimum(name)
    assert abs(ours.w - opt.w) < 1e-6 and abs(ours.b - opt.b) < 1e-6
    assert opt.grad_norm(rg.MODELS[name]) < 1e-6


def test_sigmoid_optimum_is_found_without_our_gradient(monkeypatch):
    """Nelder–Mead must not call gradient(): break it and get the same optimum."""
    monkeypatch.setattr(rg, "gradient", lambda *a, **k: pytest.fail("gradient used"))
    point, method = hp._optimum("sigmoid")
    monkeypatch.undo()
    assert "Nelder" in method
    assert rg.loss(rg.SIGMOID, point.w, point.b) <= hp.final(
        hp.ours("sigmoid")).loss(rg.SIGMOID) + 1e-12


def test_descent_stops_where_the_gradient_vanishes_not_where_the_loss_is_zero():
    """Errata: the report's 'once MSE is 0 – we don't move anymore'."""
    run = hp.ours("linear")
    assert run.converged
    assert run.grad_norm[-1] < hp.TOL  # it stopped because the gradient vanished ...
    assert run.loss[-1] > 1.0  # ... at an MSE far from 0: no line fits all four houses
    x, y = rg.FLOORS, rg.PRICES
    residual = y - np.polyval(np.polyfit(x, y, 1), x)
    assert np.mean(residual ** 2) == pytest.approx(run.loss[-1], rel=1e-9)


# --- the data: inference ------------------------------------------------------------

def test_the_data_are_the_ones_the_report_used():
    """Inference: the report does not print its data; these four houses fit its numbers."""
    _, _, w, b = hp.cubic_fixed_point_exact()
    rw, rb, _ = printed("cubic")
    assert abs(w - rw) < 1e-13 and abs(b - rb) < 1e-12
    for name, model in rg.MODELS.items():
        w, b, loss = printed(name)
        assert abs(rg.loss(model, w, b) - loss) < 1e-8
    # other data would not do: a 1 % change of one price breaks the cubic match
    y = rg.PRICES.copy()
    y[2] *= 1.01
    x = rg.FLOORS
    w_other = np.sum(x * (y - y.mean())) / np.sum(x * (x ** 3 - np.mean(x ** 3)))
    assert abs(w_other - rw) > 1e-4


def test_report_printed_losses_are_means_over_the_four_points():
    """Inference (errata mse-sum-from-zero): the losses divide by N = 4, not by 3 or 5."""
    for name, model in rg.MODELS.items():
        w, b, loss = printed(name)
        y_hat = model.predict(w, b, rg.FLOORS)
        assert abs(mse_over(y_hat, 4) - loss) < 1e-8
        for wrong in (3, 5):  # the N + 1 terms of sum_{i=0}^{N}, read either way
            assert abs(mse_over(y_hat, wrong) - loss) > 1e-3


def test_report_sigmoid_loss_needs_the_factor_20():
    """Inference (errata sigmoid-model-without-20): the fitted model is 20 σ(wx + b)."""
    w, b, loss = printed("sigmoid")
    with_20 = rg.loss(rg.SIGMOID, w, b)
    without = float(np.mean((sigmoid(w * rg.FLOORS + b) - rg.PRICES) ** 2))
    assert abs(with_20 - loss) < 1e-8
    assert without > 1000 * loss
    assert hp.report_no20_mse() == f"{without:.4g}"


def test_printed_loss_is_the_loss_one_step_before_the_printed_point():
    """Inference (errata printed-loss-one-step-early), with the printed learning rates."""
    for name in ("linear", "sigmoid"):
        model, (w, b, loss) = rg.MODELS[name], printed(name)
        at_point = rg.loss(model, w, b)
        before = hp.step_back(name)
        assert abs(at_point - loss) > 1e-11  # the printed loss is not the one at (w, b) ...
        assert abs(before.loss(model) - loss) < 1e-15  # ... but the one a step earlier
        # and that step was an update of the report's rule from `before` to (w, b)
        lr = hp.REPORT_LR[name]
        after = np.array([before.w, before.b]) - lr * rg.report_gradient(model, before.w, before.b)
        np.testing.assert_allclose(after, [w, b], rtol=0, atol=1e-14)
    # for the sigmoid, a step back along the *true* gradient does not give the printed loss
    true_back = hp.step_back("sigmoid", rule=rg.gradient)
    assert abs(true_back.loss(rg.SIGMOID) - printed("sigmoid")[2]) > 1e-6
    # the cubic point is a fixed point: both losses agree
    assert rg.loss(rg.CUBIC, *printed("cubic")[:2]) == pytest.approx(printed("cubic")[2],
                                                                     rel=0, abs=1e-16)


# --- where the report's numbers come from: inference ---------------------------------

def test_report_cubic_numbers_are_the_closed_form_fixed_point_of_its_rule():
    """Errata cubic-gradient-is-linear: the printed point is where the linear rule vanishes."""
    x, y = rg.FLOORS, rg.PRICES
    w = np.sum(x * (y - y.mean())) / np.sum(x * (x ** 3 - np.mean(x ** 3)))
    b = y.mean() - w * np.mean(x ** 3)
    rw, rb, _ = printed("cubic")
    gap = max(abs(w - rw), abs(b - rb))
    # equal up to rounding (about 6e-14), not to every one of the 16 printed digits
    assert 0 < gap < 1e-13
    assert hp.cubic_agreement() == hp.sci(gap)
    assert np.linalg.norm(rg.report_gradient(rg.CUBIC, w, b)) < 1e-12
    rule = hp.final(hp.report_rule("cubic"))
    assert abs(rule.w - rw) < 1e-9 and abs(rule.b - rb) < 1e-8
    # the rule's direction is not the gradient: x where x**3 belongs
    assert rg.report_gradient(rg.CUBIC, 0.0, 0.0)[0] != rg.gradient(rg.CUBIC, 0.0, 0.0)[0]


def test_report_sigmoid_numbers_are_near_the_fixed_point_of_its_rule():
    """Inference (errata sigmoid-fit-uses-linear-gradient)."""
    report, rule = hp.report_point("sigmoid"), hp.final(hp.report_rule("sigmoid"))
    assert hp.report_rule("sigmoid").converged
    assert abs(rule.w - report.w) < 1e-3 and abs(rule.b - report.b) < 1e-3
    assert np.linalg.norm(rg.report_gradient(rg.SIGMOID, report.w, report.b)) < 1e-3
    # while the true gradient there is far from zero, and our optimum is elsewhere
    assert report.grad_norm(rg.SIGMOID) > 0.1
    opt = hp.optimum("sigmoid")[0]
    assert abs(opt.w - report.w) > 0.01 and abs(opt.b - report.b) > 0.01


@pytest.mark.parametrize("name", ["sigmoid", "cubic"])
def test_true_gradient_is_far_from_zero_at_the_report_points(name):
    assert hp.report_point(name).grad_norm(rg.MODELS[name]) > 0.1
    rule = hp.final(hp.report_rule(name))
    assert rule.grad_norm(rg.MODELS[name]) > 0.1  # its fixed point is no minimum


def test_report_linear_run_stopped_before_converging():
    """Inference (errata linear-run-stopped-early)."""
    norm = hp.report_point("linear").grad_norm(rg.LINEAR)
    assert 1e-5 < norm < 1e-2
    assert hp.report_point("linear").loss(rg.LINEAR) > hp.optimum("linear")[0].loss(rg.LINEAR)
    # for the linear model the report's rule is the true gradient
    rule, ours = hp.final(hp.report_rule("linear")), hp.final(hp.ours("linear"))
    assert (rule.w, rule.b) == (ours.w, ours.b)


def test_report_printed_losses_match_its_points_up_to_small_differences():
    for name, model in rg.MODELS.items():
        w, b, loss = printed(name)
        assert abs(rg.loss(model, w, b) - loss) < 1e-8
    w, b, loss = printed("cubic")
    assert abs(rg.loss(rg.CUBIC, w, b) - loss) < 1e-15


def test_ranking_by_loss_flips_once_the_gradients_are_right():
    best = {n: hp.optimum(n)[0].loss(rg.MODELS[n]) for n in NAMES}
    assert best["sigmoid"] < best["cubic"] < best["linear"]
    assert hp.best_model() == "sigmoid"
    assert printed("cubic")[2] < printed("sigmoid")[2]  # the report's ranking
    # the sigmoid lost more to the wrong rule than the cubic did
    assert printed("sigmoid")[2] - best["sigmoid"] > printed("cubic")[2] - best["cubic"]


def test_report_cubic_learning_rate_diverges_with_the_correct_gradient():
    lr = hp.REPORT_LR["cubic"]
    assert lr == hp.REPORT_CUBIC_LR
    assert lr > rg.divergence_threshold(rg.CUBIC.feature)
    correct = rg.gradient_descent(rg.CUBIC, 0.0, 0.0, lr, max_steps=5000)
    assert correct.diverged
    theirs = rg.gradient_descent(rg.CUBIC, 0.0, 0.0, lr, max_steps=100_000,
                                 rule=rg.report_gradient)
    assert theirs.converged and not theirs.diverged


# --- the page's other statements -------------------------------------------------------

def test_textbook_sigmoid_overflows_only_at_minus_1000():
    """The page: at a = -1000 e^{-a} overflows; at a = +1000 it rounds to 0, harmlessly."""
    with np.errstate(over="raise"):
        assert 1.0 / (1.0 + np.exp(-np.float64(1000.0))) == 1.0
        with pytest.raises(FloatingPointError):
            np.exp(-np.float64(-1000.0))
    assert float(sigmoid(-1000.0)) == 0.0 and float(sigmoid(1000.0)) == 1.0


def test_learning_rate_figure_runs_grow_above_the_threshold():
    """Every run above 2/λmax grows; the loop flags as diverged exactly what the page says."""
    runs = hp.lr_runs()
    flagged = [f for f, run in runs.items() if run.diverged]
    assert hp.lr_diverged() == " and ".join(f"{f:g}×" for f in flagged)
    optimum = hp.optimum("linear")[0].loss(rg.LINEAR)
    for f, run in runs.items():
        excess = run.loss[np.isfinite(run.loss)] - optimum
        if f < 1:
            assert excess[-1] < 1e-4 * excess[0]  # falling towards the minimum
            assert not run.diverged
        else:
            assert excess[-1] > excess[1]  # growing, flagged or not
    assert 1.01 not in flagged and 1.05 in flagged


def test_models_agree_inside_the_data_and_part_outside():
    inside = np.linspace(1.0, 4.0, 301)
    fits = {n: hp.optimum(n)[0] for n in NAMES}

    def curve(name, x):
        return rg.MODELS[name].predict(fits[name].w, fits[name].b, x)

    gap_inside = np.max(np.abs(curve("sigmoid", inside) - curve("cubic", inside)))
    five = np.array([5.0])
    gap_at_5 = abs(curve("sigmoid", five) - curve("cubic", five))[0]
    assert gap_at_5 > 3 * gap_inside
    far = np.array([10.0, 100.0])
    assert np.all(curve("sigmoid", far) <= rg.SIGMOID_SCALE)  # never above 20
    assert curve("sigmoid", far)[1] - curve("sigmoid", far)[0] < 0.05  # within 0.25 %
    assert curve("cubic", far)[1] > 100 * curve("cubic", far)[0]


def test_loss_grid_matches_the_loss_at_every_grid_point():
    w, b = np.linspace(-1.0, 3.0, 5), np.linspace(-4.0, 1.0, 4)
    for model in rg.MODELS.values():
        grid = hp.loss_grid(model, w, b)
        expected = [[rg.loss(model, wi, bj) for wi in w] for bj in b]
        np.testing.assert_allclose(grid, expected, rtol=1e-12)


# --- page values -----------------------------------------------------------------------

def test_page_values_render_and_name_every_model():
    table = hp.table()
    assert table.count("| the report |") == 3
    assert table.count("| optimum (") == 3
    assert hp.best_model_value() == "**sigmoid**"
    losses = hp.report_losses()
    assert all(f"| {n} |" in losses for n in NAMES)
    with pytest.raises(KeyError, match="no value named"):
        registry.get("value", "house.no_such_value")


def test_every_house_value_is_non_empty_markdown():
    registry.load_all()
    names = [n for kind, n in registry.REGISTRY if kind == "value" and n.startswith("house.")]
    assert len(names) >= 20
    for name in names:
        text = registry.get("value", name).fn()
        assert isinstance(text, str) and text.strip(), name
