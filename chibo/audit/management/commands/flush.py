"""Django's ``flush``, allowed to empty the audit tables too: removing every row of the
database is an operator's act on the whole store, not a change of history by the app
(the SQLite triggers otherwise refuse any DELETE there; PostgreSQL's flush truncates)."""

from django.core.management.commands import flush

from chibo.audit.database import PURGING


class Command(flush.Command):
    def handle(self, **options):
        token = PURGING.set(True)
        try:
            return super().handle(**options)
        finally:
            PURGING.reset(token)
