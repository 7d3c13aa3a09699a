"""Tests for gradbook.linalg, with Python's ``**`` and NumPy's ``@`` as oracles."""

import copy
import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import time

from gradbook._contract import declared
from gradbook.linalg import MAX_FACTORS, count_multiplications, fast_power, matmul, power, shape

POWERS = [power, fast_power]
FAST = settings(max_examples=80, deadline=None)

exponents = st.integers(min_value=-30, max_value=30)


# ---------------------------------------------------------------- power


@pytest.mark.parametrize("pow_", POWERS)
@FAST
@given(base=st.integers(-50, 50), n=st.integers(0, 40))
def test_int_base_nonnegative_exponent_is_exact(pow_, base, n):
    result = pow_(base, n)
    assert type(result) is int
    assert result == base**n


@pytest.mark.parametrize("pow_", POWERS)
@FAST
@given(base=st.integers(-50, 50), n=st.integers(-40, -1))
def test_int_base_negative_exponent_is_float(pow_, base, n):
    assume(base != 0)
    result = pow_(base, n)
    assert type(result) is float
    assert math.isclose(result, base**n, rel_tol=1e-14)


@pytest.mark.parametrize("pow_", POWERS)
@FAST
@given(base=st.floats(-10, 10).filter(lambda x: abs(x) >= 0.1), n=exponents)
def test_float_base_close_to_builtin(pow_, base, n):
    # Rounding happens in a different order, so allow a few ulps per product.
    assert math.isclose(pow_(base, n), base**n, rel_tol=1e-12 * max(1, abs(n)))


@pytest.mark.parametrize("pow_", POWERS)
@FAST
@given(base=st.decimals("-10", "10", places=3), n=exponents)
def test_decimal_base_close_to_builtin(pow_, base, n):
    assume(base != 0 and n != 0)  # Decimal(0) ** 0 is an InvalidOperation
    result = pow_(base, n)
    expected = base**n
    assert type(result) is Decimal
    assert abs(result - expected) <= abs(expected) * Decimal("1e-24")


@pytest.mark.parametrize("pow_", POWERS)
@FAST
@given(base=st.fractions(-10, 10, max_denominator=50), n=exponents)
def test_fraction_base_is_exact(pow_, base, n):
    assume(base != 0 or n >= 0)
    result = pow_(base, n)
    assert result == base**n
    if n != 0:
        assert type(result) is Fraction


@pytest.mark.parametrize("pow_", POWERS)
@pytest.mark.parametrize("zero", [0, 0.0, Decimal(0), Fraction(0)])
def test_zero_to_the_zero_is_int_one(pow_, zero):
    result = pow_(zero, 0)
    assert result == 1 and type(result) is int


@pytest.mark.parametrize("pow_", POWERS)
@pytest.mark.parametrize(
    ("exponent", "type_name"),
    [(2.0, "float"), ("3", "str"), (True, "bool"), (None, "NoneType")],
)
def test_non_int_exponent_is_type_error_naming_the_type(pow_, exponent, type_name):
    with pytest.raises(TypeError, match=rf"exponent must be an int, got {type_name}$"):
        pow_(2, exponent)


@pytest.mark.parametrize("pow_", POWERS)
@pytest.mark.parametrize(
    ("base", "type_name"), [("2", "str"), (True, "bool"), (1j, "complex")]
)
def test_unsupported_base_is_type_error_naming_the_type(pow_, base, type_name):
    with pytest.raises(TypeError, match=rf"got {type_name}$"):
        pow_(base, 2)


@pytest.mark.parametrize("pow_", POWERS)
@pytest.mark.parametrize("zero", [0, 0.0, -0.0, Decimal(0), Fraction(0)])
def test_zero_base_negative_exponent_is_zero_division(pow_, zero):
    with pytest.raises(ZeroDivisionError, match=r"negative power \(-3\)"):
        pow_(zero, -3)


@pytest.mark.parametrize("pow_", POWERS)
def test_validation_happens_before_any_multiplication(pow_):
    # A str exponent must be rejected even for a base that would multiply fine.
    with pytest.raises(TypeError):
        pow_(Decimal("1.5"), "10")


# ------------------------------------------------------ multiplication counts


