"""The SQLite side of the append-only triggers (migration 0002): a per-connection function
that lets ``chibo flush`` — an operator emptying the whole database — through."""

import contextvars

PURGING: contextvars.ContextVar[bool] = contextvars.ContextVar("chibo_audit_purging", default=False)


def register_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "chibo_audit_purging", 0, lambda: int(PURGING.get()), deterministic=False
        )
