"""Tests for gradbook.robot_arm: kinematics, Jacobian, descent and the report's rule.

Oracles are independent of the code under test: central differences of the
loss and of the tip (never of the claimed derivative), the closed form of the
segment vectors `L (-sin phi, cos phi)`, the geometry of a straight arm for
an unreachable target, brute-force sampling of poses for the workspace, and
the report's loop typed out again from the report.

The last sections test every claim docs/robot-arm.md makes about the report
and about the chapter's runs (scripts/chapters/robot_arm.py), and run the
chapter's derivative checks.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.descent import History
from gradbook.gradcheck import GradientMismatch, check_gradient, numerical_gradient
from gradbook import robot_arm
from gradbook.robot_arm import (
    J,
    LEARNING_RATE,
    LENGTHS,
    START,
    TARGET,
    jacobian,
    joints,
    joints_along,
    loss,
    loss_grad,
    reach,
    reach_radii,
    report_descent,
    report_joints,
    report_loss,
    report_model_jacobian,
    report_model_loss_grad,
    report_step,
    report_tip,
    rotation,
    rotation_grad,
    tip,
)

SETTINGS = settings(max_examples=60, deadline=None)
angles = st.floats(-10.0, 10.0, allow_nan=False, allow_subnormal=False)


def random_arm(rng, n):
    """Random angles in (-pi, pi), lengths in (0.2, 2) and a target near the arm."""
    thetas = rng.uniform(-np.pi, np.pi, n)
    lengths = rng.uniform(0.2, 2.0, n)
    target = rng.uniform(-1.0, 1.0, 2) * lengths.sum()
    return thetas, lengths, target


def wrapped(angle):
    """``angle`` mod 2 pi, in [-pi, pi)."""
    return (np.asarray(angle) + np.pi) % (2 * np.pi) - np.pi


# --- the chapter's example and the constants ----------------------------------


def test_chapter_example_constants():
    np.testing.assert_array_equal(LENGTHS, [2.0, 2.0, 2.0])
    np.testing.assert_allclose(START, np.radians([-10.0, -10.0, -10.0]), rtol=1e-15)
    np.testing.assert_array_equal(TARGET, [-3.0, 0.0])
    assert LEARNING_RATE == 0.01


@pytest.mark.parametrize("constant", [J, LENGTHS, START, TARGET])
def test_constants_are_read_only(constant):
    with pytest.raises(ValueError, match="read-only"):
        constant[0] = 1.0


# --- rotation and its derivative ------------------------------------------------


@SETTINGS
@given(angles)
def test_rotation_grad_matches_central_differences_of_rotation(theta):
    for i in range(2):
        for j in range(2):
            check_gradient(lambda p: rotation(p[0])[i, j],
                           lambda p: np.array([rotation_grad(p[0])[i, j]]), [theta])


@SETTINGS
@given(angles)
def test_rotation_grad_is_J_times_R_and_the_reports_d_rotation(theta):
    c, s = np.cos(theta), np.sin(theta)
    reports_d_rotation = np.array([[-s, -c], [c, -s]])  # typed from the report
    np.testing.assert_allclose(rotation_grad(theta), reports_d_rotation, atol=1e-15)
    np.testing.assert_allclose(rotation_grad(theta), J @ rotation(theta), atol=1e-15)
    np.testing.assert_allclose(rotation_grad(theta), rotation(theta + np.pi / 2), atol=1e-12)


def test_J_is_the_quarter_turn():
    np.testing.assert_array_equal(J, [[0.0, -1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(J @ [1.0, 0.0], [0.0, 1.0])  # +x to +y
    np.testing.assert_array_equal(J @ J, -np.eye(2))


@SETTINGS
@given(angles, angles)
def test_rotation_is_orthogonal_and_angles_add(a, b):
    np.testing.assert_allclose(rotation(a) @ rotation(a).T, np.eye(2), atol=1e-12)
    assert np.linalg.det(rotation(a)) == pytest.approx(1.0)
    np.testing.assert_allclose(rotation(a) @ rotation(b), rotation(a + b), atol=1e-12)


# --- forward kinematics -------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 7))
def test_joints_closed_form(n):
    rng = np.random.default_rng(100 + n)
    thetas, lengths, _ = random_arm(rng, n)
    phi = np.cumsum(thetas)
    segments = lengths[:, None] * np.column_stack([-np.sin(phi), np.cos(phi)])
    expected = np.vstack([[0.0, 0.0], np.cumsum(segments, axis=0)])
    points = joints(thetas, lengths)
    assert points.shape == (n + 1, 2)
    np.testing.assert_allclose(points, expected, atol=1e-12)
    np.testing.assert_array_equal(tip(thetas, lengths), points[-1])
    np.testing.assert_allclose(np.linalg.norm(np.diff(points, axis=0), axis=1), lengths)


def test_zero_angles_point_straight_up():
    np.testing.assert_array_equal(joints([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]),
                                  [[0, 0], [0, 1], [0, 3], [0, 6]])


def test_first_joint_turns_the_whole_arm():
    thetas, lengths = np.array([0.3, -0.7, 1.1]), np.array([1.0, 0.5, 2.0])
    turned = joints(thetas + [0.9, 0.0, 0.0], lengths)
    np.testing.assert_allclose(turned, joints(thetas, lengths) @ rotation(0.9).T, atol=1e-12)


@pytest.mark.parametrize("n", range(1, 7))
def test_report_model_is_ours_with_cumulative_angles(n):
    rng = np.random.default_rng(200 + n)
    thetas, lengths, _ = random_arm(rng, n)
    np.testing.assert_allclose(report_joints(np.cumsum(thetas), lengths),
                               joints(thetas, lengths), atol=1e-12)
    np.testing.assert_array_equal(report_tip(thetas, lengths),
                                  report_joints(thetas, lengths)[-1])


# --- the Jacobian and the loss gradient against central differences ---------


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("seed", range(5))
def test_jacobian_rows_match_central_differences_of_the_tip(n, seed):
    thetas, lengths, _ = random_arm(np.random.default_rng(1000 * n + seed), n)
    jac = jacobian(thetas, lengths)
    assert jac.shape == (2, n)
    for c in range(2):  # row c is the gradient of the tip's coordinate c
        check_gradient(lambda p: tip(p, lengths)[c],
                       lambda p: jacobian(p, lengths)[c], thetas, atol=1e-7)
    # and column k, as a whole, is the derivative of the tip along theta_k
    for k in range(n):
        step = np.zeros(n)
        step[k] = 1e-6
        column = (tip(thetas + step, lengths) - tip(thetas - step, lengths)) / 2e-6
        np.testing.assert_allclose(jac[:, k], column, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("seed", range(5))
def test_loss_grad_matches_central_differences(n, seed):
    thetas, lengths, target = random_arm(np.random.default_rng(2000 * n + seed), n)
    check_gradient(lambda p: loss(p, lengths, target),
                   lambda p: loss_grad(p, lengths, target), thetas, atol=1e-7)


@pytest.mark.parametrize("n", range(1, 7))
def test_jacobian_columns_are_perpendicular_swings(n):
    thetas, lengths, _ = random_arm(np.random.default_rng(300 + n), n)
    points = joints(thetas, lengths)
    arms = points[-1] - points[:-1]  # from joint k to the tip
    jac = jacobian(thetas, lengths)
    np.testing.assert_allclose(np.sum(jac.T * arms, axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(jac, axis=0), np.linalg.norm(arms, axis=1))


def test_loss_is_squared_distance_and_grad_is_chain_rule():
    thetas, lengths, target = np.array([0.4, -1.2]), np.array([1.5, 0.7]), np.array([0.3, 1.9])
    residual = target - tip(thetas, lengths)
    assert loss(thetas, lengths, target) == pytest.approx(residual @ residual, rel=1e-15)
    np.testing.assert_allclose(loss_grad(thetas, lengths, target),
                               -2 * jacobian(thetas, lengths).T @ residual, rtol=1e-14)


def test_chapter_start_gradient():
    exact = loss_grad(START, LENGTHS, TARGET)
    numerical = numerical_gradient(lambda p: loss(p, LENGTHS, TARGET), START)
    np.testing.assert_allclose(exact, numerical, rtol=1e-8)
    assert check_gradient(lambda p: loss(p, LENGTHS, TARGET),
                          lambda p: loss_grad(p, LENGTHS, TARGET), START) < 1e-8


# --- reaching by gradient descent --------------------------------------------


def test_chapter_example_reaches_the_target():
    run = reach(START, LENGTHS, TARGET, LEARNING_RATE)
    assert isinstance(run, History)
    assert run.names == ("theta0", "theta1", "theta2")
    assert run.converged and not run.diverged
    assert run.loss[-1] < 1e-10
    np.testing.assert_allclose(tip(run.final, LENGTHS), TARGET, atol=1e-5)
    first = int(np.argmax(run.loss < 1e-10))
    assert 0 < first < 1000  # "a reasonable number of steps"
    assert np.all(np.diff(run.loss) <= 1e-15)  # lr 0.01 is small: the loss only falls
    np.testing.assert_array_equal(run.params[0], START)


@pytest.mark.parametrize("n, seed", [(2, 1), (3, 2), (4, 3), (5, 4), (6, 5)])
def test_reachable_targets_are_reached(n, seed):
    rng = np.random.default_rng(seed)
    lengths = rng.uniform(0.5, 1.5, n)
    goal = rng.uniform(-np.pi, np.pi, n)  # a pose the arm can take
    target = tip(goal, lengths)
    run = reach(rng.uniform(-np.pi, np.pi, n), lengths, target, 0.02)
    assert run.converged and run.loss[-1] < 1e-10
    np.testing.assert_allclose(tip(run.final, lengths), target, atol=1e-5)


@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (3, 2), (5, 3)])
def test_unreachable_target_straightens_the_arm(n, seed):
    rng = np.random.default_rng(seed)
    lengths = rng.uniform(0.5, 1.5, n)
    total = lengths.sum()
    direction = rng.uniform(-np.pi, np.pi)
    distance = 1.5 * total
    target = distance * np.array([-np.sin(direction), np.cos(direction)])
    run = reach(rng.uniform(-2.0, 2.0, n), lengths, target, 0.01)
    assert run.converged
    final = run.final
    np.testing.assert_allclose(wrapped(final[1:]), 0.0, atol=1e-6)  # straight
    np.testing.assert_allclose(wrapped(final[0] - direction), 0.0, atol=1e-6)  # aimed
    np.testing.assert_allclose(tip(final, lengths), target * total / distance, atol=1e-6)
    assert run.loss[-1] == pytest.approx((distance - total) ** 2, rel=1e-9)
    assert np.all(run.loss >= (distance - total) ** 2 - 1e-12)  # never closer than that


def test_joints_along_a_run():
    run = reach(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=5)
    frames = joints_along(run, LENGTHS)
    assert frames.shape == (6, 4, 2)
    for params, frame in zip(run.params, frames):
        np.testing.assert_array_equal(frame, joints(params, LENGTHS))
    report = joints_along(run.params, LENGTHS, forward=report_joints)
    np.testing.assert_array_equal(report[2], report_joints(run.params[2], LENGTHS))
    with pytest.raises(ValueError, match=r"run must be .* shape \(T, N\)"):
        joints_along(START, LENGTHS)


# --- the report's rule ------------------------------------------------------


def typed_out_report(thetas, lengths, target, lr, passes):
    """The report's loop, typed out again from the report, one frame per pass.

    ``np_joints`` lives across frames (it is allocated once and drawn before
    the first frame), so ``np_joints[-1]`` is read as it stands.
    """
    thetas = [float(t) for t in thetas]
    np_joints = np.zeros((len(thetas) + 1, 2))
    np_joints[-1] = report_tip(thetas, lengths)
    frames = [list(thetas)]
    for _ in range(passes):
        prev_r = None
        for segment_idx in range(len(thetas)):
            segment = np.array([0.0, 1.0]) * lengths[segment_idx]
            theta = thetas[segment_idx]
            c, s = np.cos(theta), np.sin(theta)
            r = np.array(((c, -s), (s, c)))
            dr_theta_1 = np.array(((-s, -c), (c, -s)))
            np_joints[segment_idx + 1] = np.dot(r, segment) + np_joints[segment_idx]
            x = dr_theta_1 @ segment
            if segment_idx:
                x = prev_r @ x
            d_theta_1 = np.sum(x * -2 * (target - np_joints[-1]))
            thetas[segment_idx] -= d_theta_1 * lr
            prev_r = r
        frames.append(list(thetas))
    return np.array(frames)


@pytest.mark.parametrize("lengths", [LENGTHS, [1.0, 0.6, 1.7, 0.9]])
def test_report_descent_replays_the_reports_loop(lengths):
    start = START if len(lengths) == 3 else np.array([0.3, -0.2, 0.9, 0.1])
    expected = typed_out_report(start, lengths, TARGET, LEARNING_RATE, 200)
    run = report_descent(start, lengths, TARGET, LEARNING_RATE, max_steps=200)
    assert run.steps == 200
    np.testing.assert_allclose(run.params, expected, rtol=0, atol=1e-12)
    for params, value in zip(run.params[::20], run.loss[::20]):  # the report's loss
        assert value == pytest.approx(np.sum((TARGET - report_tip(params, lengths)) ** 2))


def test_report_step_is_a_simultaneous_update_with_a_stale_tip():
    thetas, lengths = np.array([0.5, -0.4, 1.2]), np.array([1.0, 1.5, 0.8])
    stale = np.array([0.7, 2.1])
    after, d, drawn = report_step(thetas, lengths, TARGET, 0.05, previous_tip=stale)
    np.testing.assert_array_equal(after, thetas - 0.05 * d)  # no segment saw an update
    np.testing.assert_allclose(drawn, report_joints(thetas, lengths), atol=1e-15)
    # by hand: x_0 = R'(t0) s_0, x_k = R(t_{k-1}) R'(t_k) s_k; stale tip except last
    s = [np.array([0.0, length]) for length in lengths]
    x = [rotation_grad(thetas[0]) @ s[0],
         rotation(thetas[0]) @ rotation_grad(thetas[1]) @ s[1],
         rotation(thetas[1]) @ rotation_grad(thetas[2]) @ s[2]]
    tips = [stale, stale, report_tip(thetas, lengths)]
    expected = [-2 * (TARGET - t) @ xk for t, xk in zip(tips, x)]
    np.testing.assert_allclose(d, expected, rtol=1e-12)
    np.testing.assert_array_equal(thetas, [0.5, -0.4, 1.2])  # input untouched


def absolute_loss(p, lengths, target):
    """The report's own loss: squared distance of its absolute-angle tip."""
    return float(np.sum((target - report_tip(p, lengths)) ** 2))


