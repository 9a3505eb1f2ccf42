"""The structure, enforced: the doors (workspace pages, API, public views) write only through
the services and actions; no module grows past about 400 lines. The layers themselves are
import-linter contracts (pyproject.toml), run by `make test`."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOORS = [
    *sorted((ROOT / "editorial" / "api").glob("*.py")),
    *sorted((ROOT / "editorial" / "workspace").glob("*.py")),
    *(ROOT / "articles" / "public" / name for name in ("views.py", "home_views.py")),
    ROOT / "articles" / "public" / "question_views.py",
    ROOT / "articles" / "public" / "site_pages.py",
]
# Calls that write rows. A door calling one on a manager, a queryset or a model instance goes
# around the action (its guard, its audit event, its notifications).
WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "get_or_create",
    "update_or_create",
}
# Receivers that are not rows: a DRF serializer's save() calls a service; ModelViewSet.update
# is DRF's method, which calls our serializer.
NOT_ROWS = {"serializer", "self"}
MAX_LINES = 420


def _receiver(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute):
        node = node.value
    if isinstance(node, ast.Call):
        return _receiver(node.func)
    return node.id if isinstance(node, ast.Name) else ""


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in WRITES and _receiver(node.func.value) not in NOT_ROWS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    return found


@pytest.mark.parametrize("path", DOORS, ids=lambda p: str(p.relative_to(ROOT)))
def test_doors_write_only_through_services(path):
    assert _writes(path) == []


def test_the_write_check_sees_a_write():
    sample = ROOT / "tests" / "_sample_door.py"
    sample.write_text("def view(request, article):\n    article.save(update_fields=['title'])\n")
    try:
        assert _writes(sample) == ["tests/_sample_door.py:2 .save()"]
    finally:
        sample.unlink()


def _modules() -> list[Path]:
    return [
        path
        for app in ("articles", "editorial", "config")
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_grows_past_about_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, "split these into a package with a short __init__.py"
