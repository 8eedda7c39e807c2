"""Timing the main pages and endpoints through Django's test client, logged in as the
benchmark's superuser (whole country), board (one province) and secretary (one cell).

Each case is requested once to warm up (templates compiled, caches filled) and to count
its SQL queries, then ``repeat`` times with the clock running and no query capture, so the
timings carry no debug-cursor overhead. The whole request is timed: middleware, session,
view, template and reading the body.

The overview and the alerts serve their figures and findings until the data changes
(``chibo.compliance.served``), so their plain cases time a view that reads them. The
"computed" cases empty that cache before every request: they time a view with nothing kept,
when the checks and the figures run whole. The "after a write" cases change one member's
record in a cell of the user's scope before every request, as a secretary's work does: they
time the first view after that change, when what was kept is brought up to date in that
cell (``served.touched``).
"""

import datetime as dt
import itertools
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import connection, reset_queries
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.accounts.models import User
from chibo.bench import imports as import_bench
from chibo.bench.data import Dataset
from chibo.compliance import served
from chibo.members.roster import COUNTS
from chibo.orgs.models import SUBTREES


@dataclass(frozen=True)
class Case:
    name: str
    who: str  # "superuser", "board" or "secretary"
    url: str
    computed: bool = False  # nothing served: the caches of computed results emptied first
    after_write: bool = False  # one member's record in the user's scope changed first
    write: str = "member"  # what the write changes: "member", or "conference" (briefings)


CASES = [
    Case("overview", "superuser", "/overview/"),
    Case("overview", "board", "/overview/"),
    Case("overview", "secretary", "/overview/"),
    Case("overview computed", "superuser", "/overview/", computed=True),
    Case("overview computed", "board", "/overview/", computed=True),
    Case("overview after write", "superuser", "/overview/", after_write=True),
    Case("overview after write", "board", "/overview/", after_write=True),
    Case("overview conf. wr.", "superuser", "/overview/", after_write=True, write="conference"),
    Case("orgs tree", "board", "/orgs/"),
    Case("orgs tree", "superuser", "/orgs/"),
    Case("members list", "board", "/members/"),
    Case("members list", "superuser", "/members/"),
    Case("members list", "secretary", "/members/"),
    # The first view of a list: its length counted, not served (members.roster.kept_count).
    Case("members list comp.", "board", "/members/", computed=True),
    Case("members list comp.", "superuser", "/members/", computed=True),
    Case("members search", "board", "/members/?q=nguyen+van"),
    Case("members search", "superuser", "/members/?q=nguyen+van"),
    Case("members export", "board", "/members/export.xlsx"),
    Case("api stats", "board", "/api/v1/stats"),
    Case("api stats", "superuser", "/api/v1/stats"),
    Case("api members", "board", "/api/v1/members?limit=100"),
    Case("api members", "superuser", "/api/v1/members?limit=100"),
    Case("api members comp.", "superuser", "/api/v1/members?limit=100", computed=True),
    # Filtered to official members: the same query with one more condition, and a number
    # even while probationary members (official_date NULL) make the plain list fail.
    Case("api members offic.", "board", "/api/v1/members?limit=100&status=official"),
    Case("api members offic.", "superuser", "/api/v1/members?limit=100&status=official"),
    Case("alerts", "region", "/alerts/"),
    Case("alerts", "board", "/alerts/"),
    Case("alerts", "superuser", "/alerts/"),
    Case("alerts computed", "region", "/alerts/", computed=True),
    Case("alerts computed", "superuser", "/alerts/", computed=True),
    Case("alerts after write", "region", "/alerts/", after_write=True),
    Case("api organizations", "board", "/api/v1/organizations?limit=1000"),
    Case("api organizations", "superuser", "/api/v1/organizations?limit=1000"),
]