@pytest.mark.parametrize("n", range(2, 7))
@pytest.mark.parametrize("seed", range(3))
def test_report_direction_is_neither_gradient(n, seed):
    thetas, lengths, target = random_arm(np.random.default_rng(3000 * n + seed), n)

    def direction(p):  # the report's d_theta with the freshest tip it could use
        return report_step(p, lengths, target, LEARNING_RATE)[1]

    own = numerical_gradient(lambda p: absolute_loss(p, lengths, target), thetas)
    ours = numerical_gradient(lambda p: loss(p, lengths, target), thetas)
    d = direction(thetas)
    for true in (own, ours):
        assert np.linalg.norm(d - true) > 0.05 * np.linalg.norm(true)
    with pytest.raises(GradientMismatch):
        check_gradient(lambda p: absolute_loss(p, lengths, target), direction, thetas)
    with pytest.raises(GradientMismatch):
        check_gradient(lambda p: loss(p, lengths, target), direction, thetas)
    # the first component is right in the report's own model (fresh tip)
    assert d[0] == pytest.approx(own[0], rel=1e-6, abs=1e-7)


def test_report_direction_at_the_chapter_start_is_neither_gradient():
    d = report_step(START, LENGTHS, TARGET, LEARNING_RATE)[1]
    own = numerical_gradient(lambda p: absolute_loss(p, LENGTHS, TARGET), START)
    ours = numerical_gradient(lambda p: loss(p, LENGTHS, TARGET), START)
    assert not np.allclose(d, own, rtol=0.05)
    assert not np.allclose(d, ours, rtol=0.05)