@FAST
@given(n=st.integers(1, 2000))
def test_repeated_uses_n_minus_one_products(n):
    assert count_multiplications(n, "repeated") == n - 1


@pytest.mark.parametrize("method", ["repeated", "squaring"])
@pytest.mark.parametrize("n", [0, 1])
def test_no_products_for_exponents_zero_and_one(method, n):
    assert count_multiplications(n, method) == 0


@FAST
@given(n=st.integers(1, 10**12))
def test_squaring_count_is_bit_length_plus_popcount(n):
    expected = (n.bit_length() - 1) + (bin(n).count("1") - 1)
    count = count_multiplications(n, "squaring")
    assert count == expected
    assert count <= 2 * (n.bit_length() - 1)


@pytest.mark.parametrize("method", ["repeated", "squaring"])
@FAST
@given(n=st.integers(1, 500))
def test_negative_exponent_counts_its_absolute_value(method, n):
    assert count_multiplications(-n, method) == count_multiplications(n, method)


def test_squaring_beats_repeated_for_large_exponents():
    n = 1000
    assert count_multiplications(n, "squaring") < count_multiplications(n, "repeated")


def test_unknown_method_names_the_allowed_ones():
    with pytest.raises(ValueError, match=r"'repeated', 'squaring'.*'binary'"):
        count_multiplications(5, "binary")


def test_count_rejects_non_int_exponent():
    with pytest.raises(TypeError, match="got float"):
        count_multiplications(5.0, "squaring")


# ----------------------------------------------------------------- matmul


def _is_plain(x):
    """True if x is nested Python lists of Python int/float (no NumPy types)."""
    if type(x) is list:
        return all(_is_plain(item) for item in x)
    return type(x) in (int, float)


def _skeleton(x):
    """The nesting structure of x with every number replaced by None."""
    return [_skeleton(item) for item in x] if isinstance(x, list) else None


@st.composite
def array_pairs(draw, elements, dtype):
    """Two compatible NumPy operands, each 1-D or 2-D, any dimension may be 0."""
    m, k, n = (draw(st.integers(0, 4)) for _ in range(3))
    shape_a = draw(st.sampled_from([(k,), (m, k)]))
    shape_b = draw(st.sampled_from([(k,), (k, n)]))

    def build(shp):
        size = math.prod(shp)
        flat = draw(st.lists(elements, min_size=size, max_size=size))
        return np.array(flat, dtype=dtype).reshape(shp)

    return build(shape_a), build(shape_b)


def _as_lists(arr):
    # A nested list cannot express a 2-D shape with no rows: [] reads as (0,).
    assume(arr.ndim < 2 or arr.shape[0] > 0)
    return arr.tolist()


@FAST
@given(array_pairs(st.integers(-20, 20), np.int64))
def test_matmul_matches_numpy_on_ints(pair):
    a, b = pair
    got = matmul(_as_lists(a), _as_lists(b))
    assert _is_plain(got)
    assert got == (a @ b).tolist()


@FAST
@given(array_pairs(st.floats(-100, 100), np.float64))
def test_matmul_matches_numpy_on_floats(pair):
    a, b = pair
    got = matmul(_as_lists(a), _as_lists(b))
    expected = a @ b
    assert _is_plain(got)
    assert _skeleton(got) == _skeleton(expected.tolist())
    assert np.allclose(np.array(got, dtype=float).reshape(expected.shape), expected)


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
@FAST
@given(data=st.data())
def test_matmul_accepts_numpy_arrays_and_returns_plain_python(dtype, data):
    a, b = data.draw(array_pairs(st.integers(-20, 20), dtype))
    got = matmul(a, b)
    assert _is_plain(got)
    assert got == (a @ b).tolist()


def test_vector_times_matrix():
    # The case the report's version fails on: it reads b[:, j] of a 1-D a.
    a, b = [1, 2], [[1, 2, 3], [4, 5, 6]]
    assert matmul(a, b) == (np.array(a) @ np.array(b)).tolist()


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [
        ((2, 0), (0, 3)),
        ((0,), (0, 3)),
        ((2, 0), (0,)),
        ((3, 0), (0, 0)),
        ((0, 2), (2, 3)),
    ],
)
def test_empty_dimensions(shape_a, shape_b):
    # k = 0 gives zeros (a sum of nothing); m = 0 gives no rows.
    a, b = np.zeros(shape_a), np.zeros(shape_b)
    assert matmul(a, b) == (a @ b).tolist()


