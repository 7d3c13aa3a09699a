"""A headless Asteroids game: rigid motion, wrap-around space, a speed limit.

Every shape is drawn once in its own *model coordinates*, centred on the
origin (the ship's nose points along +x), and placed in the world each frame
by one matrix from :mod:`gradbook.transforms`,
``compose(translation(x, y), rotation(angle), scale(r, r))``: scale, then
rotate about the origin, then move. Rotation and translation keep distances,
so an asteroid keeps its shape however long it tumbles.

Two details are easy to get wrong:

* **Speed limit.** Clipping ``vx`` and ``vy`` separately to
  ``[-v_max, v_max]`` lets a diagonal flight reach ``sqrt(2) * v_max``. Speed
  is the *length* of the velocity, so :func:`clip_speed` rescales the whole
  vector and keeps its direction.
* **Wrap-around.** Space is a torus: leaving on the right re-enters on the
  left. :func:`wrap` takes positions modulo the world size.

Units are world units (think metres) and seconds; angles are radians,
counter-clockwise, and heading 0 points along +x. The world is
``WIDTH x HEIGHT = 16 x 9`` with the origin at the bottom-left corner.
Nothing is drawn here: :func:`simulate` returns read-only frames that a
plotting script can draw one by one. The only randomness is the seeded
asteroid field of :meth:`World.new`, so a seed fixes the whole flight.
"""

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from gradbook._checks import count, finite_real, positive
from gradbook.transforms import apply, compose, rotation, scale, translation

WIDTH, HEIGHT = 16.0, 9.0  # world size, units
MAX_SPEED = 4.0  # units/s
ACCEL = 8.0  # units/s^2 while thrusting
TURN_RATE = np.pi  # rad/s while turning
DT, STEPS = 0.05, 120  # 20 frames per second for 6 s
SHIP_SHAPE = np.array([[0.5, 0.0], [-0.35, 0.3], [-0.2, 0.0], [-0.35, -0.3]])
SHIP_SHAPE.flags.writeable = False  # an arrow, nose along +x, model coordinates


# --8<-- [start:clip_speed]
def clip_speed(velocity, max_speed):
    """Shorten ``velocity`` to length ``max_speed`` if it is longer.

    The direction is kept; slower velocities (and the zero vector) are
    returned unchanged. Compare ``np.clip(v, -m, m)``, which caps each axis
    and lets ``[m, m]`` through with speed ``sqrt(2) * m``.

    Parameters
    ----------
    velocity : array_like, shape (2,)
    max_speed : float
        Speed limit, > 0.

    Returns
    -------
    numpy.ndarray, shape (2,)

    Examples
    --------
    >>> v = clip_speed([3.0, 3.0], 2.0)
    >>> v, float(np.linalg.norm(v))  # still diagonal, length 2
    (array([1.41421356, 1.41421356]), 2.0)
    >>> clip_speed([0.5, 0.0], 2.0)
    array([0.5, 0. ])
    """
    max_speed = positive("max_speed", max_speed)
    v = np.array(velocity, dtype=float)
    speed = np.linalg.norm(v)
    if speed <= max_speed:
        return v
    return v * (max_speed / speed)


# --8<-- [end:clip_speed]


# --8<-- [start:wrap]
def wrap(position, width, height):
    """Wrap positions into ``[0, width) x [0, height)`` (a torus).

    Parameters
    ----------
    position : array_like, shape (2,) or (N, 2)
    width, height : float
        World size, > 0.

    Returns
    -------
    numpy.ndarray, same shape as ``position``

    Examples
    --------
    >>> wrap([16.5, -1.0], 16.0, 9.0)
    array([0.5, 8. ])
    """
    size = np.array([positive("width", width), positive("height", height)])
    p = np.mod(np.asarray(position, dtype=float), size)
    return np.where(p >= size, p - size, p)  # mod(-1e-17, 16) rounds to 16


# --8<-- [end:wrap]


