"""Where the report's code differs from ours, shown by running both.

The functions prefixed ``report_`` are short transcriptions of the course
report's code (the excerpts the chapters discuss), kept here and only here so
that each claim a page makes about the report is a check that runs.
``test_transcriptions_are_the_reports_code`` checks them line by line against
the report's text (``tests/data/report.md``).
"""

from __future__ import annotations

import inspect
import re
from decimal import Decimal
from functools import reduce
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Union

import numpy as np
import pytest

from chapters.errata import in_report
from gradbook.asteroids import clip_speed
from gradbook.linalg import matmul, power
from gradbook.transforms import from_homogeneous, to_homogeneous

REPORT = Path(__file__).resolve().parent / "data" / "report.md"


def report_chapter(title: str, next_title: str) -> str:
    """The text of one chapter of the report, from its title to the next one's."""
    text = REPORT.read_text(encoding="utf-8")
    start = text.index(f"\n{title}\n")
    return text[start:text.index(f"\n{next_title}\n", start)]


def report_my_pow(number: Union[int, float, Decimal], power: int):
    """The report's power function, as printed in its first chapter."""
    if power > 0:
        return reduce(mul, repeat(number, power))
    elif power == 0:
        return 1

    return 1 / reduce(mul, repeat(number, abs(power)))


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


def _code_lines(fn) -> list[str]:
    """The statements of a transcription, without its docstring, one per line."""
    source = inspect.getsource(fn)
    source = re.sub(r'^\s*"""[^\n]*"""\n', "", source, flags=re.M)
    return [line.strip() for line in source.splitlines() if line.strip()]


@pytest.mark.parametrize("fn", [report_my_pow, report_dot, report_vec3d_to_vec2d])
def test_transcriptions_are_the_reports_code(fn):
    """Every line of a transcription is in the report, up to quotes and line breaks."""
    different = {  # lines we had to write differently, with the report's version
        'raise ValueError(f"Wrong shape of matrix: {np.shape(a)=} {np.shape(b)=}")':
            "raise ValueError(f'Wrong shape of matrix: {np.shape(a)=} {np.shape(b)=}')",
        "def report_my_pow(number: Union[int, float, Decimal], power: int):":
            "def my_pow(number: Union[int, float, Decimal], power: int):",
        "def report_dot(a, b):": "def dot(a, b):",
        "def report_vec3d_to_vec2d(vec3d):": "def vec3d_to_vec2d(vec3d):",
        "c = np.array(tuple(": "c = np.array(",
        "))": ")",
        "i = np.array(((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)))": "(0.0, 1.0, 0.0),",
        "return report_dot(i, vec3d[:, None])": "return dot(i, vec3d[:, None])",
    }
    for line in _code_lines(fn):
        line = different.get(line, line)
        assert in_report(line), f"not in the report: {line!r}"


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


def test_report_my_pow_agrees_with_ours_on_good_input():
    for base in (2, -3, 2.5, Decimal("1.1")):
        for n in range(-4, 6):
            if isinstance(base, float):
                assert report_my_pow(base, n) == pytest.approx(power(base, n), rel=1e-15)
            else:
                assert report_my_pow(base, n) == power(base, n)


def test_report_my_pow_on_bad_input():
    """The page: the report's semantics are sound, its bad input gets no clear error."""
    with pytest.raises(ZeroDivisionError, match="^division by zero$"):  # no word on why
        report_my_pow(0, -2)
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        report_my_pow(2, 1.5)  # raised inside itertools.repeat, naming no argument
    assert report_my_pow(2, True) == 2  # a bool is taken for the exponent 1
    with pytest.raises(TypeError, match="exponent must be an int"):
        power(2, True)


def test_report_asteroids_chapter_has_no_speed_code():
    """The page: the speed limit is ours; the report prints no speed or clipping code."""
    chapter = report_chapter("Asteroids game", "Robot arm")
    assert "def rotation_mat" in chapter and "def vec3d_to_vec2d" in chapter
    for word in ("speed", "clip", "veloc", "limit", "max", "thrust"):
        assert word not in chapter.lower(), word


def test_per_axis_clipping_lets_a_diagonal_flight_exceed_the_limit():
    """Ours, not the report's: why the game limits the length of the velocity."""
    limit = 4.0
    for angle in np.linspace(0, 2 * np.pi, 73):
        v = 10.0 * np.array([np.cos(angle), np.sin(angle)])
        per_axis = np.clip(v, -limit, limit)
        assert np.linalg.norm(clip_speed(v, limit)) == pytest.approx(limit)
        assert np.linalg.norm(per_axis) <= np.sqrt(2) * limit + 1e-12
    diagonal = np.clip(np.array([10.0, 10.0]), -limit, limit)
    assert np.linalg.norm(diagonal) == pytest.approx(np.sqrt(2) * limit)