def test_with_one_segment_the_report_rule_is_the_gradient():
    rng = np.random.default_rng(7)
    for _ in range(5):
        thetas, lengths, target = random_arm(rng, 1)
        direction = lambda p: report_step(p, lengths, target, LEARNING_RATE)[1]  # noqa: E731
        check_gradient(lambda p: loss(p, lengths, target), direction, thetas)
        check_gradient(lambda p: absolute_loss(p, lengths, target), direction, thetas)


def test_report_rule_from_the_chapter_start():
    """From the chapter's start the report's rule ends on the target of ITS model."""
    run = report_descent(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=10_000)
    assert run.converged and not run.diverged
    assert run.loss[-1] < 1e-15  # the report's loss (absolute angles)
    np.testing.assert_allclose(report_tip(run.final, LENGTHS), TARGET, atol=1e-7)
    # read with relative angles (our model), the same numbers put the tip elsewhere
    assert np.linalg.norm(tip(run.final, LENGTHS) - TARGET) > 1.0
    assert run.steps > reach(START, LENGTHS, TARGET, LEARNING_RATE).steps
    # a fixed point of the rule: its direction vanishes once the tip is on the target
    d = report_step(run.final, LENGTHS, TARGET, LEARNING_RATE)[1]
    assert np.linalg.norm(d) < 1e-8


