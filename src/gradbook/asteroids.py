r"""A headless Asteroids game: rigid motion, wrap-around space, a speed limit.

Every shape is drawn once in its own *model coordinates*, centred on the
origin (the ship's nose points along +x), and placed in the world each frame
by one matrix from [`gradbook.transforms`][gradbook.transforms],
`compose(translation(x, y), rotation(angle), scale(r, r))`: scale, then
rotate about the origin, then move. Rotation and translation keep distances,
so an asteroid keeps its shape however long it tumbles.

Two details are easy to get wrong:

* **Speed limit.** Clipping `vx` and `vy` separately to
  $[-v_{\max}, v_{\max}]$ lets a diagonal flight reach $\sqrt{2}\, v_{\max}$.
  Speed is the *length* of the velocity, so
  [`clip_speed`][gradbook.asteroids.clip_speed] rescales the whole vector and
  keeps its direction.
* **Wrap-around.** Space is a torus: leaving on the right re-enters on the
  left. [`wrap`][gradbook.asteroids.wrap] takes positions modulo the world
  size.

Units are world units (think metres) and seconds; angles are radians,
counter-clockwise, and heading 0 points along +x. The world is
`WIDTH x HEIGHT = 16 x 9` with the origin at the bottom-left corner.
Nothing is drawn here: [`simulate`][gradbook.asteroids.simulate] returns
read-only frames that a plotting script can draw one by one. The only
randomness is the seeded asteroid field of
[`World.new`][gradbook.asteroids.World.new], so a seed fixes the whole flight.
"""

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from gradbook._checks import callable_arg, count, finite_real, positive, real_array, show
from gradbook.transforms import apply, compose, rotation, scale, translation

__all__ = [
    "WIDTH",
    "HEIGHT",
    "MAX_SPEED",
    "ACCEL",
    "TURN_RATE",
    "DT",
    "STEPS",
    "SHIP_SHAPE",
    "MAX_ASTEROIDS",
    "MAX_SNAPSHOTS",
    "clip_speed",
    "wrap",
    "Ship",
    "Asteroid",
    "Controls",
    "World",
    "autopilot",
    "Frame",
    "simulate",
]

WIDTH, HEIGHT = 16.0, 9.0  # world size, units
MAX_SPEED = 4.0  # units/s
ACCEL = 8.0  # units/s^2 while thrusting
TURN_RATE = np.pi  # rad/s while turning
DT, STEPS = 0.05, 120  # 20 frames per second for 6 s
SHIP_SHAPE = np.array([[0.5, 0.0], [-0.35, 0.3], [-0.2, 0.0], [-0.35, -0.3]])
SHIP_SHAPE.flags.writeable = False  # an arrow, nose along +x, model coordinates
MAX_ASTEROIDS = 10_000  # largest asteroid field World.new draws
MAX_SNAPSHOTS = 100_000  # simulate: (steps + 1) * (n_asteroids + 1) at most, a few seconds


# --8<-- [start:clip_speed]
def clip_speed(velocity, max_speed):
    r"""Shorten `velocity` to length `max_speed` if it is longer.

    The direction is kept; slower velocities (and the zero vector) are
    returned unchanged. Compare `np.clip(v, -m, m)`, which caps each axis
    and lets `[m, m]` through with speed $\sqrt{2}\, m$.

    Parameters
    ----------
    velocity : array_like, shape (2,)
        Finite components, units/s.
    max_speed : float
        Speed limit, > 0.

    Returns
    -------
    numpy.ndarray, shape (2,)
        A new array.

    Raises
    ------
    TypeError
        If `velocity` is not made of real numbers or `max_speed` is not one.
    ValueError
        If `velocity` is not finite with shape (2,), or `max_speed` is not
        finite and > 0.

    Examples
    --------
    >>> v = clip_speed([3.0, 3.0], 2.0)
    >>> v.tolist(), float(np.linalg.norm(v))  # still diagonal, length 2
    ([1.4142135623730951, 1.4142135623730951], 2.0)
    >>> clip_speed([0.5, 0.0], 2.0).tolist()
    [0.5, 0.0]
    >>> clip_speed([1e200, 1e200], 4.0).tolist()  # |v| is beyond the float range
    [2.82842712474619, 2.82842712474619]
    """
    max_speed = positive("max_speed", max_speed)
    v = real_array("velocity", velocity, shape=(2,))
    with np.errstate(over="ignore"):
        speed = np.hypot(v[0], v[1])  # no overflow or underflow on the way
    if speed <= max_speed:
        return v
    if np.isfinite(speed):
        return v * (max_speed / speed)
    unit = v / np.max(np.abs(v))  # the length is beyond the float range: scale first
    return unit * (max_speed / np.hypot(unit[0], unit[1]))


