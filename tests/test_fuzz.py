"""Fuzz every public function of gradbook against the error contract.

The contract (see `gradbook._contract`): whatever the arguments, a public
function returns a correct result with finite floats in every numeric output,
or raises `ValueError` / `TypeError` whose message names the argument. It
never hangs, warns, turns finite input into NaN or inf, or lets a bare
arithmetic exception (`ZeroDivisionError`, `OverflowError`, `decimal.*`, ...)
escape. A function may declare exceptions with `@contract(...)` next to its
definition; this harness reads them from there and from nowhere else.

How the calls are built
-----------------------
* Targets are discovered, not listed: every module of the package whose name
  does not start with "_", every name in its `__all__` that is a function or
  a class (exception classes excepted: they are raised, not called), and the
  public classmethods and staticmethods of those classes (`World.new`).
* Arguments come from `inspect.signature`. Each call is one of three kinds:
  "one" (most calls) puts one HOSTILE value into one parameter and VALID
  values into the others, so the function gets past its first checks;
  "valid" uses VALID values only; "all" makes every parameter hostile.
* HOSTILE values are generic: wrong shapes (0-d, 3-d, empty, ragged), NaN,
  +-inf, subnormals, +-1e308, +-1000, wrong types (None, str, bool, complex,
  Decimal, Fraction, lists for arrays, objects), integer extremes, zero,
  negative and huge counts, and callables that return NaN, None or a string.
* VALID values are looked up by parameter name in the table below. A name
  that means different things in different modules gets a qualified key;
  the lookup order is "module.qualname.param", "qualname.param",
  "module.param", "param".

Adding a module to `gradbook`, or a name to an `__all__`, is all it takes to
have it fuzzed, once VALID knows its parameter names; the failure message
says how to add one.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import math
import os
import pkgutil
import re
import signal
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

import gradbook
from gradbook._contract import declared

DEADLINE = 10.0  # seconds per call: longer is a hang (the slowest valid call takes ~4 s)
KNOWN_DEADLINE = 2.0  # for functions listed in KNOWN_CONTRACT_FAILURES
EXAMPLES = int(os.environ.get("GRADBOOK_FUZZ_EXAMPLES", "40"))  # per function
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the harness has its own, per call
    derandomize=True,  # the same calls on every run: CI time is predictable
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Functions of modules being written by others that do not keep the contract
# yet, with what the fuzzer saw. The lead empties this list as they are fixed;
# the tests still run (and report XPASS once a function passes).
KNOWN_CONTRACT_FAILURES = {
    # "module.function": "what the fuzzer saw",  (empty: every function passes)
}


# --- discovery -----------------------------------------------------------------


def public_modules():
    return sorted(
        info.name for info in pkgutil.iter_modules(gradbook.__path__)
        if not info.name.startswith("_")
    )


@dataclass(frozen=True)
class Target:
    id: str  # "module.qualname"
    module: str
    qualname: str
    func: object

    @property
    def parameters(self):
        return [p for p in inspect.signature(self.func).parameters.values()
                if p.kind is not p.VAR_KEYWORD]


def discover():
    targets, seen = [], set()
    for module_name in public_modules():
        module = importlib.import_module(f"gradbook.{module_name}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if id(obj) in seen:
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue  # raised, not called
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # a constant
            seen.add(id(obj))
            targets.append(Target(f"{module_name}.{name}", module_name, name, obj))
            if inspect.isclass(obj):
                for attr, raw in vars(obj).items():
                    if isinstance(raw, (classmethod, staticmethod)) and not attr.startswith("_"):
                        targets.append(Target(f"{module_name}.{name}.{attr}", module_name,
                                              f"{name}.{attr}", getattr(obj, attr)))
    return targets


TARGETS = discover()


# --- values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Returns:
    """A callable argument that ignores its input and returns `value`."""

    value: object

    def __call__(self, *args, **kwargs):
        return copy.deepcopy(self.value)

    def __repr__(self):
        return f"Returns({self.value!r})"


def sine_sum(p):
    """A smooth, bounded test function of a parameter vector."""
    return float(np.sum(np.sin(p)))


def sine_sum_grad(p):
    return np.cos(p)


def bowl(p):
    """`(|p|**2, 2 p)` for gradient descent, warning-free for any finite p."""
    with np.errstate(over="ignore"):
        return float(sum(float(v) ** 2 for v in p)), 2.0 * np.asarray(p, dtype=float)


def _build_valid():
    from gradbook import asteroids, regression, robot_arm, transforms

    floors, prices = regression.FLOORS.copy(), regression.PRICES.copy()
    return {
        # linalg
        "base": [2, 3.5, -1.5, Decimal("1.5"), Fraction(2, 3)],
        "exponent": [0, 1, 5, -3, 13],
        "method": ["repeated", "squaring"],
        "linalg.x": [[[1, 2], [3, 4]], [1.0, 2.0], 7, np.arange(6).reshape(2, 3)],
        "linalg.a": [[[1, 2], [3, 4]], [1.0, 2.0], np.array([[0.5, 1.0]])],
        "linalg.b": [[[5, 6], [7, 8]], [1.0, -1.0], np.eye(2)],
        # transforms
        "theta": [0.0, 0.3, -2.0, math.pi],
        "dx": [0.0, 1.5, -2.0], "dy": [0.0, 1.5, -2.0],
        "sx": [1.0, 2.0, -0.5], "sy": [1.0, 3.0, 0.0],
        "points": [[1.0, 2.0], [[0.0, 0.0], [1.0, -1.0]]],
        "transforms.w": [1.0, 0.0],
        "transforms.h": [[2.0, 3.0, 1.0], [[4.0, 6.0, 2.0]]],
        "matrix": [np.eye(3), transforms.rotation(0.3), transforms.translation(1.0, 2.0)],
        "matrices": [np.eye(3), transforms.rotation(0.3), transforms.scale(2.0, 0.5)],
        # asteroids
        "velocity": [[3.0, 3.0], [0.5, 0.0], np.zeros(2)],
        "max_speed": [4.0, 2.0],
        "position": [[16.5, -1.0], np.array([[1.0, 2.0], [20.0, -3.0]])],
        "width": [16.0, 1.0], "height": [9.0, 1.0],
        "heading": [0.0, 1.0], "angle": [0.0, 2.0], "spin": [0.5], "radius": [1.0],
        "asteroids.Asteroid.shape": [np.array([[1.0, 0.0], [0.0, 1.0]])],
        "turn": [-1, 0, 1], "thrust": [True, False],
        "ship": [asteroids.Ship(np.array([8.0, 4.5]))],
        "asteroids": [[], asteroids.World.new(0, n_asteroids=2).asteroids],
        "time": [0.0, 1.5], "accel": [8.0], "turn_rate": [math.pi],
        "seed": [0, 1, 7],
        "n_asteroids": [0, 3, 6],
        "t": [0.0, 1.0, 5.0],
        "asteroids.simulate.steps": [0, 3, 20],
        "asteroids.Frame.step": [0, 5],
        "dt": [0.05, 0.1],
        "asteroids.simulate.controls": [asteroids.autopilot, Returns(asteroids.Controls())],
        "asteroids.Frame.controls": [asteroids.Controls()],
        "ship_position": [np.zeros(2)], "ship_velocity": [np.zeros(2)],
        "ship_heading": [0.0], "ship_outline": [asteroids.SHIP_SHAPE.copy()],
        "asteroid_positions": [np.zeros((0, 2))], "asteroid_radii": [np.zeros(0)],
        "asteroid_outlines": [()],
        # gradcheck
        "f": [sine_sum],
        "grad": [sine_sum_grad],
        "gradcheck.params": [[0.5, -1.0], [0.0], []],
        "gradcheck.h": [1e-6, 1e-4],
        "rtol": [1e-6, 1e-3], "atol": [1e-8, 0.0],
        # descent
        "fun": [bowl],
        "x0": [[1.0, -2.0], [0.5]],
        "descent.lr": [0.1, 0.3],
        "max_steps": [0, 1, 50, 300],
        "tol": [1e-9, 1e-3],
        "divergence": [1e12, 10.0],
        "descent.gradient_descent.names": [None],
        "descent.History.params": [np.zeros((1, 2))],
        "descent.History.loss": [np.zeros(1)],
        "descent.History.grad_norm": [np.zeros(1)],
        "descent.History.steps": [0],
        "descent.History.lr": [0.1],
        "descent.History.names": [("a", "b")],
        "converged": [True, False], "diverged": [False],
        # regression
        "y_hat": [[1.0, 2.0], np.array([0.5, -3.0])],  # every VALID combination fits
        "regression.mse.y": [[1.0, 4.0], np.array([0.0, 2.0])],
        "regression.mse_grad.y": [[1.0, 4.0], np.array([0.0, 2.0])],
        "regression.x": [floors, np.array([0.0, 1.0, 2.0, 3.0])],
        "regression.y": [prices, np.array([1.0, 0.0, 1.0, 3.0])],
        "regression.w": [0.0, 1.0, -2.5], "regression.b": [0.0, 1.0, -2.5],
        "w0": [0.0, 1.0], "b0": [0.0, -1.0],
        "regression.lr": [0.01, 0.1],
        "model": [regression.LINEAR, regression.SIGMOID, regression.CUBIC],
        "regression.gradient_descent.rule": [regression.gradient, regression.report_gradient],
        "feature": [regression.LINEAR.feature, regression.CUBIC.feature, np.square],
        "regression.Model.name": ["linear"],
        "predict": [regression.linear], "partials": [regression.linear_partials],
        "regression.Model.feature": [None, regression.LINEAR.feature],
        # activations
        "a": [0.0, [-2.0, 2.0], np.array([[1.0, -0.5]])],
        "alpha": [0.1, 0.5],
        # nn
        "W": [[[0.5], [-1.0], [1.5]]], "nn.b": [[0.0, 0.6, -1.0]],
        "W1": [[[0.5], [-1.0], [1.5]]], "b1": [[0.0, 0.6, -1.0]],
        "W2": [[[1.0, 0.5, -0.5]]], "b2": [[0.2]],
        "activation": ["relu", "tanh", "leaky_relu"], "output": [None, "leaky_relu"],
        "hidden": [1, 3], "d_in": [1, 2], "d_out": [1], "chapter": ["backprop", "leaky_relu"],
        "nn.model": [_nn_model()],
        "nn.x": [[[-1.0], [0.5], [2.0]]], "nn.y": [[[0.5], [0.0], [1.0]]],
        "nn.lr": [0.01, 0.1], "nn.loss": ["mae", "mse"], "nn.rule": ["backprop", "report"],
        "n": [10, 40], "outliers": [None, 0, 4],
        # robot_arm
        "thetas": [robot_arm.START.copy(), [0.0, 0.5, -0.5]],
        "lengths": [robot_arm.LENGTHS.copy(), [1.0, 2.0, 0.5]],
        "target": [robot_arm.TARGET.copy(), [1.0, 1.0]],
        "robot_arm.lr": [0.01, 0.001],
        "run": [robot_arm.reach(robot_arm.START, robot_arm.LENGTHS, robot_arm.TARGET,
                                0.01, max_steps=3)],
        "forward": [robot_arm.joints, robot_arm.report_joints],
        "previous_tip": [None],
    }


def _nn_model():
    from gradbook import nn

    return nn.example_model()


def _valid_or_none():
    try:
        return _build_valid()
    except Exception as exc:  # a module under construction broke an example
        return exc


VALID = _valid_or_none()
if isinstance(VALID, Exception):  # report it as a test failure, not a collection error
    VALID_ERROR, VALID = VALID, {}
else:
    VALID_ERROR = None


def valid_key(target, param):
    """The first VALID key that knows `param` of `target`, or None."""
    for key in (f"{target.module}.{target.qualname}.{param}", f"{target.qualname}.{param}",
                f"{target.module}.{param}", param):
        if key in VALID:
            return key
    return None


NAN, INF = math.nan, math.inf
SPECIALS = [
    None, True, False, "", "abc", "1.5", b"1", 1j, complex(NAN, 0.0),
    Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1e500000"),
    Decimal("-1e500000"), Decimal("1.5"), Fraction(1, 3), Fraction(10**400, 3),
    0, 1, -1, 2, 1000, -1000, 10**9, -10**9, 2**31, 2**63 - 1, -2**63, 2**64, 10**100,
    10**400, -10**400,
    0.0, -0.0, 0.5, 1.0, -1.0, NAN, INF, -INF, 5e-324, -5e-324, 2.2250738585072014e-308,
    1e-300, 1e300, 1e308, -1e308, 1.7976931348623157e308, 1000.0, -1000.0,
    np.float64(NAN), np.float64(1e308), np.int64(2**63 - 1), np.int64(-2**63),
    np.uint64(2**64 - 1), np.float32(1.5), np.bool_(True), object(),
    [], (), {}, [[]], [1, "2"], [None], [[1.0, 2.0], [3.0]], [[[1.0]]], [1e308, 1e308],
    [5e-324, 5e-324], [NAN, 1.0], [INF, -INF], [1000.0, -1000.0], [Decimal("1e500000")],
    [1e200, 1e200], [[1e308, 1e308], [1e308, 1e308]],
    np.array(NAN), np.array(1.0), np.empty(0), np.empty((0, 2)), np.empty((2, 0)),
    np.zeros((2, 2, 2)), np.full((3, 3), 1e308), np.array(["a", "b"]), np.array([1 + 1j, 2j]),
    np.array([True, False]), np.array([2**62, 2**62]), np.array([1, None], dtype=object),
    np.array([Decimal(1), Decimal(2)], dtype=object), np.eye(3) * 1e308, np.full(4, -1e308),
    np.full(4, 1e-320), np.array([[1e200], [1e200]]),
    Returns(NAN), Returns(None), Returns("x"), Returns(INF), Returns((NAN, NAN)),
    Returns(np.zeros(7)), Returns((1.0, "g")), Returns(1e308),
]

floats = st.floats()  # NaN, infinities and subnormals included
hostile = st.one_of(
    st.sampled_from(SPECIALS), st.sampled_from(SPECIALS), st.sampled_from(SPECIALS),
    floats,
    st.integers(-2**70, 2**70),
    st.lists(floats, max_size=4),
    st.lists(st.lists(floats, max_size=3), max_size=3),
    npst.arrays(np.float64, npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
                elements=floats),
    st.text(max_size=3),
    st.complex_numbers(),
    st.decimals(),
    st.fractions(),
).map(copy.deepcopy)


@dataclass
class Case:
    """One call: positional and keyword arguments, and which are hostile."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    hostile: tuple = ()

    def __repr__(self):
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"({', '.join(parts)})  # hostile: {', '.join(self.hostile) or 'none'}"


