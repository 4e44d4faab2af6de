"""Parla's version, as pyproject.toml gives it (the one place it is written).

An installed Parla (``pip install -e .`` included) reads it from the package
metadata; a frozen build or a bare checkout from pyproject.toml beside the sources.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

__all__ = ["version"]

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def version() -> str:
    """``"0.1.0"`` and the like; ``"?"`` when neither source is there."""
    try:
        return metadata.version("parla")
    except metadata.PackageNotFoundError:
        pass
    try:
        with _PYPROJECT.open("rb") as file:
            found = tomllib.load(file)["project"]["version"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return "?"
    return found if isinstance(found, str) else "?"