@dataclass
class Result:
    name: str
    who: str
    url: str
    status: int = 0
    queries: int = 0
    sql_ms: float = 0.0  # SQL time of the warm-up request, as the debug cursor saw it
    median_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    min_ms: float = 0.0
    kib: float = 0.0
    runs_ms: list[float] = field(default_factory=list)
    error: str = ""

    def as_json(self) -> dict:
        return asdict(self)


def _get(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def _detail(body: bytes) -> str:
    """The API's ``{"detail": …}`` message, else the start of a short body."""
    try:
        return str(json.loads(body)["detail"])[:150]
    except (ValueError, KeyError, TypeError):
        return body[:150].decode(errors="replace") if len(body) < 1000 else ""


def writer(user: User, what: str = "member") -> Callable[[], None]:
    """A change within ``user``'s scope, recorded like any other, a new one each time: a
    member's phone number in one cell's records, or ("conference") the answer to a
    recommendation a cell sent, as a party committee's secretary records a conference."""
    from chibo.accounts import access
    from chibo.lib.idlist import IdList
    from chibo.members.models import Membership

    ids = access.scope(user, timezone.localdate()).ids()
    memberships = Membership.objects.order_by("pk")
    if ids is not None:
        memberships = memberships.filter(cell_id__in=IdList(ids))
    first = memberships.select_related("person").first()
    numbers = itertools.count()
    if what == "conference":
        recommendation = _recommendation(first.cell_id)

        def answer() -> None:
            recommendation.answer = f"Đã tiếp thu, lần {next(numbers)}."
            recommendation.save(update_fields=["answer"])

        return answer
    person = first.person

    def write() -> None:
        person.phone = f"09{next(numbers) % 10**8:08d}"
        person.save(update_fields=["phone"])

    return write


def _recommendation(cell_id: int):
    """The bench's one recommendation, from ``cell_id`` to its commune committee: made once,
    with no due date (no finding of its own), and answered again at each write."""
    from chibo.briefings import operations as briefings
    from chibo.briefings.models import Recommendation
    from chibo.orgs.models import Organization, OrgLink

    text = "Bổ sung phương tiện tuần tra (bench)."
    found = Recommendation.objects.filter(raised_by_id=cell_id, text=text).first()
    if found is not None:
        return found
    parent = OrgLink.objects.on(timezone.localdate()).filter(child_id=cell_id).first().parent_id
    return briefings.raise_recommendation(
        raised_by=Organization.objects.get(pk=cell_id),
        addressed_to=Organization.objects.get(pk=parent),
        category="facilities",
        text=text,
        raised_on=timezone.localdate(),
        by=None,
    )


def measure(client: Client, case: Case, repeat: int, write=None) -> Result:
    result = Result(case.name, case.who, case.url)

    def forget():  # a "computed" case: nothing kept; "after a write": one cell changed
        if case.computed:
            caches[served.CACHE].clear()
            caches[SUBTREES].clear()
            caches[COUNTS].clear()
        if case.after_write:
            write()

    try:
        forget()
        reset_queries()  # the query log is cleared at each request start anyway
        with CaptureQueriesContext(connection) as captured:
            result.status, body = _get(client, case.url)
        result.queries = len(captured.captured_queries)
        result.sql_ms = round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1)
        result.kib = round(len(body) / 1024, 1)
        if result.status != 200:  # timing an error page would say nothing about the page
            result.error = f"HTTP {result.status} {_detail(body)}".strip()
            return result
        for _ in range(repeat):
            forget()
            start = time.perf_counter()
            _get(client, case.url)
            result.runs_ms.append(round((time.perf_counter() - start) * 1000, 1))
    except Exception as error:  # one broken page must not hide the others' numbers
        lines = " / ".join(line.strip() for line in str(error).splitlines()[:3])
        result.error = f"{type(error).__name__}: {lines}"[:200]
        return result
    result.median_ms = round(statistics.median(result.runs_ms), 1)
    result.p95_ms = p95(result.runs_ms)
    result.max_ms = max(result.runs_ms)
    result.min_ms = min(result.runs_ms)
    return result


