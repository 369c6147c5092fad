"""CI: requirements.lock matches pyproject.toml and is what the venv holds. Offline.

Two checks, both needing nothing but the files and the installed venv (no resolver run,
so nothing to be slow or flaky): every dependency pyproject.toml names is pinned in the
lock at a version its specifier allows; and the venv `make test` built from a clean
clone holds exactly the lock's packages (a new transitive dependency that the lock does
not pin would be installed at whatever version is newest: that shows up here)."""

from __future__ import annotations

import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# Installed in every venv by `python -m venv` and used only to build: not pinned.
UNPINNED = {"setuptools", "wheel", "kabinet"}


def read_lock(path: Path) -> tuple[dict[str, str], list[str]]:
    pins: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not version or any(c in version for c in "<>=!~*,;"):
            problems.append(f"{path.name}:{number}: not an exact pin: {raw!r}")
            continue
        pins[canonicalize_name(name)] = version.strip()
    return pins, problems


def declared(pyproject: Path) -> list[Requirement]:
    project = tomllib.loads(pyproject.read_text())["project"]
    names = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        names.extend(extra)
    return [Requirement(name) for name in names]


def check(root: Path = ROOT) -> list[str]:
    pins, problems = read_lock(root / "requirements.lock")
    for requirement in declared(root / "pyproject.toml"):
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is in pyproject.toml but not in the lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement}: the lock pins {pins[name]}")
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in distributions()}
    for name, version in sorted(installed.items()):
        if name in UNPINNED:
            continue
        if name not in pins:
            problems.append(f"{name}=={version} is installed but not in the lock")
        elif pins[name] != version:
            problems.append(f"{name}=={version} is installed, the lock pins {pins[name]}")
    for name in sorted(pins.keys() - installed.keys()):
        problems.append(f"{name}=={pins[name]} is in the lock but not installed")
    return problems


if __name__ == "__main__":
    found = check()
    for problem in found:
        print(f"lock: {problem}", file=sys.stderr)
    if found:
        print("lock: run `make lock` and commit requirements.lock", file=sys.stderr)
        sys.exit(1)
    print("requirements.lock matches pyproject.toml and the venv")
