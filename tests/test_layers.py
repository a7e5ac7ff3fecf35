"""The project's imports point one way: core < villages < products < assistance < page apps < ovop_portal.

A page app is any other top-level app (seeding, catalogue, officials, …): page apps may import each
other. `core` imports no app of the project. Tests, migrations and the folders that hold no application
code are not walked. `python3 ../shared/tools/layers.py` prints the same arrows outside the suite.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".git", "tests", "migrations", "static", "templates", "locale", "data", "bench", "deploy"}
RANKS = {"core": 0, "villages": 1, "products": 2, "assistance": 3, "ovop_portal": 9}
PAGE_APP_RANK = 5


def project_apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in SKIP)


def rank(app: str) -> int:
    return RANKS.get(app, PAGE_APP_RANK)


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def arrows_against_the_layers() -> list[str]:
    apps = project_apps()
    wrong = []
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if SKIP & set(path.relative_to(ROOT).parts):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, module in imported_modules(tree):
                target = module.split(".")[0]
                if target == app or target not in apps:
                    continue
                both_page_apps = rank(app) == rank(target) == PAGE_APP_RANK
                if app == "core" or (rank(target) >= rank(app) and not both_page_apps):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} {app} imports {target}")
    return wrong


def test_the_walk_finds_the_project_apps():
    assert {"core", "villages", "products", "assistance", "ovop_portal"} <= set(project_apps())


def test_no_import_runs_against_the_layers():
    wrong = arrows_against_the_layers()
    layers = "core < villages < products < assistance < page apps < ovop_portal"
    assert not wrong, f"Imports against {layers}:\n" + "\n".join(wrong)