_DEFAULT = object()


@st.composite
def cases(draw, target):
    params = target.parameters
    mode = draw(st.sampled_from(["one", "one", "one", "one", "valid", "all"]))
    if not params:
        mode = "valid"
    bad = draw(st.integers(0, len(params) - 1)) if mode == "one" else None
    args, kwargs, hostile_names = [], {}, []
    positional = any(p.kind is p.VAR_POSITIONAL for p in params)
    for i, p in enumerate(params):
        is_bad = mode == "all" or i == bad
        optional = p.default is not p.empty or p.kind is p.VAR_POSITIONAL
        key = valid_key(target, p.name)
        if p.kind is p.VAR_POSITIONAL:
            good = [copy.deepcopy(draw(st.sampled_from(VALID[key]))) for _ in
                    range(draw(st.integers(0, 3)))] if key else []
            if is_bad:
                good.insert(draw(st.integers(0, len(good))), draw(hostile))
                hostile_names.append(p.name)
            args.extend(good)
            continue
        if is_bad and not (mode == "all" and optional and draw(st.booleans())):
            value = draw(hostile)
            hostile_names.append(p.name)
        elif key is not None and not (optional and draw(st.integers(0, 3)) == 0):
            value = copy.deepcopy(draw(st.sampled_from(VALID[key])))
        elif optional:
            value = _DEFAULT
        else:
            raise AssertionError(unknown_parameter_message(target, p.name))
        if value is _DEFAULT:
            continue
        if positional or p.kind is p.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[p.name] = value
    return Case(tuple(args), kwargs, tuple(hostile_names))


