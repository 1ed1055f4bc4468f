"""DESIGN.md's direction: courses -> exams -> learning, lecturers -> learning; never back.

Imports are read from the source (also those inside functions, which a module-level check
would miss), so a late ``from courses... import`` in the core fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: app -> the apps it may not import.
FORBIDDEN = {
    "learning": {"courses", "exams", "lecturers"},
    "exams": {"courses", "lecturers"},
    "lecturers": {"courses", "exams"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_no_app_imports_an_app_above_it():
    wrong = []
    for app, above in FORBIDDEN.items():
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for module in _imports(path) & above:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