def test_vector_dot_vector_is_a_scalar():
    a, b = (1, 2, 3), (4, 5, 6)
    got = matmul(a, b)
    assert type(got) is int
    assert got == int(np.array(a) @ np.array(b))
    assert matmul((), ()) == 0


def test_exact_number_types_pass_through():
    a = [[Fraction(1, 3), Fraction(1, 2)]]
    b = [[Decimal(1)], [Decimal(2)]]
    with pytest.raises(TypeError):  # Fraction * Decimal is undefined in Python
        matmul(a, b)
    assert matmul(a, [[Fraction(3)], [Fraction(2)]]) == [[Fraction(1) + Fraction(1)]]


# ------------------------------------------------------------ matmul errors


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "detail"),
    [
        ((2, 3), (2,), "3 (dim 1 of a) != 2 (dim 0 of b)"),
        ((3,), (2,), "3 (dim 0 of a) != 2 (dim 0 of b)"),
        ((2, 3), (4, 2), "3 (dim 1 of a) != 4 (dim 0 of b)"),
        ((3,), (2, 3), "3 (dim 0 of a) != 2 (dim 0 of b)"),
    ],
)
def test_mismatched_shapes_name_both_shapes(shape_a, shape_b, detail):
    a, b = np.ones(shape_a).tolist(), np.ones(shape_b).tolist()
    with pytest.raises(ValueError) as info:
        matmul(a, b)
    message = str(info.value)
    assert str(shape_a) in message and str(shape_b) in message
    assert detail in message
    with pytest.raises(ValueError):  # numpy agrees these do not multiply
        np.ones(shape_a) @ np.ones(shape_b)


@pytest.mark.parametrize(
    ("a", "b", "where"),
    [
        ([[1, "x"]], [[1], [2]], "a[0][1] is str"),
        ([1, 2], [[1], [None]], "b[1][0] is NoneType"),
        ([1, [2]], [1, 2], "mixes"),
    ],
)
def test_non_numeric_entries(a, b, where):
    error = ValueError if where == "mixes" else TypeError
    with pytest.raises(error, match=re.escape(where)):
        matmul(a, b)


def test_both_operands_are_validated_before_any_product():
    products = []

    class Spy(int):
        def __mul__(self, other):
            products.append((self, other))
            return int(self) * other

    with pytest.raises(TypeError, match="str"):
        matmul([[Spy(1), Spy(2)]], [[1], ["x"]])
    assert products == []
    assert matmul([[Spy(1), Spy(2)]], [[3], [4]]) == [[11]]
    assert len(products) == 2


def test_ragged_operand_names_row_lengths():
    with pytest.raises(ValueError, match=re.escape("[2, 1]")):
        matmul([[1, 2], [3]], [[1], [2]])


@pytest.mark.parametrize("scalar", [3, 2.5, np.float64(2.0), np.array(3)])
def test_zero_dimensional_operands(scalar):
    with pytest.raises(ValueError, match="operand a is 0-D"):
        matmul(scalar, [1, 2])
    with pytest.raises(ValueError, match="operand b is 0-D"):
        matmul([1, 2], scalar)


@pytest.mark.parametrize("three_d", [[[[1]]], np.ones((1, 1, 1))])
def test_three_dimensional_operands(three_d):
    with pytest.raises(ValueError, match="dimensions"):
        matmul(three_d, [[1]])


def test_inputs_are_not_mutated():
    a = [[1, 2], [3, 4]]
    b = [5, 6]
    a_before, b_before = copy.deepcopy(a), copy.deepcopy(b)
    matmul(a, b)
    matmul(b, a)
    assert a == a_before and b == b_before


# ------------------------------------------------------------------ shape


@pytest.mark.parametrize(
    "x", [5, [], [1, 2], [[]], [[1, 2, 3], [4, 5, 6]], ((1.5,), (2.5,))]
)
def test_shape_matches_numpy(x):
    assert shape(x) == np.shape(x)


@pytest.mark.parametrize("shp", [(), (0,), (3,), (2, 0), (2, 3)])
def test_shape_of_numpy_arrays(shp):
    assert shape(np.zeros(shp)) == shp