def unknown_parameter_message(target, name):
    return (
        f"gradbook.{target.id} has a parameter {name!r} that the fuzz table does not "
        f"know. Add valid example values to VALID in tests/test_fuzz.py: "
        f"VALID[{name!r}] = [...] if the name means the same everywhere, or "
        f"VALID['{target.module}.{name}'] / VALID['{target.module}.{target.qualname}.{name}'] "
        f"if it means something else in {target.module}."
    )


# --- the contract --------------------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that `except Exception` cannot eat it."""


@contextmanager
def deadline(seconds):
    def on_alarm(signum, frame):
        raise Hang()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def nonfinite(value, depth=0, seen=None):
    """Paths to the NaN and infinities inside `value` (numbers, arrays, containers)."""
    seen = set() if seen is None else seen
    if depth > 8 or id(value) in seen:
        return []
    if isinstance(value, (bool, np.bool_, str, bytes, int, Fraction)) or value is None:
        return []
    if isinstance(value, (float, np.floating)):
        return [] if math.isfinite(value) else [repr(value)]
    if isinstance(value, (complex, np.complexfloating)):
        return [] if (math.isfinite(value.real) and math.isfinite(value.imag)) else [repr(value)]
    if isinstance(value, Decimal):
        return [] if value.is_finite() else [repr(value)]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return [] if np.all(np.isfinite(value)) else ["array with NaN or inf"]
        if value.dtype.kind == "O":
            return [p for v in value.flat for p in nonfinite(v, depth + 1, seen)]
        return []
    seen.add(id(value))
    if isinstance(value, Returns):
        return nonfinite(value.value, depth + 1, seen)
    if isinstance(value, dict):
        return [p for v in value.values() for p in nonfinite(v, depth + 1, seen)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for v in value for p in nonfinite(v, depth + 1, seen)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [f"{f.name}: {p}" for f in dataclasses.fields(value)
                for p in nonfinite(getattr(value, f.name), depth + 1, seen)]
    if hasattr(value, "__dict__") and type(value).__module__.startswith("gradbook"):
        return [f"{k}: {p}" for k, v in vars(value).items()
                for p in nonfinite(v, depth + 1, seen)]
    return []


def names_argument(message, names):
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message)
               for n in names)