@dataclass(eq=False)
class Ship:
    """The player's ship: position (units), velocity (units/s), heading (rad)."""

    position: np.ndarray
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    heading: float = 0.0

    def direction(self):
        """Unit vector along the nose: +x rotated by the heading (``w = 0``).

        >>> Ship(np.zeros(2), heading=np.pi).direction().round(12) + 0.0
        array([-1.,  0.])
        """
        return apply(rotation(self.heading), [1.0, 0.0], w=0)

    def outline(self):
        """World coordinates of the :data:`SHIP_SHAPE` vertices, shape (4, 2).

        >>> Ship(np.array([2.0, 1.0])).outline()[0]  # the nose
        array([2.5, 1. ])
        """
        return apply(compose(translation(*self.position), rotation(self.heading)), SHIP_SHAPE)


@dataclass(eq=False)
class Asteroid:
    """A rock: ``shape`` (model coordinates, radius about 1) times ``radius``."""

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
        >>> rock.outline()
        array([[7., 5.],
               [5., 7.]])
        """
        place = compose(
            translation(*self.position), rotation(self.angle), scale(self.radius, self.radius)
        )
        return apply(place, self.shape)


@dataclass(frozen=True)
class Controls:
    """Pilot input for one step: ``turn`` in {-1, 0, 1} (1 = left), ``thrust``."""

    turn: int = 0
    thrust: bool = False

    def __post_init__(self):
        if isinstance(self.turn, bool) or not isinstance(self.turn, Integral):
            raise TypeError(f"turn must be an int, got {type(self.turn).__name__}")
        if self.turn not in (-1, 0, 1):
            raise ValueError(f"turn must be -1, 0 or 1, got {self.turn}")
        if not isinstance(self.thrust, (bool, np.bool_)):
            raise TypeError(f"thrust must be a bool, got {type(self.thrust).__name__}")


@dataclass(eq=False)
class World:
    """The ship, the asteroids and the clock in a ``width x height`` torus."""

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

        >>> world = World.new(seed=0)
        >>> world.ship.position, len(world.asteroids)
        (array([8. , 4.5]), 6)
        """
        width, height = positive("width", width), positive("height", height)
        n_asteroids = count("n_asteroids", n_asteroids)
        rng = np.random.default_rng(seed)
        centre = np.array([width, height]) / 2
        asteroids = []
        while len(asteroids) < n_asteroids:  # accepts >= 70% of draws
            position = rng.uniform([0.0, 0.0], [width, height])
            if np.linalg.norm(position - centre) < 0.3 * min(width, height):
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
        """Advance the world by ``dt`` seconds (semi-implicit Euler).

        >>> world = World.new(seed=0, n_asteroids=0)
        >>> world.step(Controls(thrust=True), dt=0.5)
        >>> world.ship.velocity, world.ship.position  # 8 units/s capped to 4
        (array([4., 0.]), array([10. ,  4.5]))
        """
        dt = positive("dt", dt)
        if not isinstance(controls, Controls):
            raise TypeError(f"controls must be Controls, got {type(controls).__name__}")
        ship = self.ship
        ship.heading += controls.turn * self.turn_rate * dt
        if controls.thrust:
            ship.velocity = ship.velocity + self.accel * dt * ship.direction()
        ship.velocity = clip_speed(ship.velocity, self.max_speed)
        ship.position = wrap(ship.position + ship.velocity * dt, self.width, self.height)
        for rock in self.asteroids:
            rock.position = wrap(rock.position + rock.velocity * dt, self.width, self.height)
            rock.angle += rock.spin * dt
        self.time += dt

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
    """The demo's control schedule: what the pilot does at time ``t`` (s).

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
    """Read-only snapshot of a :class:`World`; ``controls`` led to this frame."""

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
    """Fly ``controls(t)`` for ``steps`` steps; return ``steps + 1`` :class:`Frame` s.

    The defaults give a 6 s flight at 20 frames per second in a 16 x 9 world.

    >>> frames = simulate(seed=1, steps=40)
    >>> len(frames), round(frames[-1].time, 9), round(frames[-1].speed, 9)
    (41, 2.0, 4.0)
    """
    steps, dt = count("steps", steps), positive("dt", dt)
    world = World.new(seed, n_asteroids, width, height)
    frames = [_snapshot(world, 0, Controls())]
    for k in range(steps):
        pilot = controls(k * dt)
        world.step(pilot, dt)
        frames.append(_snapshot(world, k + 1, pilot))
    return frames
