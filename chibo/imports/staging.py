"""Writes of an import's staging rows (``imports.Row``, not history: see
``audit.tracking.NOT_TRACKED``). Kept apart so that the audit's check for unrecorded bulk
writes can tell them from writes of the domain, which go through the operations or
``audit.created``."""

from django.db import connection

from chibo.imports.models import Row, RowStatus

CHECKED = ["values", "messages", "status", "changes", "person", "cccd_key", "name_key"]


def add(rows) -> None:
    Row.objects.bulk_create(rows, batch_size=1000)


def _update(rows: list[Row], names: list[str]) -> None:
    """One UPDATE per row, sent as one ``executemany``: Django's ``bulk_update`` builds a
    CASE per field and row, and took nine tenths of a 1,000-row check doing so."""
    fields = [Row._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Row._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def reset(batch) -> None:
    """Every row back to pending, for a new check (a changed mapping, a confirmation)."""
    Row.objects.filter(batch=batch).update(
        status=RowStatus.PENDING, messages=[], changes={}, values={}, person=None
    )


def save_checked(rows: list[Row]) -> None:
    _update(rows, CHECKED)


def link_people(rows: list[Row]) -> None:
    _update(rows, ["person"])


def refused(row: Row, message: dict) -> None:
    row.status = RowStatus.ERROR
    row.messages = [*row.messages, message]
    Row.objects.filter(pk=row.pk).update(status=row.status, messages=row.messages)