@dataclass
class Stats:
    functions: set = field(default_factory=set)
    calls: int = 0
    outcomes: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    def count(self, target, outcome, seconds):
        self.functions.add(target.id)
        self.calls += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.seconds[target.id] = self.seconds.get(target.id, 0.0) + seconds


STATS = Stats()


def check_contract(target, case):
    """Call `target` with `case` and fail unless the outcome keeps the contract."""
    rules = declared(target.func)
    limit = KNOWN_DEADLINE if target.id in KNOWN_CONTRACT_FAILURES else DEADLINE
    call = f"gradbook.{target.id}{case!r}"
    start = time.perf_counter()
    outcome = "returned"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with deadline(limit):
                try:
                    result = target.func(*case.args, **case.kwargs)
                except Hang:
                    raise AssertionError(f"{call} ran for more than {limit} s: a hang") from None
                except Warning as w:
                    raise AssertionError(f"{call} warned: {type(w).__name__}: {w}") from None
                except Exception as exc:
                    outcome = type(exc).__name__
                    check_exception(target, case, call, rules, exc)
                    return
    finally:
        STATS.count(target, outcome, time.perf_counter() - start)
    bad = nonfinite(result)
    if bad and not nonfinite((case.args, case.kwargs)) and rules.nonfinite is None:
        raise AssertionError(
            f"{call} returned non-finite values from finite input, without declaring it: "
            f"{bad[:3]}"
        )


