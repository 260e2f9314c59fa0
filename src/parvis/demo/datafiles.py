"""The demo's data files, ``data/<name>.yaml``: what the demo shows (names, titles, texts,
dates counted from the day of the first load...), apart from the code that loads it."""

from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def read(name):
    """The content of ``data/<name>.yaml``, parsed once (do not modify it)."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)
