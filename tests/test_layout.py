"""The layout is the architecture: these tests fail when code lands in the wrong layer.

- Domain modules (an app's top, its templatetags, commands…) never import from a `views` package.
- Role rules live in the access module: nothing else compares a role's kind.
- How a value is shown lives in targets/display.py: no second status palette in the stylesheet.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["departments", "ledger", "plans", "reports", "schools", "targets", "zibo_edu"]
ACCESS_MODULES = {
    "departments/access.py",
    "plans/access.py",
    "targets/access.py",
    "ledger/access.py",
    "reports/access.py",
}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            yield relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imported_modules(tree: ast.AST, module: str) -> list[str]:
    names = []
    package = module.removesuffix(".py").replace("/", ".").rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolve against the module's package
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def _is_views(name: str) -> bool:
    parts = name.split(".")
    return parts[0] in APPS and "views" in parts


def test_no_module_outside_a_views_package_imports_from_one():
    offenders = []
    for module, tree in _modules():
        if "views" in Path(module).parts or module.endswith(("urls.py", "apps.py")):
            continue  # web code may import web code; urls.py and apps.py wire the views
        offenders += [
            f"{module} imports {name}"
            for name in _imported_modules(tree, module)
            if _is_views(name)
        ]
    assert offenders == [], "domain code must not import web code:\n" + "\n".join(offenders)


def _compares_role_kind(node: ast.Compare) -> bool:
    """`role.kind == …`, `user.role.kind in …`, `self.role.kind != …`."""
    for side in (node.left, *node.comparators):
        for part in ast.walk(side):
            if isinstance(part, ast.Attribute) and part.attr == "kind":
                owner = part.value
                owner_name = getattr(owner, "id", None) or getattr(owner, "attr", None)
                if owner_name == "role":
                    return True
    return False


def test_role_rules_live_in_the_access_module_only():
    offenders = []
    for module, tree in _modules():
        if module in ACCESS_MODULES or module == "departments/models.py":
            continue  # the access modules, and the Role model itself
        offenders += [
            f"{module}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Compare) and _compares_role_kind(node)
        ]
    assert offenders == [], "compare roles in the access modules only:\n" + "\n".join(offenders)


def test_querysets_filter_by_role_kind_in_the_access_modules_only():
    """`role__kind=` in a filter is a role rule too (who is the staff of a district, the head of a
    department): departments/access.py says it once (`staff_accounts`, `head_accounts`)."""
    offenders = []
    for module, tree in _modules():
        if module in ACCESS_MODULES or module == "departments/models.py":
            continue
        offenders += [
            f"{module}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and (node.arg or "").startswith("role__kind")
        ]
    assert offenders == [], "filter by role kind in the access modules only:\n" + "\n".join(
        offenders
    )


def test_templates_ask_the_access_module_not_the_role_kind():
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"role\.kind\s*(==|!=|in)", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_status_palette_is_written_once():
    """site.css keeps the badge's shape; every status colour comes from targets/display.py."""
    from targets.display import PALETTE
    from targets.progress import Status

    assert set(PALETTE) == set(Status.values)
    css = (ROOT / "zibo_edu" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    statuses = "|".join(Status.values)
    assert not re.search(rf"\.status-({statuses})\b", css)


def test_the_verdict_palette_is_written_once():
    """evaluation.css keeps the verdict badge's shape; its colours come from targets/display.py."""
    from reports.evaluation import Verdict

    css = (ROOT / "zibo_edu" / "static" / "css" / "evaluation.css").read_text(encoding="utf-8")
    verdicts = "|".join([*Verdict.values, "part"])
    assert not re.search(rf"\.verdict-({verdicts})\b", css)
    views = (ROOT / "reports" / "views" / "evaluation.py").read_text(encoding="utf-8")
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", views)  # no colour of its own


def test_no_module_of_the_project_is_imported_under_another_name():
    """`from targets import progress as method` made a reader learn a second name for a module;
    a local that clashes with a module's name is renamed instead."""
    import importlib
    import types

    renamed = []
    for module, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    if not alias.asname or node.module.split(".")[0] not in APPS:
                        continue
                    imported = getattr(importlib.import_module(node.module), alias.name, None)
                    if isinstance(imported, types.ModuleType):
                        renamed.append(f"{module}: {node.module}.{alias.name} as {alias.asname}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name.split(".")[0] in APPS:
                        renamed.append(f"{module}: {alias.name} as {alias.asname}")
    assert renamed == []
