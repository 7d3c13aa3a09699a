"""Tests for gradbook.transforms: 3x3 homogeneous matrices for 2-D geometry."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.transforms import (
    apply,
    compose,
    from_homogeneous,
    rotation,
    scale,
    to_homogeneous,
    translation,
)

SETTINGS = settings(max_examples=100, deadline=None)
angles = st.floats(-10.0, 10.0, allow_nan=False)
coords = st.floats(-100.0, 100.0, allow_nan=False)
points = st.tuples(coords, coords).map(np.array)
point_arrays = st.lists(st.tuples(coords, coords), min_size=1, max_size=8).map(np.array)


def by_hand(theta, p):
    """Rotate p counter-clockwise by theta with the textbook formula (oracle)."""
    x, y = p
    return np.array([x * math.cos(theta) - y * math.sin(theta),
                     x * math.sin(theta) + y * math.cos(theta)])


@SETTINGS
@given(angles)
def test_rotation_is_orthonormal_with_det_one(theta):
    R = rotation(theta)
    assert R.shape == (3, 3)
    A = R[:2, :2]
    np.testing.assert_allclose(A.T @ A, np.eye(2), atol=1e-12)
    assert np.linalg.det(A) == pytest.approx(1.0)
    np.testing.assert_array_equal(R[2], [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(R[:, 2], [0.0, 0.0, 1.0])


@SETTINGS
@given(angles, angles)
def test_rotation_angles_add(a, b):
    np.testing.assert_allclose(rotation(a) @ rotation(b), rotation(a + b), atol=1e-12)


@SETTINGS
@given(angles, points)
def test_rotation_matches_formula(theta, p):
    np.testing.assert_allclose(apply(rotation(theta), p), by_hand(theta, p), atol=1e-9)


def test_quarter_turn_maps_x_to_y_radians_not_degrees():
    np.testing.assert_allclose(apply(rotation(math.pi / 2), [1.0, 0.0]), [0.0, 1.0], atol=1e-15)
    # 90 read as degrees would be a different turn: 90 rad is not a multiple of pi/2
    assert not np.allclose(apply(rotation(90), [1.0, 0.0]), [0.0, 1.0], atol=1e-3)


@SETTINGS
@given(points, coords, coords)
def test_translation_moves_points_not_directions(p, dx, dy):
    T = translation(dx, dy)
    np.testing.assert_allclose(apply(T, p), p + [dx, dy])
    np.testing.assert_array_equal(apply(T, p, w=0), p)


@SETTINGS
@given(points, coords, coords)
def test_scale(p, sx, sy):
    np.testing.assert_allclose(apply(scale(sx, sy), p), [sx * p[0], sy * p[1]])
    np.testing.assert_allclose(apply(scale(sx, sy), p, w=0), [sx * p[0], sy * p[1]])


def test_order_matters():
    T, R, p = translation(3.0, 0.0), rotation(math.pi / 2), np.array([1.0, 0.0])
    # rotate then move: (1, 0) -> (0, 1) -> (3, 1); move then rotate: (4, 0) -> (0, 4)
    np.testing.assert_allclose(apply(T @ R, p), [3.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(apply(R @ T, p), [0.0, 4.0], atol=1e-12)
    assert not np.allclose(T @ R, R @ T)


@SETTINGS
@given(angles, coords, coords)
def test_order_matters_exactly_when_rotation_moves_the_offset(theta, dx, dy):
    T, R = translation(dx, dy), rotation(theta)
    # T @ R shifts by t, R @ T by R t; they differ by |R t - t| = 2 |sin(theta/2)| |t|
    gap = np.abs(T @ R - R @ T).max()
    expected = 2 * abs(math.sin(theta / 2)) * math.hypot(dx, dy)
    assert np.linalg.norm((T @ R - R @ T)[:2, 2]) == pytest.approx(expected, abs=1e-9)
    assert gap <= expected + 1e-9  # nothing else differs
    np.testing.assert_allclose(translation(0.0, 0.0) @ R, R @ translation(0.0, 0.0))


@SETTINGS
@given(points)
def test_homogeneous_round_trip(p):
    h = to_homogeneous(p)
    assert h.shape == (3,) and h[2] == 1.0
    np.testing.assert_array_equal(from_homogeneous(h), p)


@SETTINGS
@given(point_arrays, st.floats(0.1, 10.0) | st.floats(-10.0, -0.1))
def test_from_homogeneous_divides_by_w(ps, w):
    h = np.column_stack([ps * w, np.full(len(ps), w)])  # (w x, w y, w) is (x, y)
    np.testing.assert_allclose(from_homogeneous(h), ps, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(from_homogeneous(h[0]), ps[0], rtol=1e-12, atol=1e-12)


def test_to_homogeneous_shapes_and_w():
    np.testing.assert_array_equal(to_homogeneous([[1, 2], [3, 4]]), [[1, 2, 1], [3, 4, 1]])
    np.testing.assert_array_equal(to_homogeneous([5, 6], w=0), [5, 6, 0])
    assert to_homogeneous(np.zeros((0, 2))).shape == (0, 3)


def test_w_zero_is_a_direction_not_a_point():
    with pytest.raises(ValueError, match="direction"):
        from_homogeneous([1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="row 1 .*direction.*first two coordinates"):
        from_homogeneous([[1.0, 2.0, 1.0], [1.0, 2.0, 0.0]])


@pytest.mark.parametrize("func, bad", [
    (to_homogeneous, np.zeros(3)),
    (to_homogeneous, np.zeros((4, 3))),
    (to_homogeneous, np.zeros((2, 2, 2))),
    (to_homogeneous, 1.0),
    (from_homogeneous, np.zeros(2)),
    (from_homogeneous, np.ones((4, 2))),
    (from_homogeneous, np.ones((2, 3, 3))),
])
def test_shape_errors_name_the_shape(func, bad):
    with pytest.raises(ValueError, match=re_shape(np.shape(bad))):
        func(bad)


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("matrix", [np.eye(2), np.eye(4), np.ones((3, 2)), np.ones(9)])
def test_apply_and_compose_need_3x3(matrix):
    with pytest.raises(ValueError, match=re_shape(matrix.shape)):
        apply(matrix, [1.0, 2.0])
    with pytest.raises(ValueError, match=re_shape(matrix.shape)):
        compose(np.eye(3), matrix)


def test_apply_rejects_non_finite_matrix():
    with pytest.raises(ValueError, match="finite"):
        apply(np.full((3, 3), np.nan), [1.0, 2.0])


@pytest.mark.parametrize("build, kwargs, name", [
    (rotation, {"theta": "90"}, "theta"),
    (rotation, {"theta": None}, "theta"),
    (translation, {"dx": 1.0, "dy": "1"}, "dy"),
    (translation, {"dx": [1.0], "dy": 1.0}, "dx"),
    (scale, {"sx": None, "sy": 1.0}, "sx"),
    (scale, {"sx": 1.0, "sy": True}, "sy"),
])
def test_non_numbers_are_type_errors(build, kwargs, name):
    with pytest.raises(TypeError, match=name):
        build(**kwargs)


@pytest.mark.parametrize("build, kwargs, name", [
    (rotation, {"theta": math.nan}, "theta"),
    (rotation, {"theta": math.inf}, "theta"),
    (translation, {"dx": 0.0, "dy": -math.inf}, "dy"),
    (scale, {"sx": np.float64("nan"), "sy": 1.0}, "sx"),
])
def test_non_finite_numbers_are_value_errors(build, kwargs, name):
    with pytest.raises(ValueError, match=name):
        build(**kwargs)


def test_numpy_scalars_are_accepted():
    np.testing.assert_array_equal(translation(np.int64(2), np.float32(0.5))[:2, 2], [2.0, 0.5])


@pytest.mark.parametrize("w", [2.0, -1.0, math.nan])
def test_w_must_be_zero_or_one(w):
    with pytest.raises(ValueError, match="w"):
        to_homogeneous([1.0, 2.0], w=w)


@SETTINGS
@given(angles, coords, coords, st.floats(0.1, 5.0), points)
def test_compose_applies_rightmost_first(theta, dx, dy, s, p):
    A, B, C = translation(dx, dy), rotation(theta), scale(s, -s)
    np.testing.assert_allclose(apply(compose(A, B), p), apply(A, apply(B, p)), atol=1e-9)
    np.testing.assert_allclose(
        apply(compose(A, B, C), p), apply(A, apply(B, apply(C, p))), atol=1e-9
    )
    # oracle without matrices: scale, then rotate, then shift
    expected = by_hand(theta, [s * p[0], -s * p[1]]) + [dx, dy]
    np.testing.assert_allclose(apply(compose(A, B, C), p), expected, atol=1e-9)


def test_compose_edge_cases():
    np.testing.assert_array_equal(compose(), np.eye(3))
    M = rotation(0.3)
    np.testing.assert_array_equal(compose(M), M)


@SETTINGS
@given(angles, coords, coords, point_arrays, st.sampled_from([0.0, 1.0]))
def test_apply_to_many_points_is_row_by_row(theta, dx, dy, ps, w):
    M = compose(translation(dx, dy), rotation(theta))
    out = apply(M, ps, w=w)
    assert out.shape == ps.shape
    for row, p in zip(out, ps):
        np.testing.assert_allclose(row, apply(M, p, w=w), rtol=1e-12, atol=1e-12)
