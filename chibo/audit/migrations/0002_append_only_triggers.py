"""Database triggers that refuse UPDATE and DELETE on the audit tables, whatever the
client (the app's own guards are in chibo.audit.models). Reversible: going back drops them.

SQLite: a DELETE is allowed only while ``chibo flush`` runs (the connection's
``chibo_audit_purging()`` function answers 1 then; a client without the function cannot
delete at all). PostgreSQL: ``flush`` empties tables with TRUNCATE, which row triggers do
not see and which needs the table owner. Note: SQLite loses a table's triggers when a later
migration rebuilds that table; ``test_triggers_are_installed`` catches it.
"""

from django.db import migrations

TABLES = ("audit_entry", "audit_link")
MESSAGE = "Lịch sử thay đổi chỉ được ghi thêm; không sửa hoặc xóa được."


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT chibo_audit_purging() BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION chibo_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
END
$$
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [s for table in TABLES for s in _sqlite(table)]
    elif vendor == "postgresql":
        statements = [POSTGRES_FUNCTION] + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION chibo_audit_refuse()"
            for table in TABLES
        ]
    else:  # other databases rely on the model's guards only
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_{what}"
            for table in TABLES
            for what in ("no_update", "no_delete")
        ]
    elif vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES
        ] + ["DROP FUNCTION IF EXISTS chibo_audit_refuse()"]
    else:
        statements = []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
