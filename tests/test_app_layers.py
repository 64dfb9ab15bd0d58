"""Imports run one way between apps: a lower app never imports a higher one, and no two apps import each other.

The graph is read from the code (every import statement of every module of every app, function-level ones
included), so a new import is checked the moment it is written.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lower numbers sit lower; an app may import apps of a lower layer, and apps of its own layer one way only.
LAYERS = {
    "accounts": 0,
    "brands": 1,
    "platforms": 2,
    "inbox": 3,
    "monitoring": 4,
    "sla": 4,
    "responses": 4,
    "crisis": 4,
    "settings_pages": 5,
    "sandbox": 5,
    "promptly": 5,
}

# Imports from a lower app into a higher one that the layout has not removed yet, as "module -> imported
# module". The list only shrinks: an entry that no longer occurs fails the test, so it is deleted with the
# import it allowed. What removes them:
# - monitoring.models / monitoring.connectors / health: the `platforms` app (connectors, channel accounts);
# - responses.*: the composer's saved replies and offers reach inbox's reply path through inbox's own hooks;
# - monitoring.checkins from workflow, promptly.demo from the demo command: move to the app that owns them.
ALLOWED_UPWARD = {
    "inbox/admin.py -> monitoring.admin_actions",
    "inbox/api/serializers.py -> monitoring.models",
    "inbox/api/views.py -> responses.api",
    "inbox/api/views.py -> responses.sending",
    "inbox/bulk.py -> responses.models",
    "inbox/forms.py -> monitoring.models",
    "inbox/management/commands/rethread.py -> monitoring.models",
    "inbox/management/commands/sla.py -> monitoring.models",
    "inbox/models.py -> monitoring.models",
    "inbox/selectors.py -> monitoring.models",
    "inbox/services/delivery.py -> monitoring.connectors.base",
    "inbox/services/delivery.py -> monitoring.connectors.facebook",
    "inbox/services/delivery.py -> monitoring.connectors.registry",
    "inbox/services/delivery.py -> monitoring.models",
    "inbox/services/ingest.py -> monitoring.connectors.base",
    "inbox/services/ingest.py -> monitoring.models",
    "inbox/services/ingest_rows.py -> monitoring.connectors.base",
    "inbox/services/ingest_store.py -> monitoring.connectors.base",
    "inbox/services/ingest_store.py -> monitoring.models",
    "inbox/services/moderation.py -> monitoring.connectors.base",
    "inbox/services/moderation.py -> monitoring.connectors.registry",
    "inbox/services/moderation.py -> monitoring.models",
    "inbox/services/replies.py -> monitoring.models",
    "inbox/services/replies.py -> responses.approval_rules",
    "inbox/services/replies.py -> responses.models",
    "inbox/services/replies.py -> responses.rendering",
    "inbox/services/replies.py -> responses.services",
    "inbox/services/rethread.py -> monitoring.models",
    "inbox/services/workflow.py -> monitoring.checkins.services",
    "inbox/sla/forms.py -> monitoring.models",
    "inbox/sla/models.py -> monitoring.models",
    "inbox/templatetags/composer.py -> monitoring.connectors.base",
    "inbox/templatetags/inbox_tags.py -> monitoring.connectors.base",
    "inbox/templatetags/inbox_tags.py -> monitoring.models",
    "inbox/views/queue.py -> monitoring.health",
    "inbox/views/queue.py -> monitoring.models",
    "inbox/views/queue.py -> responses.selectors",
    "inbox/views/replies.py -> monitoring.models",
    "inbox/views/replies.py -> responses.offers",
    "inbox/views/replies.py -> responses.selectors",
    "inbox/views/replies.py -> responses.sending",
    "monitoring/management/commands/demo.py -> promptly.demo",
}


def imports_between_apps(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(importing file, its app, imported module) for every import of another app, migrations left out."""
    found = []
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    if module.split(".")[0] in LAYERS and module.split(".")[0] != app:
                        found.append((path.relative_to(root).as_posix(), app, module))
    return found


def upward_imports(imports: list[tuple[str, str, str]]) -> set[str]:
    return {f"{path} -> {module}" for path, app, module in imports if LAYERS[module.split(".")[0]] > LAYERS[app]}


def app_cycles(imports: list[tuple[str, str, str]], allowed: set[str]) -> list[list[str]]:
    """Every cycle of the app graph (each found once, from its smallest app), allowed imports left out."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path, app, module in imports:
        if f"{path} -> {module}" not in allowed:
            graph[app].add(module.split(".")[0])
    cycles = []

    def walk(start: str, node: str, trail: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                cycles.append([*trail, start])
            elif nxt > start and nxt not in trail:
                walk(start, nxt, [*trail, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return cycles


def test_no_app_imports_an_app_above_it():
    upward = upward_imports(imports_between_apps())
    assert sorted(upward - ALLOWED_UPWARD) == [], "import a lower app from a higher one, not the other way"
    assert sorted(ALLOWED_UPWARD - upward) == [], "these imports are gone: delete them from ALLOWED_UPWARD"


def test_no_two_apps_import_each_other():
    assert app_cycles(imports_between_apps(), ALLOWED_UPWARD) == []


def test_the_checks_see_an_upward_import_and_a_cycle_in_a_function_body(tmp_path):
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "models.py").write_text("def f():\n    from inbox.models import Conversation\n")
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "models.py").write_text("from brands.models import Brand\n")
    (tmp_path / "crisis").mkdir()
    (tmp_path / "crisis" / "a.py").write_text("import monitoring.b\n")
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "b.py").write_text("from crisis import a\n")

    imports = imports_between_apps(tmp_path)

    assert upward_imports(imports) == {"brands/models.py -> inbox.models"}
    assert app_cycles(imports, set()) == [["brands", "inbox", "brands"], ["crisis", "monitoring", "crisis"]]
