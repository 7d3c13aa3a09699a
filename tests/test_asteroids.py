"""Tests for gradbook.asteroids: speed limit, wrap-around, determinism, rigid motion."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook.asteroids import (
    DT,
    HEIGHT,
    MAX_SPEED,
    SHIP_SHAPE,
    STEPS,
    WIDTH,
    Controls,
    Ship,
    World,
    autopilot,
    clip_speed,
    simulate,
    wrap,
)

SETTINGS = settings(max_examples=100, deadline=None)
components = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)
vectors = st.tuples(components, components).map(np.array)
limits = st.floats(1e-3, 1e3)
ROUNDING = 1 + 1e-12  # rescaling to length m may land one rounding step above m


def pairwise(points):
    return np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)


# --- speed limit -----------------------------------------------------------


@SETTINGS
@given(vectors, limits)
def test_clip_speed_caps_length_and_keeps_direction(v, m):
    out = clip_speed(v, m)
    speed = math.hypot(*v)
    assert math.hypot(*out) <= m * ROUNDING
    if speed > m:
        assert math.hypot(*out) == pytest.approx(m, rel=1e-12)
        # same direction: parallel (zero cross product) and pointing the same way
        assert abs(v[0] * out[1] - v[1] * out[0]) <= 1e-9 * speed * m
        assert v @ out > 0
    else:
        np.testing.assert_array_equal(out, v)


@SETTINGS
@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), limits)
def test_slow_velocities_are_unchanged(x, y, m):
    v = np.array([x, y])
    v = v * min(1.0, 0.999 * m / max(math.hypot(x, y), 1e-300))  # make it slower than m
    np.testing.assert_array_equal(clip_speed(v, m), v)


def test_zero_velocity_stays_zero_and_input_is_not_modified():
    v = np.array([3.0, 4.0])
    np.testing.assert_array_equal(clip_speed(np.zeros(2), 1.0), [0.0, 0.0])
    np.testing.assert_allclose(clip_speed(v, 1.0), [0.6, 0.8])
    np.testing.assert_array_equal(v, [3.0, 4.0])


@SETTINGS
@given(st.floats(1e-3, 1e3), st.floats(1.01, 100.0), st.sampled_from([-1.0, 1.0]))
def test_per_axis_clipping_lets_diagonals_through_sqrt2_too_fast(m, factor, sign):
    v = np.array([factor * m, sign * factor * m])  # a diagonal, faster than m
    per_axis = np.clip(v, -m, m)  # the report's approach
    assert np.linalg.norm(per_axis) == pytest.approx(math.sqrt(2) * m)
    assert np.linalg.norm(clip_speed(v, m)) == pytest.approx(m)


def test_report_example_three_three():
    per_axis = np.clip([3.0, 3.0], -2.0, 2.0)
    ours = clip_speed([3.0, 3.0], 2.0)
    assert np.linalg.norm(per_axis) == pytest.approx(2 * math.sqrt(2))
    assert np.linalg.norm(ours) == pytest.approx(2.0)
    assert ours[0] == pytest.approx(ours[1])  # still at 45 degrees


# --- wrap-around -------------------------------------------------------------


@SETTINGS
@given(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.floats(0.5, 100), st.floats(0.5, 100))
def test_wrap_lands_in_the_world_and_only_shifts_by_whole_sizes(x, y, w, h):
    out = wrap([x, y], w, h)
    assert 0 <= out[0] < w and 0 <= out[1] < h
    for p, q, size in [(x, out[0], w), (y, out[1], h)]:
        laps = (p - q) / size
        assert laps == pytest.approx(round(laps), abs=1e-9)
        oracle = p - size * math.floor(p / size)  # textbook modulo, may round up to size
        gap = abs(q - oracle) % size
        assert min(gap, size - gap) <= 1e-9 * max(1.0, abs(p))  # equal on the circle


def test_wrap_examples_and_tiny_negatives():
    np.testing.assert_array_equal(wrap([[1.0, 2.0], [17.0, -0.5]], 16, 9), [[1, 2], [1, 8.5]])
    out = wrap([-1e-17, -1e-17], 16.0, 9.0)  # float mod would round these up to 16 and 9
    assert 0 <= out[0] < 16 and 0 <= out[1] < 9


# --- the world -------------------------------------------------------------


def frame_fields(frame):
    return [getattr(frame, f.name) for f in dataclasses.fields(frame)]


def assert_same_frames(a, b):
    assert len(a) == len(b)
    for fa, fb in zip(a, b):
        for x, y in zip(frame_fields(fa), frame_fields(fb)):
            if isinstance(x, tuple):
                assert len(x) == len(y)
                for xi, yi in zip(x, y):
                    np.testing.assert_array_equal(xi, yi)
            else:
                np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("seed", [0, 7, 2024])
def test_same_seed_same_flight(seed):
    assert_same_frames(simulate(seed, steps=60), simulate(seed, steps=60))


def test_different_seeds_give_different_asteroids():
    a, b = simulate(1, steps=0)[0], simulate(2, steps=0)[0]
    assert not np.allclose(a.asteroid_positions, b.asteroid_positions)
    # the ship and its script do not depend on the seed
    np.testing.assert_array_equal(a.ship_position, b.ship_position)


@SETTINGS
@given(st.integers(0, 2**32), st.integers(0, 12))
def test_new_world_layout(seed, n):
    world = World.new(seed, n_asteroids=n)
    np.testing.assert_array_equal(world.ship.position, [WIDTH / 2, HEIGHT / 2])
    np.testing.assert_array_equal(world.ship.velocity, [0.0, 0.0])
    assert len(world.asteroids) == n
    for rock in world.asteroids:
        assert 0 <= rock.position[0] < WIDTH and 0 <= rock.position[1] < HEIGHT
        assert np.linalg.norm(rock.position - world.ship.position) >= 0.3 * HEIGHT
        assert 9 <= len(rock.shape) <= 13
        r = np.linalg.norm(rock.shape, axis=1)
        assert r.min() >= 0.75 and r.max() <= 1.15
        assert r.std() > 0  # irregular, not a regular polygon


def test_long_scripted_flight_respects_the_speed_limit_and_wraps():
    dt = DT
    frames = simulate(seed=5, steps=4 * STEPS, dt=dt)
    speeds = np.array([np.hypot(*f.ship_velocity) for f in frames])
    assert speeds.max() <= MAX_SPEED * ROUNDING
    at_limit = np.flatnonzero(np.abs(speeds - MAX_SPEED) < 1e-9)
    assert at_limit.size > 0
    # the first time it reaches the limit it flies the 45-degree diagonal
    vx, vy = frames[at_limit[0]].ship_velocity
    assert vx == pytest.approx(vy) and vx > 0
    # integrate the velocity without wrapping (independent of wrap()) and compare
    positions = np.array([f.ship_position for f in frames])
    velocities = np.array([f.ship_velocity for f in frames])
    unwrapped = positions[0] + np.cumsum(velocities[1:] * dt, axis=0)
    size = np.array([WIDTH, HEIGHT])
    laps = (unwrapped - positions[1:]) / size
    np.testing.assert_allclose(laps, np.round(laps), atol=1e-9)
    jumps = np.abs(np.diff(positions, axis=0)) > size / 2  # crossed an edge
    assert jumps.any(axis=0).all(), "wraps across both a vertical and a horizontal edge"
    assert np.all((positions >= 0) & (positions < size))


def test_demo_flight_within_six_seconds():
    frames = simulate(seed=0)
    assert len(frames) == STEPS + 1
    assert frames[-1].time == pytest.approx(STEPS * DT)
    assert {f.controls.turn for f in frames} == {-1, 0, 1}
    assert any(f.controls.thrust for f in frames)
    assert max(f.speed for f in frames) == pytest.approx(MAX_SPEED, abs=1e-9)
    positions = np.array([f.ship_position for f in frames])
    assert (np.abs(np.diff(positions, axis=0)) > np.array([WIDTH, HEIGHT]) / 2).any()


def test_step_physics_by_hand():
    world = World.new(seed=0, n_asteroids=0)
    world.ship.heading = math.pi / 2
    world.step(Controls(turn=1, thrust=True), dt=0.1)
    heading = math.pi / 2 + world.turn_rate * 0.1  # turn first, then thrust
    expected_v = world.accel * 0.1 * np.array([math.cos(heading), math.sin(heading)])
    assert world.ship.heading == pytest.approx(heading)
    np.testing.assert_allclose(world.ship.velocity, expected_v)
    np.testing.assert_allclose(world.ship.position, [WIDTH / 2, HEIGHT / 2] + expected_v * 0.1)
    assert world.time == pytest.approx(0.1)


def test_asteroids_drift_and_spin():
    world = World.new(seed=3, n_asteroids=4)
    before = [(r.position.copy(), r.angle) for r in world.asteroids]
    world.step(Controls(), dt=0.2)
    size = np.array([WIDTH, HEIGHT])
    for (p, angle), rock in zip(before, world.asteroids):
        moved = (rock.position - p - rock.velocity * 0.2) / size
        np.testing.assert_allclose(moved, np.round(moved), atol=1e-12)
        assert rock.angle == pytest.approx(angle + rock.spin * 0.2)


@pytest.mark.parametrize("seed", [0, 11])
def test_asteroids_move_rigidly(seed):
    frames = simulate(seed, steps=200)
    first = frames[0]
    for frame in frames[1:]:
        for k, outline in enumerate(frame.asteroid_outlines):
            # pairwise vertex distances and distances to the centre never change
            np.testing.assert_allclose(pairwise(outline), pairwise(first.asteroid_outlines[k]),
                                       atol=1e-9)
            to_centre = np.linalg.norm(outline - frame.asteroid_positions[k], axis=1)
            start = np.linalg.norm(first.asteroid_outlines[k] - first.asteroid_positions[k],
                                   axis=1)
            np.testing.assert_allclose(to_centre, start, atol=1e-9)
    # ...and they did move and turn, so the check above is not vacuous
    last = frames[-1]
    for a, b in zip(first.asteroid_outlines, last.asteroid_outlines):
        assert not np.allclose(a - a.mean(axis=0), b - b.mean(axis=0), atol=1e-3)


def test_ship_outline_is_the_shape_rotated_and_moved():
    heading, p = 0.7, np.array([3.0, 2.0])
    out = Ship(p, heading=heading).outline()
    c, s = math.cos(heading), math.sin(heading)
    expected = SHIP_SHAPE @ np.array([[c, s], [-s, c]]) + p  # rows rotated by heading
    np.testing.assert_allclose(out, expected)
    nose = out[np.argmax(np.linalg.norm(SHIP_SHAPE, axis=1))]
    np.testing.assert_allclose(nose - p, 0.5 * np.array([c, s]))


def test_frames_are_read_only():
    frame = simulate(0, steps=1)[-1]
    with pytest.raises(ValueError):
        frame.ship_position[0] = 1.0
    with pytest.raises(ValueError):
        frame.asteroid_outlines[0][0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame.time = 3.0


def test_autopilot_is_a_pure_schedule():
    assert [autopilot(t) for t in (0.0, 1.0, 2.5, 3.2, 4.0, 100.0)] == [
        Controls(1, False), Controls(0, True), Controls(0, False),
        Controls(1, False), Controls(0, True), Controls(-1, False),
    ]


def test_custom_controls_and_zero_steps():
    frames = simulate(0, steps=10, controls=lambda t: Controls())
    assert all(f.speed == 0 for f in frames)
    assert len(simulate(0, steps=0)) == 1


# --- validation --------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, words", [
    ({"dt": 0.0}, ValueError, "dt"),
    ({"dt": -0.1}, ValueError, "dt"),
    ({"dt": math.nan}, ValueError, "dt"),
    ({"dt": math.inf}, ValueError, "dt"),
    ({"dt": "0.05"}, TypeError, "dt"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.0}, TypeError, "steps"),
    ({"steps": True}, TypeError, "steps"),
    ({"n_asteroids": -2}, ValueError, "n_asteroids"),
    ({"n_asteroids": 1.5}, TypeError, "n_asteroids"),
    ({"width": 0.0}, ValueError, "width"),
    ({"height": -9.0}, ValueError, "height"),
    ({"height": None}, TypeError, "height"),
])
def test_simulate_validation(kwargs, error, words):
    with pytest.raises(error, match=words):
        simulate(0, **{"steps": 3, **kwargs})


@pytest.mark.parametrize("m, error", [(0.0, ValueError), (-1.0, ValueError),
                                      (math.nan, ValueError), ("2", TypeError)])
def test_clip_speed_validation(m, error):
    with pytest.raises(error, match="max_speed"):
        clip_speed([1.0, 1.0], m)


def test_wrap_validation():
    with pytest.raises(ValueError, match="width"):
        wrap([1.0, 1.0], 0.0, 9.0)
    with pytest.raises(ValueError, match="height"):
        wrap([1.0, 1.0], 16.0, math.inf)


@pytest.mark.parametrize("kwargs, error", [
    ({"turn": 2}, ValueError), ({"turn": 0.5}, TypeError), ({"turn": True}, TypeError),
    ({"thrust": 1}, TypeError), ({"thrust": "yes"}, TypeError),
])
def test_controls_validation(kwargs, error):
    with pytest.raises(error):
        Controls(**kwargs)


def test_step_validation():
    world = World.new(0)
    with pytest.raises(ValueError, match="dt"):
        world.step(Controls(), dt=0.0)
    with pytest.raises(TypeError, match="Controls"):
        world.step((1, True), dt=0.1)


# --- regressions found by fuzzing ----------------------------------------------


def test_tiny_world_does_not_hang():
    # the distance to the centre used to underflow to 0, so every draw was rejected
    world = World.new(seed=0, width=1e-300, height=1e-300)
    assert len(world.asteroids) == 6
    for rock in world.asteroids:
        offset = rock.position - world.ship.position
        assert math.hypot(*offset) >= 0.3e-300


def test_clip_speed_of_a_velocity_beyond_the_float_range():
    out = clip_speed([1e200, 1e200], 4.0)
    assert math.hypot(*out) == pytest.approx(4.0, rel=1e-15)
    assert out[0] == out[1] > 0
    out = clip_speed([-1e308, 1e308], 4.0)
    assert out.tolist() == pytest.approx([-2 ** 1.5, 2 ** 1.5], rel=1e-15)


@pytest.mark.parametrize("velocity, error, match", [
    (None, TypeError, "velocity must be an array"),
    ([1.0, np.nan], ValueError, "velocity must be finite"),
    ([1.0, 2.0, 3.0], ValueError, r"velocity must have shape \(2,\)"),
    ("ab", TypeError, "velocity"),
    ([[1.0], [2.0, 3.0]], ValueError, "velocity must be a rectangular"),
])
def test_clip_speed_rejects_bad_velocities(velocity, error, match):
    with pytest.raises(error, match=match):
        clip_speed(velocity, 4)


def test_huge_dt_names_dt_as_the_cause():
    with pytest.raises(ValueError, match=r"dt = 1e\+308 is too large: the ship's heading"):
        simulate(dt=1e308, steps=3)
    world = World.new(0)
    before = world.ship.position.copy(), world.time
    with pytest.raises(ValueError, match="dt"):
        world.step(Controls(thrust=True), dt=1e308)
    assert world.ship.position.tolist() == before[0].tolist() and world.time == before[1]


def test_sizes_and_counts_have_documented_limits():
    with pytest.raises(ValueError, match="n_asteroids must be <= 10000"):
        World.new(0, n_asteroids=10**9)
    with pytest.raises(ValueError, match="MAX_SNAPSHOTS"):
        simulate(steps=10**9)
    with pytest.raises(TypeError, match="controls must be callable"):
        simulate(steps=1, controls=None)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        World.new(-1)