# --8<-- [end:clip_speed]


# --8<-- [start:wrap]
def wrap(position, width, height):
    r"""Wrap positions into $[0, \text{width}) \times [0, \text{height})$ (a torus).

    Parameters
    ----------
    position : array_like, shape (2,) or (N, 2)
        Finite coordinates.
    width, height : float
        World size, > 0.

    Returns
    -------
    numpy.ndarray, same shape as `position`

    Raises
    ------
    TypeError
        If an argument is not made of real numbers.
    ValueError
        If `position` has the wrong shape or is not finite, or a size is not
        finite and > 0.

    Examples
    --------
    >>> wrap([16.5, -1.0], 16.0, 9.0).tolist()
    [0.5, 8.0]
    """
    size = np.array([positive("width", width), positive("height", height)])
    p = real_array("position", position)
    if p.shape[-1:] != (2,) or p.ndim not in (1, 2):
        raise ValueError(f"position must have shape (2,) or (N, 2), got {p.shape}")
    p = np.mod(p, size)
    return np.where(p >= size, p - size, p)  # mod(-1e-17, 16) rounds to 16


# --8<-- [end:wrap]


@dataclass(eq=False)
class Ship:
    """The player's ship: position (units), velocity (units/s), heading (rad)."""

    position: np.ndarray
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    heading: float = 0.0

    def direction(self):
        """Unit vector along the nose: +x rotated by the heading ($w = 0$).

        >>> (Ship(np.zeros(2), heading=np.pi).direction().round(12) + 0.0).tolist()
        [-1.0, 0.0]
        """
        return apply(rotation(self.heading), [1.0, 0.0], w=0)

    def outline(self):
        """World coordinates of the [`SHIP_SHAPE`][gradbook.asteroids.SHIP_SHAPE] vertices, shape (4, 2).

        >>> Ship(np.array([2.0, 1.0])).outline()[0].tolist()  # the nose
        [2.5, 1.0]
        """
        return apply(compose(translation(*self.position), rotation(self.heading)), SHIP_SHAPE)


@dataclass(eq=False)
class Asteroid:
    """A rock: `shape` (model coordinates, radius about 1) times `radius`."""

    position: np.ndarray
    velocity: np.ndarray
    angle: float
    spin: float  # rad/s
    radius: float
    shape: np.ndarray

    def outline(self):
        """World coordinates of the shape's vertices: scale, rotate, move.

        >>> rock = Asteroid(np.array([5.0, 5.0]), np.zeros(2), 0.0, 0.0, 2.0,
        ...                 np.array([[1.0, 0.0], [0.0, 1.0]]))
        >>> rock.outline().tolist()
        [[7.0, 5.0], [5.0, 7.0]]
        """
        place = compose(
            translation(*self.position), rotation(self.angle), scale(self.radius, self.radius)
        )
        return apply(place, self.shape)


@dataclass(frozen=True)
class Controls:
    """Pilot input for one step: `turn` in {-1, 0, 1} (1 = left), `thrust`.

    Raises
    ------
    TypeError
        If `turn` is not an int or `thrust` is not a bool.
    ValueError
        If `turn` is not -1, 0 or 1.
    """

    turn: int = 0
    thrust: bool = False

    def __post_init__(self):
        if isinstance(self.turn, (bool, np.bool_)) or not isinstance(self.turn, Integral):
            raise TypeError(f"turn must be an int, got {type(self.turn).__name__}")
        if self.turn not in (-1, 0, 1):
            raise ValueError(f"turn must be -1, 0 or 1, got {show(self.turn)}")
        if not isinstance(self.thrust, (bool, np.bool_)):
            raise TypeError(f"thrust must be a bool, got {type(self.thrust).__name__}")


def _check_seed(seed):
    if seed is not None and (isinstance(seed, (bool, np.bool_)) or not isinstance(seed, Integral)):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be >= 0, got {show(seed)}")
    return seed