def p95(runs: list[float]) -> float:
    """The 95th percentile of a few runs (the largest when there are fewer than two)."""
    if len(runs) < 2:
        return max(runs)
    return round(statistics.quantiles(runs, n=20, method="inclusive")[18], 1)


def run(
    dataset: Dataset, *, repeat: int, log: Callable[[str], None] = print, cases=CASES
) -> list[Result]:
    users = {
        "superuser": dataset.superuser_id,
        "board": dataset.board_id,
        "secretary": dataset.secretary_id,
        "region": region_user(),
    }
    results = []
    # The test client sends Host: testserver, which production settings do not allow.
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        clients = {}
        for who, user_id in users.items():
            clients[who] = Client()
            clients[who].force_login(User.objects.get(pk=user_id))
        for case in cases:
            who = User.objects.get(pk=users[case.who])
            write = writer(who, case.write) if case.after_write else None
            result = measure(clients[case.who], case, repeat, write)
            results.append(result)
            log(f"  {case.name:<18} {case.who:<9} {_summary(result)}")
    results += import_bench.run(dataset, log=log)  # issue 13: preview and confirm, 10,000 rows
    return results


def _summary(result: Result) -> str:
    if result.error:
        return f"LỖI {result.error}"
    return f"{result.median_ms:>9.1f} ms (max {result.max_ms:.1f}), {result.queries} truy vấn"


COLUMNS = [
    ("case", "name", "<"),
    ("user", "who", "<"),
    ("status", "status", ">"),
    ("queries", "queries", ">"),
    ("sql ms", "sql_ms", ">"),
    ("median ms", "median_ms", ">"),
    ("p95 ms", "p95_ms", ">"),
    ("max ms", "max_ms", ">"),
    ("KiB", "kib", ">"),
    ("url", "url", "<"),
]


def table(results: list[Result]) -> str:
    """A plain aligned table; failed cases have no timings and their error below it."""
    rows = [[title for title, _key, _align in COLUMNS]]
    notes = []
    for result in results:
        row = [str(getattr(result, key)) for _title, key, _align in COLUMNS]
        if result.error:
            row[2] = str(result.status) if result.status else "ERROR"
            row[3] = str(result.queries) if result.status else ""
            row[4:9] = ["", "", "", "", ""]
            notes.append(f"! {result.name}, {result.who}: {result.error}")
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for row in rows:
        cells = [
            f"{value:{align}{width}}"
            for value, width, (_t, _k, align) in zip(row, widths, COLUMNS, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines + notes)


REGION = "bench.vung"
REGION_CELLS = 1000


def region_user() -> int:
    """A board user over whole provinces holding at least 1,000 police cells: the size the
    alerts board must answer for in under 300 ms (issue: compliance engine)."""
    from django.db.models import Count, Q

    from chibo.accounts.models import Grant, Role
    from chibo.orgs.models import Kind, Organization, OrgLink

    existing = User.objects.filter(username=REGION).first()
    if existing is not None:
        return existing.pk
    user = User(username=REGION, full_name="Cấp ủy vùng (đo hiệu năng)")
    user.set_unusable_password()
    user.save()
    provinces = (
        Organization.objects.filter(versions__kind=Kind.PROVINCE)
        .annotate(communes=Count("downlinks", filter=Q(downlinks__relation="territorial")))
        .order_by("pk")
    )
    cells = 0
    for province in provinces:
        Grant.objects.create(
            user=user, role=Role.BOARD, organization=province, valid_from=dt.date(2025, 7, 1)
        )
        communes = OrgLink.objects.filter(parent=province, relation="territorial").values("child")
        cells += OrgLink.objects.filter(
            parent__in=communes, relation="territorial", child__is_police=True
        ).count()
        if cells >= REGION_CELLS:
            break
    return user.pk
