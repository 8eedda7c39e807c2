"""The layer rule of docs/architecture.md on the import graph: an app imports only apps below
it. The edges that break it today are listed in ``KNOWN`` with the reason; a new upward
import fails here, so it is either removed or argued for in the list (and the docs)."""

import ast
import unittest
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# From the bottom up (docs/architecture.md). Equal ranks may not import each other either.
RANK = {
    "lib": 0,
    "formats": 0,  # Django locale formats (FORMAT_MODULE_PATH), no imports
    "accounts": 1,
    "audit": 2,
    "orgs": 3,
    "policy": 4,  # chibo.rules.models: rule sets and the calendar, data read by every app
    "members": 5,
    "reorganize": 6,
    "documents": 6,
    "meetings": 7,
    "register": 7.5,  # the documents register: links documents to meetings (issue 15)
    "figures": 7.8,  # the overview figures (stats), quoted by papers, checks and reports
    "briefings": 8,
    "compliance": 8.5,  # the checks (they read every app below) and the served findings
    "reports": 9,
    "rules": 10,  # the alerts board: findings listed, dismissed, recorded; the basis page
    "api": 11,
    "system": 12,
    "bench": 13,
    "demo": 13,
    "imports": 12.5,  # the roster import; `chibo bench` times it
    "me": 13,  # the member's own page composes members, meetings, briefings, register
    "project": 14,  # chibo/urls.py, chibo/views.py, chibo/settings.py: compose everything
}

# (importing app, imported app): why it is allowed for now.
KNOWN = {
    ("accounts", "orgs"): "access.py decides scope on the tree on a date; account pages pick "
    "organizations",
    ("accounts", "members"): "access.py: a secretary's scope and the member role follow posts "
    "and memberships",
    ("lib", "orgs"): "params.command_scope resolves --org for the management commands",
    ("audit", "orgs"): "history pages name the object whose changes they list",
    ("audit", "documents"): "history pages name the object whose changes they list",
    ("audit", "meetings"): "history pages name the object whose changes they list",
    ("audit", "briefings"): "history pages name the object whose changes they list",
    ("reports", "bench"): "`chibo bench` is a command of reports that drives the bench tool",
    ("reports", "system"): "`chibo bench --load` starts the production server (system.serve)",
    ("system", "project"): "`chibo serve` reads the settings' typed environment helpers",
}


def unit(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    if len(rel) == 1:
        return "project"
    if rel[0] == "rules" and rel[-1] == "models.py":
        return "policy"
    return rel[0]


def imported(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "chibo" or len(parts) < 2:
        return None
    if parts[1:3] == ["rules", "models"]:
        return "policy"
    return parts[1] if len(parts) > 2 or (PACKAGE / parts[1]).is_dir() else "project"


def skipped(path: Path) -> bool:
    rel = path.relative_to(PACKAGE).parts
    return (
        "migrations" in rel
        or path.name.startswith(("tests", "conftest"))
        or path.name in {"test.py", "browser.py"}
    )


def edges() -> dict[tuple[str, str], set[str]]:
    found = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        if skipped(path):
            continue
        src = unit(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + (
                    [f"chibo.{a.name}" for a in node.names] if node.module == "chibo" else []
                )
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                dst = imported(name)
                if dst and dst != src and dst in RANK:
                    found[(src, dst)].add(str(path.relative_to(PACKAGE)))
    return found


def upward_edges() -> dict[tuple[str, str], set[str]]:
    return {
        (src, dst): files
        for (src, dst), files in edges().items()
        if src in RANK and RANK[dst] >= RANK[src]
    }


class LayerTests(unittest.TestCase):
    def test_no_new_upward_import(self):
        new = {edge: sorted(files) for edge, files in upward_edges().items() if edge not in KNOWN}
        self.assertEqual(new, {}, "an app imports one at its level or above (docs/architecture.md)")

    def test_every_app_has_a_rank(self):
        apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
        self.assertLessEqual(apps - {"locale", "templates", "static"}, set(RANK))

    def test_the_graph_is_read(self):
        # Guards the parser: these downward imports exist and must be seen.
        seen = edges()
        self.assertIn(("members", "orgs"), seen)
        self.assertIn(("rules", "policy"), seen)
        self.assertIn(("members", "policy"), seen)
