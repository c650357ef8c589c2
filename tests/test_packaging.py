"""pyproject metadata in the form current setuptools accepts without warnings (SPDX license, license files)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_an_spdx_string_with_its_file() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"  # a table ({text = ...}) makes setuptools >= 77 warn on every install
    assert all((ROOT / name).is_file() for name in project["license-files"])
    requires = PYPROJECT["build-system"]["requires"]
    assert any(r.startswith("setuptools>=") and int(r.split(">=")[1].split(".")[0]) >= 77 for r in requires)


def test_data_files_read_at_run_time_are_packaged() -> None:
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        folder = ROOT / package.replace(".", "/")
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: nothing matches {pattern}"
    assert (ROOT / "bot/nlu/smalltalk.toml").is_file() and "*.toml" in package_data["bot.nlu"]
