"""Document numbers (R-DOC-03): per issuer, per type, per committee term."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from chibo.documents.models import IssuedNumber
from chibo.lib.contention import lock
from chibo.orgs.models import Organization


def term_start(issuer: Organization, on: dt.date) -> dt.date:
    """First day of the term in force on ``on``; without a recorded term, the issuer's
    first day (a cell founded in 2021 numbers from its founding)."""
    term = issuer.terms.filter(valid_from__lte=on).order_by("-valid_from").first()
    if term is not None and term.holds_on(on):
        return term.valid_from
    first, _end = issuer.lifetime()
    return first or on


@transaction.atomic
def allocate(issuer: Organization, doc_type: str, on: dt.date) -> IssuedNumber:
    version = issuer.version_on(on)
    if version is None:
        raise ValidationError(f"Tổ chức không hoạt động vào ngày {on:%d/%m/%Y}.")
    start = term_start(issuer, on)
    # The issuer's row is the counter's lock: on PostgreSQL a concurrent allocation waits
    # here and then reads the number just taken, instead of taking the same one and failing
    # on the unique constraint (issue 9). SQLite's IMMEDIATE transactions already serialise.
    lock(issuer)
    last = IssuedNumber.objects.filter(
        issuer=issuer, doc_type=doc_type, term_start=start
    ).aggregate(last=Max("seq"))["last"]
    return IssuedNumber.objects.create(
        issuer=issuer,
        doc_type=doc_type,
        issuer_code=version.issuer_code,
        term_start=start,
        seq=(last or 0) + 1,
        issued_on=on,
    )
