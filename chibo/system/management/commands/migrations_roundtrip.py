"""Every migration reversible (issue 11 §6): take each of chibo's apps to zero and forward
again, top of the dependency graph first, so each app is rolled back while its own rows (the
demo's) are still there; then check the schema came back the same."""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader


def top_down_apps() -> list[str]:
    """chibo's apps with migrations, the most depended-upon last."""
    graph = MigrationLoader(connection).graph
    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("chibo.")}
    ours &= {app for app, _ in graph.nodes}
    needs = {app: set() for app in ours}
    for app, name in graph.nodes:
        if app in ours:
            needs[app] |= {p[0] for p in graph.node_map[(app, name)].parents if p[0] in ours}
            needs[app].discard(app)

    # accounts and orgs need each other (User ← Grant → Organization → User), so a strict
    # order does not exist: the apps with the fewest (transitive) dependents go first.
    def dependents(app: str) -> set[str]:
        found, todo = set(), [app]
        while todo:
            current = todo.pop()
            for other, deps in needs.items():
                if current in deps and other not in found:
                    found.add(other)
                    todo.append(other)
        return found - {app}

    return sorted(needs, key=lambda a: (len(dependents(a)), a))


def schema() -> dict[str, list[tuple[str, str]]]:
    with connection.cursor() as cursor:
        return {
            table: sorted(
                (col.name, str(col.type_code))
                for col in connection.introspection.get_table_description(cursor, table)
            )
            for table in sorted(connection.introspection.table_names(cursor))
        }


class Command(BaseCommand):
    help = "Đưa từng ứng dụng của chibo về zero rồi áp dụng lại; kiểm tra lược đồ như cũ."

    def handle(self, *args, **options):
        before = schema()
        for app in top_down_apps():
            self.stdout.write(f"{app}: zero → mới nhất")
            call_command("migrate", app, "zero", verbosity=0, interactive=False)
            call_command("migrate", verbosity=0, interactive=False)
        after = schema()
        if before != after:
            changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
            raise CommandError(f"Lược đồ khác trước khi quay vòng: {', '.join(changed)}")
        self.stdout.write("Mọi migration đảo ngược được; lược đồ như cũ.")