def test_report_descent_first_tip_only_changes_the_path():
    fresh = report_descent(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=10_000)
    origin = report_descent(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=10_000,
                            previous_tip=[0.0, 0.0])
    assert not np.array_equal(fresh.params[1], origin.params[1])
    assert origin.converged and origin.loss[-1] < 1e-15


# --- bad input ------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda *a: joints(*a[:2]),
    lambda *a: tip(*a[:2]),
    lambda *a: jacobian(*a[:2]),
    lambda *a: loss(*a),
    lambda *a: loss_grad(*a),
    lambda *a: reach(*a, 0.01),
    lambda *a: report_joints(*a[:2]),
    lambda *a: report_tip(*a[:2]),
    lambda *a: report_step(*a, 0.01),
    lambda *a: report_descent(*a, 0.01),
])
@pytest.mark.parametrize("thetas, lengths, error, message", [
    ([0.1, 0.2], [1.0, 1.0, 1.0], ValueError,
     r"thetas and lengths must have the same number of entries .* 2 angles and 3 lengths"),
    ([], [], ValueError, "thetas is empty: the arm needs at least one segment"),
    ([0.1], [], ValueError, "lengths is empty"),
    ([0.1, np.nan], [1.0, 1.0], ValueError, "thetas must be finite"),
    ([0.1, np.inf], [1.0, 1.0], ValueError, "thetas must be finite"),
    ([0.1, 0.2], [1.0, 0.0], ValueError, r"lengths must be > 0"),
    ([0.1, 0.2], [1.0, -2.0], ValueError, r"lengths must be > 0"),
    ([0.1, 0.2], [1.0, np.inf], ValueError, "lengths must be finite"),
    (0.1, [1.0], ValueError, r"thetas must be a 1-D array .* shape \(\)"),
    ([[0.1, 0.2]], [1.0, 1.0], ValueError, r"thetas must be a 1-D array .* shape \(1, 2\)"),
    ([0.1, 0.2], [[1.0], [1.0]], ValueError, r"lengths must be a 1-D array"),
    ([[0.1], [0.2, 0.3]], [1.0, 1.0], ValueError, "thetas must be a rectangular array"),
    ("0.1", [1.0], TypeError, "thetas must be an array of real numbers, got str"),
    ([0.1, None], [1.0, 1.0], TypeError, "thetas must be an array of real numbers"),
    ([0.1, 0.2], ["1", "2"], TypeError, "lengths must be an array of real numbers"),
    ([True, False], [1.0, 1.0], TypeError, "thetas must be an array of real numbers"),
    ([0.1j], [1.0], TypeError, "thetas must be an array of real numbers"),
    (None, [1.0], TypeError, "thetas must be an array of real numbers, got NoneType"),
])
def test_bad_arm_is_rejected(call, thetas, lengths, error, message):
    with pytest.raises(error, match=message):
        call(thetas, lengths, TARGET)


