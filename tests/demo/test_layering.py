"""The demo app is the top layer: it may import any app, and no other app imports it."""

import ast
from pathlib import Path

import parvis

SOURCE = Path(parvis.__file__).resolve().parent


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_app_imports_the_demo():
    importers = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if path.relative_to(SOURCE).parts[0] != "demo"
        and any(
            name == "parvis.demo" or name.startswith("parvis.demo.")
            for name in imported_modules(path)
        )
    ]
    assert importers == []


def test_the_demo_content_lives_in_the_demo_app():
    assert not [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("demo.py")
        if path.relative_to(SOURCE).parts[0] != "demo"
    ]
    assert sorted(path.name for path in (SOURCE / "demo" / "data").glob("*.yaml"))
