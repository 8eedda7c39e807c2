"""A list of integer ids for ``field__in=IdList(ids)`` that Django compiles as one parameter
list, instead of preparing every value through the lookup machinery (on a national scope,
thousands of ids in each of a page's queries cost more than the SQL itself; make bench)."""

from collections.abc import Iterable

from django.db.models import Expression, IntegerField


class IdList(Expression):
    output_field = IntegerField()

    def __init__(self, ids: Iterable[int]):
        super().__init__()
        # At least one value: "IN ()" is not valid SQL; 0 is never an id.
        self.ids = tuple(int(i) for i in ids) or (0,)

    def as_sql(self, compiler, connection):
        return "(" + ", ".join(["%s"] * len(self.ids)) + ")", self.ids

    def resolve_expression(self, *args, **kwargs):
        return self

    def get_group_by_cols(self):
        return []
