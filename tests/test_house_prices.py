"""Every claim the house-prices page makes about the report and the fits.

docs/house-prices.md states these in prose; each test fails if its statement
stops being true. The runs themselves live in scripts/house_runs.py, the same
code that fills the page's tables and draws its figures.
"""

from __future__ import annotations

import numpy as np
import pytest

import house_runs as runs
import pagevalues
from gradbook import regression as rg

NAMES = list(rg.MODELS)
REPORT_CUBIC_LR = 0.001485999999999995  # printed by the report for its cubic fit


@pytest.mark.parametrize("name", NAMES)
def test_our_descent_converges_to_the_independent_optimum(name):
    run = runs.ours(name)
    assert run.converged and not run.diverged
    ours, (opt, _) = runs.final(run), runs.optimum(name)
    assert abs(ours.w - opt.w) < 1e-6 and abs(ours.b - opt.b) < 1e-6
    assert opt.grad_norm(rg.MODELS[name]) < 1e-6


def test_sigmoid_optimum_is_found_without_our_gradient(monkeypatch):
    """Nelder–Mead must not call gradient(): break it and get the same optimum."""
    runs.optimum.cache_clear()
    monkeypatch.setattr(rg, "gradient", lambda *a, **k: pytest.fail("gradient used"))
    try:
        point, method = runs.optimum("sigmoid")
    finally:
        runs.optimum.cache_clear()
    assert "Nelder" in method
    assert rg.loss(rg.SIGMOID, point.w, point.b) <= runs.final(
        runs.ours("sigmoid")).loss(rg.SIGMOID) + 1e-12


def test_report_cubic_numbers_are_the_closed_form_fixed_point_of_its_rule():
    x, y = rg.FLOORS, rg.PRICES
    w = np.sum(x * (y - y.mean())) / np.sum(x * (x ** 3 - np.mean(x ** 3)))
    b = y.mean() - w * np.mean(x ** 3)
    rw, rb, _ = runs.REPORT["cubic"]
    assert w == pytest.approx(rw, abs=1e-13) and b == pytest.approx(rb, abs=1e-12)
    assert np.linalg.norm(rg.report_gradient(rg.CUBIC, w, b)) < 1e-12
    rule = runs.final(runs.report_rule("cubic"))
    assert abs(rule.w - rw) < 1e-9 and abs(rule.b - rb) < 1e-8


def test_report_sigmoid_numbers_are_near_the_fixed_point_of_its_rule():
    report, rule = runs.report_point("sigmoid"), runs.final(runs.report_rule("sigmoid"))
    assert runs.report_rule("sigmoid").converged
    assert abs(rule.w - report.w) < 1e-3 and abs(rule.b - report.b) < 1e-3
    assert np.linalg.norm(rg.report_gradient(rg.SIGMOID, report.w, report.b)) < 1e-3


@pytest.mark.parametrize("name", ["sigmoid", "cubic"])
def test_true_gradient_is_far_from_zero_at_the_report_points(name):
    assert runs.report_point(name).grad_norm(rg.MODELS[name]) > 0.1
    rule = runs.final(runs.report_rule(name))
    assert rule.grad_norm(rg.MODELS[name]) > 0.1  # its fixed point is no minimum


def test_report_linear_run_stopped_before_converging():
    norm = runs.report_point("linear").grad_norm(rg.LINEAR)
    assert 1e-5 < norm < 1e-2
    # for the linear model the report's rule is the true gradient
    rule, ours = runs.final(runs.report_rule("linear")), runs.final(runs.ours("linear"))
    assert (rule.w, rule.b) == (ours.w, ours.b)


def test_report_printed_losses_match_its_points_up_to_small_differences():
    for name, model in rg.MODELS.items():
        w, b, printed = runs.REPORT[name]
        assert abs(rg.loss(model, w, b) - printed) < 1e-8
    w, b, printed = runs.REPORT["cubic"]
    assert abs(rg.loss(rg.CUBIC, w, b) - printed) < 1e-15


def test_ranking_by_loss_flips_once_the_gradients_are_right():
    best = {n: runs.optimum(n)[0].loss(rg.MODELS[n]) for n in NAMES}
    assert best["sigmoid"] < best["cubic"] < best["linear"]
    assert runs.best_model() == "sigmoid"
    assert runs.REPORT["cubic"][2] < runs.REPORT["sigmoid"][2]  # the report's ranking
    # the sigmoid lost more to the wrong rule than the cubic did
    assert (runs.REPORT["sigmoid"][2] - best["sigmoid"]
            > runs.REPORT["cubic"][2] - best["cubic"])


def test_report_cubic_learning_rate_diverges_with_the_correct_gradient():
    assert REPORT_CUBIC_LR > rg.divergence_threshold(rg.CUBIC.feature)
    correct = rg.gradient_descent(rg.CUBIC, 0.0, 0.0, REPORT_CUBIC_LR, max_steps=5000)
    assert correct.diverged
    theirs = rg.gradient_descent(rg.CUBIC, 0.0, 0.0, REPORT_CUBIC_LR,
                                 max_steps=100_000, rule=rg.report_gradient)
    assert theirs.converged and not theirs.diverged


def test_models_agree_inside_the_data_and_part_outside():
    inside = np.linspace(1.0, 4.0, 301)
    fits = {n: runs.optimum(n)[0] for n in NAMES}

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


def test_page_values_render_and_name_every_model():
    registry = pagevalues.load_all()
    table = registry["house.table"]()
    assert table.count("| the report |") == 3
    assert table.count("| optimum (") == 3
    assert pagevalues.render("{{ house.best_model }}") == "**sigmoid**"
    with pytest.raises(KeyError, match="unknown computed value"):
        pagevalues.render("{{ house.no_such_value }}")
