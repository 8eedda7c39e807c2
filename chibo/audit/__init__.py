"""Audit history of every change and operation (design §2, issue 10).

What other apps use: ``operation`` (a decorator on each operation function), ``acting``
(set who acts and through what, for commands, importers and tasks), ``created`` (after a
``bulk_create``), ``updated`` (instead of ``QuerySet.update``) and ``accessed`` (an export
or a download of personal data). ``context`` needs no database; the rest is imported late
so that every app, at any layer, may import this package.
"""

from chibo.audit.context import COMMAND, IMPORT, acting, as_command, operation


def created(rows: list) -> list:
    from chibo.audit import tracking

    return tracking.created(rows)


def updated(queryset, **values) -> int:
    from chibo.audit import tracking

    return tracking.updated(queryset, **values)


def accessed(obj=None, *, note: str, kind: str = "", details: dict | None = None):
    from chibo.audit import tracking

    return tracking.accessed(obj, note=note, kind=kind, details=details)


__all__ = [
    "COMMAND",
    "IMPORT",
    "accessed",
    "acting",
    "as_command",
    "created",
    "operation",
    "updated",
]