@dataclass(eq=False)
class World:
    """The ship, the asteroids and the clock in a `width x height` torus."""

    width: float
    height: float
    ship: Ship
    asteroids: list
    time: float = 0.0
    max_speed: float = MAX_SPEED
    accel: float = ACCEL
    turn_rate: float = TURN_RATE

    @classmethod
    def new(cls, seed, n_asteroids=6, width=WIDTH, height=HEIGHT):
        """Ship at rest in the centre; seeded asteroids at least 0.3 * min(width, height) away.

        Asteroid positions are drawn uniformly and redrawn while too close to
        the centre; at least 70% of the draws are accepted for any world
        shape, so the loop ends after about `n_asteroids / 0.7` draws.

        Parameters
        ----------
        seed : int or None
            Seed of the random generator, >= 0; `None` draws a fresh field.
        n_asteroids : int, optional
            Number of asteroids, from 0 to
            [`MAX_ASTEROIDS`][gradbook.asteroids.MAX_ASTEROIDS].
        width, height : float, optional
            World size, finite and > 0.

        Returns
        -------
        World

        Raises
        ------
        TypeError
            If an argument has the wrong type.
        ValueError
            If an argument is out of range.

        Examples
        --------
        >>> world = World.new(seed=0)
        >>> world.ship.position.tolist(), len(world.asteroids)
        ([8.0, 4.5], 6)
        >>> tiny = World.new(seed=0, width=1e-300, height=1e-300)  # no underflow
        >>> len(tiny.asteroids)
        6
        """
        seed = _check_seed(seed)
        n_asteroids = count("n_asteroids", n_asteroids, limit=MAX_ASTEROIDS)
        width, height = positive("width", width), positive("height", height)
        rng = np.random.default_rng(seed)
        centre = np.array([width, height]) / 2
        keep_out = 0.3 * min(width, height)
        asteroids = []
        while len(asteroids) < n_asteroids:  # accepts >= 70% of draws
            position = rng.uniform([0.0, 0.0], [width, height])
            offset = position - centre
            if np.hypot(offset[0], offset[1]) < keep_out:  # hypot: no underflow to 0
                continue
            n = int(rng.integers(9, 14))  # vertices
            angles = (np.arange(n) + rng.uniform(-0.3, 0.3, n)) * 2 * np.pi / n
            radii = rng.uniform(0.75, 1.15, n)  # radial jitter: irregular rock
            heading, speed = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 1.5)
            asteroids.append(Asteroid(
                position=position,
                velocity=speed * np.array([np.cos(heading), np.sin(heading)]),
                angle=rng.uniform(0, 2 * np.pi),
                spin=rng.uniform(-1.0, 1.0),
                radius=rng.uniform(0.5, 1.0),
                shape=radii[:, None] * np.column_stack([np.cos(angles), np.sin(angles)]),
            ))
        return cls(width, height, Ship(centre), asteroids)

    # --8<-- [start:step]
    def step(self, controls, dt):
        """Advance the world by `dt` seconds (semi-implicit Euler).

        The new state is computed completely before any of it is stored, so
        a failing step leaves the world as it was.

        Raises
        ------
        TypeError
            If `controls` is not a [`Controls`][gradbook.asteroids.Controls].
        ValueError
            If `dt` is not finite and > 0, or so large that a heading, a
            displacement or the clock goes beyond the float range.

        Examples
        --------
        >>> world = World.new(seed=0, n_asteroids=0)
        >>> world.step(Controls(thrust=True), dt=0.5)
        >>> world.ship.velocity.tolist(), world.ship.position.tolist()  # 8 units/s capped to 4
        ([4.0, 0.0], [10.0, 4.5])
        """
        dt = positive("dt", dt)
        if not isinstance(controls, Controls):
            raise TypeError(f"controls must be Controls, got {type(controls).__name__}")
        ship, rocks = self.ship, self.asteroids
        with np.errstate(over="ignore", invalid="ignore"):
            heading = ship.heading + controls.turn * self.turn_rate * dt
            time = self.time + dt
            self._check_step(dt, "the ship's heading", heading)
            self._check_step(dt, "the clock", time)
            velocity = ship.velocity
            if controls.thrust:
                push = self.accel * dt * apply(rotation(heading), [1.0, 0.0], w=0)
                self._check_step(dt, "the thrust accel * dt", push)
                velocity = velocity + push
            velocity = clip_speed(velocity, self.max_speed)
            moves = [velocity * dt] + [rock.velocity * dt for rock in rocks]
            self._check_step(dt, "a displacement velocity * dt", moves)
            angles = [rock.angle + rock.spin * dt for rock in rocks]
            self._check_step(dt, "an asteroid's angle", angles)
        position = wrap(ship.position + moves[0], self.width, self.height)
        places = [wrap(rock.position + move, self.width, self.height)
                  for rock, move in zip(rocks, moves[1:])]
        ship.heading, ship.velocity, ship.position = heading, velocity, position
        for rock, place, angle in zip(rocks, places, angles):
            rock.position, rock.angle = place, angle
        self.time = time

    @staticmethod
    def _check_step(dt, what, values):
        if not np.all(np.isfinite(np.asarray(values, dtype=float))):
            raise ValueError(f"dt = {dt} is too large: {what} goes beyond the float range")

    # --8<-- [end:step]


