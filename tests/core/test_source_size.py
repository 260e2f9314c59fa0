"""Issue 12's rule: no source file of the application over 600 lines (migrations and data
aside), so that a module keeps to one concern (docs/architecture.md)."""

from pathlib import Path

import parvis

LIMIT = 600


def test_no_source_file_over_600_lines():
    root = Path(parvis.__file__).parent
    too_long = {
        str(path.relative_to(root)): lines
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}
