"""Installs are reproducible: bounded dependencies, one lock, and this environment
installed from it (as `make test` and CI do)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements() -> list[Requirement]:
    spec = project()
    return [
        Requirement(line)
        for line in spec["dependencies"] + spec["optional-dependencies"]["test"]
    ]


def locked() -> dict[str, list[tuple[str, Marker | None]]]:
    pins: dict[str, list[tuple[str, Marker | None]]] = {}
    for raw in (ROOT / "constraints.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, marker = line.partition(";")
        name, _, version = requirement.strip().partition("==")
        assert version, f"not a pin: {raw}"
        pins.setdefault(canonicalize_name(name), []).append(
            (version, Marker(marker) if marker.strip() else None)
        )
    return pins


def test_every_dependency_has_an_upper_bound():
    unbounded = [
        str(r)
        for r in requirements()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert unbounded == []


def test_every_dependency_is_pinned_in_the_lock():
    pins = locked()
    missing = [r.name for r in requirements() if canonicalize_name(r.name) not in pins]
    assert missing == [], "run `make lock`"
    for requirement in requirements():
        for version, _ in pins[canonicalize_name(requirement.name)]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{requirement.name}=={version} is outside {requirement.specifier}"
            )


def test_the_constraints_are_uv_lock_exported():
    """constraints.txt (what pip installs with -c) says what uv.lock says."""
    packages = tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    in_uv_lock = {
        (canonicalize_name(p["name"]), p["version"])
        for p in packages
        if "version" in p and p["name"] != project()["name"]
    }
    exported = {
        (name, version) for name, pins in locked().items() for version, _ in pins
    }
    assert exported <= in_uv_lock, sorted(exported - in_uv_lock)
    assert {name for name, _ in in_uv_lock} == set(locked())


def test_this_environment_was_installed_from_the_lock():
    differs = []
    for name, versions in locked().items():
        wanted = [v for v, marker in versions if marker is None or marker.evaluate()]
        if not wanted:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # an extra this environment does not use
        if installed not in wanted:
            differs.append(f"{name} {installed} (lock: {wanted[0]})")
    assert differs == [], (
        "install with `make install-test` (pip install -c constraints.txt)"
    )


def test_the_license_is_an_spdx_expression():
    assert project()["license"] == "MIT"  # setuptools deprecates the table form


def test_the_installers_are_pinned_and_used():
    """pip and the build backend are pinned in the Makefile (`TOOLS`), inside the
    bounds of pyproject's [build-system], and this environment has those versions."""
    import re

    makefile = (ROOT / "Makefile").read_text()
    tools = dict(
        pin.split("==")
        for pin in re.search(r"^TOOLS := (.+)$", makefile, re.M).group(1).split()
    )
    assert set(tools) == {"pip", "setuptools"}
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    backend = Requirement(build["requires"][0])
    assert backend.name == "setuptools"
    assert backend.specifier.contains(tools["setuptools"])
    assert "--no-build-isolation" in makefile  # else pip builds with the newest
    for name, version in tools.items():
        assert metadata.version(name) == version, "run `make install-test`"