# (until t in s, turn, thrust): a demo flight for the default world
_SCHEDULE = (
    (0.25, 1, False),  # turn 45 degrees left, onto the diagonal
    (2.0, 0, True),  # thrust: the speed limit is reached after 0.5 s
    (3.0, 0, False),  # coast out through the top edge, back in at the bottom
    (3.5, 1, False),  # turn another 90 degrees left
    (4.5, 0, True),  # thrust: the velocity swings round, still capped
    (np.inf, -1, False),  # coast, turning right
)


def autopilot(t):
    """The demo's control schedule: what the pilot does at time `t` (s).

    Raises
    ------
    TypeError
        If `t` is not a real number.
    ValueError
        If `t` is not finite.

    Examples
    --------
    >>> autopilot(0.0), autopilot(1.0)
    (Controls(turn=1, thrust=False), Controls(turn=0, thrust=True))
    """
    t = finite_real("t", t)
    return next(Controls(turn, thrust) for until, turn, thrust in _SCHEDULE if t < until)


def _frozen(array):
    array = np.array(array, dtype=float)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Frame:
    """Read-only snapshot of a [`World`][gradbook.asteroids.World]; `controls` led to this frame."""

    step: int
    time: float
    controls: Controls
    width: float
    height: float
    ship_position: np.ndarray  # (2,)
    ship_velocity: np.ndarray  # (2,)
    ship_heading: float
    ship_outline: np.ndarray  # (4, 2)
    asteroid_positions: np.ndarray  # (n, 2)
    asteroid_radii: np.ndarray  # (n,)
    asteroid_outlines: tuple  # n arrays of shape (k, 2), 9 <= k <= 13

    @property
    def speed(self):
        """Length of the ship's velocity, units/s."""
        return float(np.linalg.norm(self.ship_velocity))


def _snapshot(world, step, controls):
    rocks = world.asteroids
    return Frame(
        step, world.time, controls, world.width, world.height,
        _frozen(world.ship.position), _frozen(world.ship.velocity), world.ship.heading,
        _frozen(world.ship.outline()),
        _frozen(np.reshape([r.position for r in rocks], (-1, 2))),
        _frozen([r.radius for r in rocks]),
        tuple(_frozen(r.outline()) for r in rocks),
    )


def simulate(seed=0, steps=STEPS, dt=DT, n_asteroids=6, width=WIDTH, height=HEIGHT,
             controls=autopilot):
    """Fly `controls(t)` for `steps` steps; return `steps + 1` frames.

    The defaults give a 6 s flight at 20 frames per second in a 16 x 9 world.
    Each [`Frame`][gradbook.asteroids.Frame] is a read-only snapshot.

    Parameters
    ----------
    seed : int or None, optional
        Seed of the asteroid field, see [`World.new`][gradbook.asteroids.World.new].
    steps : int, optional
        Number of steps, >= 0.
    dt : float, optional
        Seconds per step, finite and > 0.
    n_asteroids : int, optional
        Number of asteroids, >= 0. The run records
        `(steps + 1) * (n_asteroids + 1)` outlines, at most
        [`MAX_SNAPSHOTS`][gradbook.asteroids.MAX_SNAPSHOTS] (a few seconds).
    width, height : float, optional
        World size, finite and > 0.
    controls : callable, optional
        `t -> Controls`, the pilot; the demo's
        [`autopilot`][gradbook.asteroids.autopilot] by default.

    Returns
    -------
    list of Frame

    Raises
    ------
    TypeError
        If an argument has the wrong type, or `controls` returns something
        other than a `Controls`.
    ValueError
        If an argument is out of range, the run would record more than
        `MAX_SNAPSHOTS` outlines, or `dt` is so large that the state goes
        beyond the float range.

    Examples
    --------
    >>> frames = simulate(seed=1, steps=40)
    >>> len(frames), round(frames[-1].time, 9), round(frames[-1].speed, 9)
    (41, 2.0, 4.0)
    >>> simulate(dt=1e308, steps=3)
    Traceback (most recent call last):
    ...
    ValueError: dt = 1e+308 is too large: the ship's heading goes beyond the float range
    """
    steps, dt = count("steps", steps), positive("dt", dt)
    n_asteroids = count("n_asteroids", n_asteroids, limit=MAX_ASTEROIDS)
    snapshots = (steps + 1) * (n_asteroids + 1)
    if snapshots > MAX_SNAPSHOTS:
        raise ValueError(
            f"steps and n_asteroids are too large together: (steps + 1) * "
            f"(n_asteroids + 1) = {show(snapshots)} outlines, more than "
            f"MAX_SNAPSHOTS = {MAX_SNAPSHOTS}"
        )
    controls = callable_arg("controls", controls)
    world = World.new(seed, n_asteroids, width, height)
    frames = [_snapshot(world, 0, Controls())]
    for k in range(steps):
        pilot = controls(k * dt)
        world.step(pilot, dt)
        frames.append(_snapshot(world, k + 1, pilot))
    return frames