def test_shape_accepts_exotic_numbers():
    assert shape([Decimal(1), Fraction(1, 2), np.int8(3), True]) == (4,)
    assert shape(np.array([Decimal(1), Fraction(1, 2)], dtype=object)) == (2,)


@pytest.mark.parametrize(
    "bad",
    [np.array(["a", "b"]), np.array([1, "x"], dtype=object), "ab", [[1, b"x"]]],
)
def test_shape_rejects_non_numbers(bad):
    with pytest.raises(TypeError):
        shape(bad)


def test_shape_type_error_names_type_and_position():
    with pytest.raises(TypeError, match=re.escape("x[1][0] is str")):
        shape([[1, 2], ["3", 4]])
    with pytest.raises(TypeError, match=re.escape("x[1] is str")):
        shape(np.array([1, "x"], dtype=object))


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        ([[1, 2, 3], [4]], re.escape("[3, 1]")),
        ([1, [2, 3]], "mixes"),
        ([[[1]]], "more than 2"),
        (np.zeros((1, 2, 3)), "3 dimensions"),
    ],
)
def test_shape_rejects_ragged_mixed_and_deep_operands(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        shape(bad)


# ------------------------------------------------ regressions found by fuzzing


@pytest.mark.parametrize("pow_", POWERS)
def test_float_underflow_with_negative_exponent_is_inf_not_zero_division(pow_):
    # 0.5 ** 1100 underflows to 0.0; its inverse stands for 2 ** 1100: inf
    assert pow_(0.5, -1100) == math.inf
    assert pow_(-0.5, -1101) == -math.inf
    assert pow_(np.float64(0.5), -1100) == math.inf  # no RuntimeWarning either
    assert fast_power(1e-308, -2) == math.inf


@pytest.mark.parametrize("pow_", POWERS)
def test_float_overflow_is_inf_without_warning(pow_):
    assert pow_(np.float64(1e200), 2) == math.inf
    assert pow_(-10.0, 309) == -math.inf


def test_decimal_overflow_is_a_value_error_naming_base_and_exponent():
    with pytest.raises(ValueError, match=r"base \*\* exponent is out of the range"):
        fast_power(Decimal("1e500000"), 2)
    with pytest.raises(ValueError, match="decimal context"):
        power(Decimal("1e-500000"), -3)  # underflows to 0, then 1 / 0
    with pytest.raises(ValueError, match="base must be a number"):
        power(Decimal("sNaN"), 2)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: count_multiplications(10**9, "repeated"), r"at most 100000"),
        (lambda: power(2, 10**6), r"at most 100000"),
        (lambda: fast_power(3, 10**6), r"MAX_EXACT_BITS"),
        (lambda: power(Fraction(3, 2), 10**5), r"MAX_EXACT_BITS"),
        (lambda: fast_power(2.0, 2**200_000), r"at most 100000 bits"),
    ],
)
def test_huge_exponents_are_refused_at_once(call, match):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        call()
    assert time.perf_counter() - start < 0.1


def test_counts_are_still_measured_up_to_the_limit():
    assert count_multiplications(MAX_FACTORS, "repeated") == MAX_FACTORS - 1
    assert fast_power(1.0, 10**100) == 1.0  # squaring has no factor limit


def test_count_rejects_unhashable_method_with_a_type_error():
    with pytest.raises(TypeError, match="method must be a str"):
        count_multiplications(3, ["repeated"])


def test_matmul_on_int64_arrays_is_exact_where_numpy_wraps():
    a = np.array([[2**62, 2**62]], dtype=np.int64)
    b = np.array([[2], [2]], dtype=np.int64)
    assert matmul(a, b) == [[2**64]]
    assert (a @ b).tolist() == [[0]]  # NumPy wraps modulo 2**64
    assert "wraps around" in declared(matmul).notes[0]


def test_matmul_names_entries_that_cannot_be_multiplied():
    with pytest.raises(TypeError, match=r"row 0 of a \(float\) by entry 0 of column 0 of b"):
        matmul([[1.5]], [[Decimal(2)]])
    with pytest.raises(ValueError, match="Decimal arithmetic signalled"):
        matmul([[Decimal("sNaN")]], [[Decimal(1)]])
