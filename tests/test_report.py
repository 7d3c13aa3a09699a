"""Where the report's code differs from ours, shown by running both.

The functions prefixed ``report_`` are short transcriptions of the course
report's code (the excerpts the chapters discuss), kept here and only here so
that each claim a page makes about the report is a check that runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradbook.asteroids import clip_speed
from gradbook.linalg import matmul
from gradbook.transforms import from_homogeneous, to_homogeneous


def report_dot(a, b):
    """The report's pure-Python matrix product, as printed in its first chapter."""
    try:
        a_height, a_width = np.shape(a)
    except ValueError:
        a_height, a_width = np.shape(a)[0], 1
    try:
        b_height, b_width = np.shape(b)
    except ValueError:
        b_height, b_width = np.shape(b)[0], 1
    if a_width != b_height:
        raise ValueError(f"Wrong shape of matrix: {np.shape(a)=} {np.shape(b)=}")
    c = np.array(tuple(
        sum(x * y for x, y in zip(a[row_idx], b[:, col_idx]))
        for row_idx in range(a_height)
        for col_idx in range(b_width)
    ))
    return c.reshape((a_height, b_width))


def report_vec3d_to_vec2d(vec3d):
    """The report's homogeneous-to-2-D conversion: a selection matrix, no division."""
    i = np.array(((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)))
    return report_dot(i, vec3d[:, None])


A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_report_dot_agrees_with_ours_on_matrices():
    B = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(report_dot(A, B), matmul(A, B))


def test_report_dot_crashes_on_a_matrix_times_a_vector():
    v = np.array([1.0, 0.0, -1.0])
    with pytest.raises(IndexError, match="too many indices"):
        report_dot(A, v)
    np.testing.assert_array_equal(matmul(A, v), A @ v)


def test_report_dot_crashes_on_a_vector_times_a_matrix():
    u = np.array([1.0, 1.0])
    # A 1-D `a` is read as a (2, 1) column, so a (2,) @ (2, 3) product is
    # rejected as misaligned although numpy defines it.
    with pytest.raises(ValueError, match="Wrong shape"):
        report_dot(u, A)
    np.testing.assert_array_equal(matmul(u, A), u @ A)


def test_report_dot_crashes_when_a_is_1d_even_if_shapes_fit():
    u = np.array([2.0])  # (1,) read as a (1, 1) column; b is (1, 2)
    with pytest.raises(TypeError, match="not iterable"):
        report_dot(u, np.array([[1.0, 2.0]]))


def test_report_vec3d_to_vec2d_returns_a_column_and_ignores_w():
    h = np.array([4.0, 6.0, 2.0])  # the point (2, 3), scaled by w = 2
    theirs = report_vec3d_to_vec2d(h)
    assert theirs.shape == (2, 1)
    np.testing.assert_array_equal(theirs[:, 0], [4.0, 6.0])  # w never divided out
    np.testing.assert_array_equal(from_homogeneous(h), [2.0, 3.0])
    # For w = 1, the only case the report's matrices produce, the numbers agree.
    p = np.array([2.5, -1.0])
    np.testing.assert_array_equal(
        report_vec3d_to_vec2d(to_homogeneous(p))[:, 0], from_homogeneous(to_homogeneous(p)))


def test_per_axis_clipping_lets_a_diagonal_flight_exceed_the_limit():
    limit = 4.0
    for angle in np.linspace(0, 2 * np.pi, 73):
        v = 10.0 * np.array([np.cos(angle), np.sin(angle)])
        per_axis = np.clip(v, -limit, limit)
        assert np.linalg.norm(clip_speed(v, limit)) == pytest.approx(limit)
        assert np.linalg.norm(per_axis) <= np.sqrt(2) * limit + 1e-12
    diagonal = np.clip(np.array([10.0, 10.0]), -limit, limit)
    assert np.linalg.norm(diagonal) == pytest.approx(np.sqrt(2) * limit)