@pytest.mark.parametrize("call", [loss, loss_grad, lambda *a: reach(*a, 0.01),
                                  lambda *a: report_step(*a, 0.01),
                                  lambda *a: report_descent(*a, 0.01)])
@pytest.mark.parametrize("target, error, message", [
    ([1.0, np.nan], ValueError, "target must be finite"),
    ([np.inf, 0.0], ValueError, "target must be finite"),
    ([1.0, 2.0, 3.0], ValueError, r"target must be a point \(x, y\) of shape \(2,\), got shape \(3,\)"),
    (1.0, ValueError, r"target must be a point .* got shape \(\)"),
    ("ab", TypeError, "target must be an array of real numbers, got str"),
    (None, TypeError, "target must be an array of real numbers"),
])
def test_bad_target_is_rejected(call, target, error, message):
    with pytest.raises(error, match=message):
        call([0.1, 0.2], [1.0, 1.0], target)


def test_bad_scalars_are_rejected():
    with pytest.raises(ValueError, match="lr must be > 0"):
        reach(START, LENGTHS, TARGET, 0.0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        report_step(START, LENGTHS, TARGET, -0.1)
    with pytest.raises(ValueError, match="lr must be finite"):
        report_descent(START, LENGTHS, TARGET, np.nan)
    with pytest.raises(TypeError, match="max_steps must be an int"):
        reach(START, LENGTHS, TARGET, 0.01, max_steps=10.0)
    with pytest.raises(ValueError, match="tol must be > 0"):
        reach(START, LENGTHS, TARGET, 0.01, tol=0.0)
    with pytest.raises(TypeError, match="theta must be a real number, got str"):
        rotation("0.1")
    with pytest.raises(ValueError, match="theta must be finite"):
        rotation_grad(np.inf)
    with pytest.raises(ValueError, match="previous_tip must be finite"):
        report_step(START, LENGTHS, TARGET, 0.01, previous_tip=[np.nan, 0.0])
    with pytest.raises(ValueError, match=r"previous_tip must be a point"):
        report_descent(START, LENGTHS, TARGET, 0.01, previous_tip=[0.0])


def test_inputs_are_not_modified():
    thetas, lengths, target = np.array([0.1, 0.2]), np.array([1.0, 2.0]), np.array([1.0, 1.0])
    for call in (lambda: reach(thetas, lengths, target, 0.01, max_steps=3),
                 lambda: report_step(thetas, lengths, target, 0.01),
                 lambda: report_descent(thetas, lengths, target, 0.01, max_steps=3)):
        call()
        np.testing.assert_array_equal(thetas, [0.1, 0.2])
        np.testing.assert_array_equal(lengths, [1.0, 2.0])
        np.testing.assert_array_equal(target, [1.0, 1.0])


def test_limits_are_clear_errors():
    with pytest.raises(ValueError, match="thetas has 11 entries: an arm has at most 10 segments"):
        joints(np.zeros(11), np.ones(11))
    with pytest.raises(ValueError, match="max_steps must be <= 10000"):
        reach(START, LENGTHS, TARGET, 0.01, max_steps=10_001)
    with pytest.raises(ValueError, match="max_steps must be <= 10000"):
        report_descent(START, LENGTHS, TARGET, 0.01, max_steps=10**9)
    with pytest.raises(ValueError, match="lr must be at most 1e\\+06"):
        reach(START, LENGTHS, TARGET, 1e7)
    with pytest.raises(ValueError, match="lr must be at most"):
        report_step(START, LENGTHS, TARGET, 1e300)
    with pytest.raises(ValueError, match="target must have coordinates of at most 1e\\+100"):
        loss(START, LENGTHS, [1e101, 0.0])
    with pytest.raises(ValueError, match="previous_tip must have coordinates of at most"):
        report_step(START, LENGTHS, TARGET, 0.01, previous_tip=[0.0, -1e200])
    with pytest.raises(ValueError, match="lengths must add up to at most 1e\\+100"):
        joints([0.0, 0.0], [1e308, 1e308])
    with pytest.raises(ValueError, match="lengths must add up to at most 1e\\+100"):
        joints([0.0, 0.0], [6e99, 6e99])


def test_extreme_but_allowed_inputs_stay_finite_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = joints([1e308, 1e308, -1e308], [1e33, 1e33, 1e33])
        assert np.all(np.isfinite(points))
        far = [1e100, -1e100]
        assert np.isfinite(loss([1e308, 2.0], [1e99, 1e99], far))
        assert np.all(np.isfinite(loss_grad([1e308, 2.0], [1e99, 1e99], far)))
        run = reach([0.1, 0.2], [1e99, 1e99], far, 1e6, max_steps=200)
        assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.loss))
        run = report_descent([0.1, 0.2], [1e99, 1e99], far, 1e6, max_steps=200)
        assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.loss))


