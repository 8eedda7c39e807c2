"""A list of integer ids for ``field__in=IdList(ids)`` sent as one parameter, not one per id.

On a national scope a query may carry the 3,321 cells of the country: as a plain list,
Django prepares every value through the lookup machinery and the driver splits the
statement at every placeholder, which cost more than the SQL itself (make bench, issue 16).
Here the ids travel as a single value, unpacked by the database: an array on PostgreSQL
(``unnest``), a JSON text on SQLite (``json_each``).

An empty IdList matches nothing and sends no query, as ``__in=[]`` does (EmptyResultSet);
like an empty list, it cannot stand in an aggregate's filter that a HAVING clause then
tests (``Count(filter=Q(x__in=IdList([])))`` compared in ``.filter()``): there the whole
query comes back empty. No caller does that.
"""

import json
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db.models import Expression, IntegerField

# Up to this many ids go as a plain list, which the planner reads best: a subquery over an
# array of one or two ids made PostgreSQL pick a plan thousands of times slower on tables
# not yet analysed (found by the test suite). Past it, placeholders cost more than plans.
SHORT = 100


class IdList(Expression):
    output_field = IntegerField()

    def __init__(self, ids: Iterable[int]):
        super().__init__()
        self.ids = sorted({int(i) for i in ids})

    def as_sql(self, compiler, connection):
        if not self.ids:  # as an empty list does: nothing matches, and no query is sent
            raise EmptyResultSet
        if len(self.ids) <= SHORT:
            return "(" + ", ".join(["%s"] * len(self.ids)) + ")", self.ids
        if connection.vendor == "postgresql":
            # An array literal as text: psycopg's client-side binding (Django's default)
            # quotes a Python list element by element in Python, 14 ms for the 3,321 cells
            # of the country (cProfile, issue 16), where one join is a fraction of that.
            return "(SELECT unnest(%s::bigint[]))", ["{" + ",".join(map(str, self.ids)) + "}"]
        return "(SELECT value FROM json_each(%s))", [json.dumps(self.ids)]

    def resolve_expression(self, *args, **kwargs):
        return self

    def get_group_by_cols(self):
        return []