def check_exception(target, case, call, rules, exc):
    if rules.allows(exc):
        return
    if isinstance(exc, ArithmeticError) or not isinstance(exc, (ValueError, TypeError)):
        raise AssertionError(
            f"{call} raised a bare {type(exc).__module__}.{type(exc).__name__}: {exc}"
        ) from exc
    names = case.hostile if len(case.hostile) == 1 else [p.name for p in target.parameters]
    if not names_argument(str(exc), names):
        raise AssertionError(
            f"{call} raised {type(exc).__name__} whose message does not name "
            f"{' or '.join(map(repr, names))}: {exc}"
        ) from exc


# --- regression cases found by fuzzing (each is also a unit test elsewhere) ----

REGRESSIONS = {
    "asteroids.World.new": [Case(kwargs={"seed": 0, "width": 1e-300, "height": 1e-300})],
    "asteroids.clip_speed": [Case(([1e200, 1e200], 4.0)), Case((None, 4))],
    "regression.mse": [Case((None, None))],
    "linalg.power": [Case((0.5, -1100)), Case((2, 10**6))],
    "linalg.fast_power": [Case((1e-308, -2)), Case((Decimal("1e500000"), 2))],
    "linalg.count_multiplications": [Case((10**9, "repeated"))],
    "gradcheck.numerical_gradient": [Case((sine_sum, [1.0, 2.0]), {"h": 1e-300})],
    "gradcheck.check_gradient": [
        Case((sine_sum, Returns(np.array([5.0, 5.0])), [1.0, 2.0]), {"atol": 1e308, "rtol": 1e-308}),
    ],
    "regression.least_squares": [Case((lambda x: 1e200 * x,))],
    "regression.divergence_threshold": [Case((lambda x: 1e200 * x,))],
    "asteroids.simulate": [Case(kwargs={"dt": 1e308, "steps": 3})],
    "linalg.matmul": [Case((np.array([[2**62, 2**62]]), np.array([[2], [2]])))],
}