def test_huge_angles_are_taken_modulo_a_full_turn():
    # below 2 pi nothing changes; above, the angle is reduced by whole turns
    np.testing.assert_allclose(joints([0.5 + 8 * np.pi, -0.3], [1.0, 2.0]),
                               joints([0.5, -0.3], [1.0, 2.0]), atol=1e-12)


def test_joints_along_checks_its_arguments():
    with pytest.raises(TypeError, match="forward must be joints or report_joints"):
        joints_along([[0.0, 0.0]], [1.0, 1.0], forward=None)
    with pytest.raises(TypeError, match="forward must be joints or report_joints"):
        joints_along([[0.0, 0.0]], [1.0, 1.0], forward=tip)
    with pytest.raises(ValueError, match=r"run must be .* N = 3, one angle per entry of lengths"):
        joints_along([[0.0, 0.0]], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="run must hold finite angles"):
        joints_along([[0.0, np.nan]], [1.0, 1.0])


# --- the report's own model, differentiated exactly (ours) ---------------------


@pytest.mark.parametrize("n", range(1, 7))
@pytest.mark.parametrize("seed", range(3))
def test_report_model_derivatives_match_central_differences(n, seed):
    thetas, lengths, target = random_arm(np.random.default_rng(4000 * n + seed), n)
    for c in range(2):
        check_gradient(lambda p: report_tip(p, lengths)[c],
                       lambda p: report_model_jacobian(p, lengths)[c], thetas, atol=1e-7)
    check_gradient(lambda p: report_loss(p, lengths, target),
                   lambda p: report_model_loss_grad(p, lengths, target), thetas, atol=1e-7)
    assert report_loss(thetas, lengths, target) == pytest.approx(
        absolute_loss(thetas, lengths, target), rel=1e-15)


