"""Tests for gradbook.robot_arm: kinematics, Jacobian, descent and the report's rule.

Oracles are independent of the code under test: central differences of the
loss and of the tip (never of the claimed derivative), the closed form of the
segment vectors ``L (-sin phi, cos phi)``, the geometry of a straight arm for
an unreachable target, and the report's loop typed out again from the report.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.descent import History
from gradbook.gradcheck import GradientMismatch, check_gradient, numerical_gradient
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
    report_descent,
    report_joints,
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