# --- tests ---------------------------------------------------------------------------


def test_fuzz_table_builds():
    assert VALID_ERROR is None, f"building VALID failed: {VALID_ERROR!r}"


@pytest.mark.parametrize("module", public_modules())
def test_public_modules_declare_all(module):
    mod = importlib.import_module(f"gradbook.{module}")
    assert hasattr(mod, "__all__"), (
        f"gradbook.{module} has no __all__: list its public names so the fuzz tests find them"
    )


def test_every_regression_case_has_a_target():
    assert set(REGRESSIONS) <= {t.id for t in TARGETS}


def _marks(target):
    if target.id in KNOWN_CONTRACT_FAILURES:
        return [pytest.mark.xfail(reason=KNOWN_CONTRACT_FAILURES[target.id], strict=False)]
    return []


@pytest.mark.parametrize(
    "target", [pytest.param(t, id=t.id, marks=_marks(t)) for t in TARGETS]
)
def test_contract(target, fuzz_summary):
    for p in target.parameters:
        if p.default is p.empty and p.kind is not p.VAR_POSITIONAL and valid_key(target, p.name) is None:
            pytest.fail(unknown_parameter_message(target, p.name))

    def run(case):
        check_contract(target, case)

    run = given(case=cases(target))(run)
    for case in REGRESSIONS.get(target.id, []):
        run = example(case=case)(run)
    if target.id in KNOWN_CONTRACT_FAILURES:  # do not spend time shrinking a known hang
        run = settings(FUZZ, phases=[Phase.explicit, Phase.generate])(run)
    else:
        run = FUZZ(run)
    run()


@pytest.fixture(scope="module")
def fuzz_summary(request):
    """Report how much was fuzzed, in the terminal summary of a normal run."""
    STATS.__init__()
    start = time.perf_counter()
    yield STATS
    elapsed = time.perf_counter() - start
    slowest = sorted(STATS.seconds.items(), key=lambda kv: -kv[1])[:3]
    lines = [
        f"fuzz: {len(STATS.functions)} public functions, {STATS.calls} generated calls "
        f"in {elapsed:.1f} s ({EXAMPLES} examples per function + regression cases)",
        "fuzz outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(STATS.outcomes.items())),
        "fuzz slowest: " + ", ".join(f"{k} {v:.2f} s" for k, v in slowest),
    ]

    class Summary:
        @pytest.hookimpl(trylast=True)
        def pytest_terminal_summary(self, terminalreporter):
            terminalreporter.section("gradbook fuzz")
            for line in lines:
                terminalreporter.write_line(line)

    request.config.pluginmanager.register(Summary(), "gradbook-fuzz-summary")