@pytest.mark.parametrize("n", range(1, 7))
def test_report_model_columns_are_the_segments_turned_a_quarter(n):
    thetas, lengths, _ = random_arm(np.random.default_rng(500 + n), n)
    segments = np.diff(report_joints(thetas, lengths), axis=0)
    jac = report_model_jacobian(thetas, lengths)
    np.testing.assert_allclose(np.sum(jac.T * segments, axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(jac, axis=0), lengths)
    for k in range(n):  # R'(theta_k) s_k: the segment's own angle only
        np.testing.assert_allclose(jac[:, k], rotation_grad(thetas[k]) @ [0.0, lengths[k]],
                                   atol=1e-12)


# --- the gradient, read geometrically -------------------------------------------


def cross(a, b):
    """The 2-D cross product a_x b_y - a_y b_x."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


@SETTINGS
@given(st.lists(angles, min_size=1, max_size=6),
       st.tuples(st.floats(-5, 5), st.floats(-5, 5)))
def test_each_joint_turns_toward_the_target(thetas, target):
    """dL/dtheta_k = -2 (tip - p_k) x (T - tip): a step turns joint k toward T."""
    thetas = np.array(thetas)
    lengths = np.linspace(1.0, 0.5, thetas.size)
    points = joints(thetas, lengths)
    residual = np.array(target) - points[-1]
    expected = -2.0 * cross(points[-1] - points[:-1], residual)
    np.testing.assert_allclose(loss_grad(thetas, lengths, target), expected, atol=1e-9)


# --- the workspace ------------------------------------------------------------------


@pytest.mark.parametrize("lengths", [LENGTHS, [3.0, 1.0, 0.5], [0.7], [1.0, 2.5], [1, 1, 1, 4]])
def test_reach_radii_bound_every_pose_and_are_attained(lengths):
    lengths = np.asarray(lengths, dtype=float)
    inner, outer = reach_radii(lengths)
    assert outer == pytest.approx(lengths.sum())
    rng = np.random.default_rng(11)
    radii = np.array([np.linalg.norm(tip(rng.uniform(-np.pi, np.pi, lengths.size), lengths))
                      for _ in range(2000)])
    assert np.all(radii <= outer + 1e-12) and np.all(radii >= inner - 1e-12)
    assert np.linalg.norm(tip(np.zeros(lengths.size), lengths)) == pytest.approx(outer)
    # the longest segment one way, all others folded back the other way: the closest pose
    absolute = np.where(np.arange(lengths.size) == np.argmax(lengths), 0.0, np.pi)
    relative = np.diff(absolute, prepend=0.0)
    closest = np.linalg.norm(tip(relative, lengths))
    assert closest == pytest.approx(abs(2 * lengths.max() - lengths.sum()), abs=1e-9)
    if inner > 0:
        assert closest == pytest.approx(inner, abs=1e-9)
    else:
        assert radii.min() < 0.1 * outer  # a disc: the samples come close to the base


@pytest.mark.parametrize("radius", [1.8, 2.5, 4.3])
def test_targets_in_the_ring_are_reached(radius):
    lengths = np.array([3.0, 1.0, 0.5])
    inner, outer = reach_radii(lengths)
    assert inner < radius < outer
    target = radius * np.array([np.cos(1.0), np.sin(1.0)])
    run = reach([0.2, 0.4, 0.6], lengths, target, 0.01)
    assert run.converged and run.loss[-1] < 1e-10


def test_bad_lengths_for_reach_radii():
    with pytest.raises(ValueError, match="lengths must be > 0"):
        reach_radii([1.0, 0.0])
    with pytest.raises(TypeError, match="lengths must be an array of real numbers"):
        reach_radii("1")


# --- the page's claims about the report ---------------------------------------------


def test_report_direction_is_the_segment_turned_by_the_previous_angle_too():
    """x_k = R(theta_{k-1}) R'(theta_k) s_k = J R(theta_{k-1} + theta_k) s_k (fresh tip)."""
    thetas, lengths = np.array([0.4, -1.1, 2.3, 0.7]), np.array([1.2, 0.8, 1.5, 0.6])
    d = report_step(thetas, lengths, TARGET, LEARNING_RATE)[1]
    residual = TARGET - report_tip(thetas, lengths)
    x = [rotation_grad(thetas[0]) @ [0.0, lengths[0]]] + [
        J @ rotation(thetas[k - 1] + thetas[k]) @ [0.0, lengths[k]] for k in range(1, 4)]
    np.testing.assert_allclose(d, [-2 * residual @ xk for xk in x], rtol=1e-12)


@SETTINGS
@given(angles, angles, st.floats(0.2, 3.0), st.floats(0.2, 3.0))
def test_prev_r_factor_is_the_two_segment_relative_column(t0, t1, l0, l1):
    """Our inference's evidence: with two segments and relative angles, the second column of
    the Jacobian is exactly what `prev_r @ dr_theta_1 @ segment` computes; the first is not."""
    s1 = np.array([0.0, l1])
    jac = jacobian([t0, t1], [l0, l1])
    np.testing.assert_allclose(jac[:, 1], rotation(t0) @ rotation_grad(t1) @ s1, atol=1e-12)
    first = rotation_grad(t0) @ [0.0, l0]  # the report's x_0 keeps only segment 0
    np.testing.assert_allclose(jac[:, 0] - first, rotation_grad(t0 + t1) @ s1, atol=1e-12)


def test_report_direction_at_the_start_next_to_both_gradients():
    """The page's table: d_0 equals its own model's gradient, d_1 and d_2 equal neither."""
    d = report_step(START, LENGTHS, TARGET, LEARNING_RATE)[1]
    own = numerical_gradient(lambda p: absolute_loss(p, LENGTHS, TARGET), START)
    ours = numerical_gradient(lambda p: loss(p, LENGTHS, TARGET), START)
    np.testing.assert_allclose(report_model_loss_grad(START, LENGTHS, TARGET), own, rtol=1e-7)
    assert d[0] == pytest.approx(own[0], rel=1e-7)
    for k in (1, 2):
        assert abs(d[k] - own[k]) > 0.1 * abs(own[k])
    for k in (0, 1, 2):
        assert abs(d[k] - ours[k]) > 0.1 * abs(ours[k])


def test_report_rule_needs_more_steps_and_its_loss_rises():
    ours = reach(START, LENGTHS, TARGET, LEARNING_RATE)
    report = report_descent(START, LENGTHS, TARGET, LEARNING_RATE, max_steps=10_000)
    first = [int(np.flatnonzero(run.loss < 1e-10)[0]) for run in (ours, report)]
    assert first[1] > 5 * first[0]
    assert np.sum(np.diff(report.loss) > 0) > 0  # the report's own loss rises at some passes
    assert np.all(np.diff(ours.loss) <= 1e-15)  # ours never does at this learning rate


def test_the_first_step_below_the_threshold_recomputed():
    """The step the page names, from the loss recomputed at every recorded point."""
    run = reach(START, LENGTHS, TARGET, LEARNING_RATE)
    losses = np.array([loss(p, LENGTHS, TARGET) for p in run.params])
    k = int(np.argmax(losses < 1e-10))
    assert losses[k] < 1e-10 <= losses[k - 1] and np.all(losses[:k] >= 1e-10)
    # and the same step by one more independent route: the tip's distance
    distances = np.array([np.linalg.norm(TARGET - tip(p, LENGTHS)) for p in run.params])
    assert int(np.argmax(distances < 1e-5)) == k


# --- the chapter module (scripts/chapters/robot_arm.py) ------------------------------


@pytest.fixture(scope="module")
def chapter():
    from chapters import robot_arm as module

    return module


def test_chapter_runs_are_the_library_runs(chapter):
    runs = chapter.runs()
    np.testing.assert_array_equal(runs["ours"].params,
                                  reach(START, LENGTHS, TARGET, LEARNING_RATE).params)
    assert runs["ours"].converged and runs["report"].converged
    assert chapter.first_below(runs["ours"]) == int(np.argmax(runs["ours"].loss < 1e-10))


def test_chapter_far_target_ends_at_distance_minus_reach(chapter):
    run = chapter.runs()["far"]
    distance = np.linalg.norm(chapter.FAR_TARGET)
    assert distance > LENGTHS.sum()
    assert run.converged
    assert run.loss[-1] == pytest.approx((distance - LENGTHS.sum()) ** 2, rel=1e-10)


def test_chapter_five_segment_arm_reaches_its_target(chapter):
    run = chapter.runs()["five"]
    assert run.converged and run.loss[-1] < 1e-15
    np.testing.assert_allclose(tip(run.final, chapter.FIVE_LENGTHS), chapter.FIVE_TARGET,
                               atol=1e-7)
    # the figure's arrows: every Jacobian column is perpendicular to its joint-to-tip line
    points = joints(chapter.FIVE_START, chapter.FIVE_LENGTHS)
    jac = jacobian(chapter.FIVE_START, chapter.FIVE_LENGTHS)
    np.testing.assert_allclose(np.sum(jac.T * (points[-1] - points[:-1]), axis=1), 0.0,
                               atol=1e-12)


def test_chapter_ring_is_the_workspace_of_its_lengths(chapter):
    inner, outer = reach_radii(chapter.RING_LENGTHS)
    radii = np.linalg.norm(chapter._ring_tips(chapter.RING_LENGTHS, 500), axis=1)
    assert np.all((radii >= inner - 1e-12) & (radii <= outer + 1e-12))
    assert radii.min() < inner + 0.2 and radii.max() > outer - 0.2  # the samples fill it


def test_chapter_values_are_filled(chapter):
    from engine import registry

    names = [n for (kind, n) in registry.load_all() if kind == "value" and n.startswith("robot.")]
    assert len(names) >= 12
    for name in names:
        text = registry.get("value", name).fn()
        assert text.strip() and "nan" not in text.lower() and "inf" not in text.lower(), name


def test_chapter_derivatives_pass_their_checks(chapter):
    from chapters.checks import check

    assert len(chapter.DERIVATIVES) == 4
    for derivative in chapter.DERIVATIVES:
        result = check(derivative)
        assert result.ok, (derivative.name, result)
