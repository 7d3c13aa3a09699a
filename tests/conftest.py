"""Shared fixtures: one strict site build per test session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Build:
    site: Path
    cache: Path
    output: str
    returncode: int
    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mkdocs_build(site: Path, cache: Path, port: int) -> Build:
    """Run ``mkdocs build --strict`` exactly as a user would, in a subprocess."""
    env = dict(os.environ, SITE_URL=f"http://127.0.0.1:{port}/",
               GRADBOOK_CACHE=str(cache), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    return Build(site, cache, proc.stdout + proc.stderr, proc.returncode, port)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    """A clean strict build with its own, initially empty, figure cache."""
    tmp = tmp_path_factory.mktemp("build")
    build = mkdocs_build(tmp / "site", tmp / "cache", free_port())
    assert build.returncode == 0, build.output
    return build
