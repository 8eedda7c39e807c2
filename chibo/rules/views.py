"""The alerts board (cảnh báo) per scope and date, and dismissing a finding with a reason."""

import copy
import datetime as dt
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts import access
from chibo.compliance import checks, served
from chibo.lib import params
from chibo.lib.idlist import IdList
from chibo.lib.pages import form_page, posted
from chibo.orgs.models import Organization
from chibo.reports.views import scope_ids
from chibo.rules import basis, forms, operations
from chibo.rules.models import (
    CalendarYear,
    DayKind,
    Dismissal,
    FindingRecord,
    RuleSet,
    Severity,
    year_days,
)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Findings whose link is an action page: it opens only for a user who may write on the
# finding's organization today (as those pages judge), others are led to the organization.
ACTIONS = {
    "briefings:answer",
    "briefings:progress",
    "documents:regulation_new",
    "meetings:attendance",
}


def _offers(user, findings: list[checks.Finding], on: dt.date) -> tuple[dict[str, str], set[str]]:
    """For the findings shown: where each one's link may lead this user (by key), and the keys
    the user may set aside (the supervising side only, as ``dismiss`` judges). Issue 14: a page
    offers only what the user can do."""
    today = timezone.localdate()
    org_ids = {f.organization_id for f in findings}
    writable = access.visible_ids(user, org_ids, today, access.Capability.WRITE)
    supervised = access.supervised_ids(user, org_ids, on)
    links = {}
    for f in findings:
        action = resolve(urlsplit(f.url).path).view_name in ACTIONS
        if action and f.organization_id not in writable:
            links[f.key] = (
                reverse("orgs:detail", args=[f.organization_id]) + f"?as_of={on:%Y-%m-%d}"
            )
        else:
            links[f.key] = f.url
    return links, {f.key for f in findings if f.organization_id in supervised}


def findings_for(user, on, org_id=None) -> list[checks.Finding]:
    return served.findings(scope_ids=scope_ids(user, on, org_id), on=on)


@require_GET
def alerts(request):
    on = params.as_of(request.GET)
    org_id = params.optional_int(request.GET, "org", "tổ chức")
    ids = scope_ids(request.user, on, org_id)
    found = served.findings(scope_ids=ids, on=on)
    form = forms.FilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    by_severity = Counter(f.severity for f in found)
    by_rule = Counter(f.rule_id for f in found)
    shown = [
        f
        for f in found
        if (not data.get("rule") or f.rule_id == data["rule"])
        and (not data.get("severity") or f.severity == data["severity"])
    ]
    groups = defaultdict(list)
    for finding in shown:
        groups[finding.organization].append(finding)
    # Organizations, not findings, are paged, so each keeps its findings together.
    page = Paginator(sorted(groups.items()), settings.CHIBO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The findings are served to every user alike: this page's are copied before each is
    # given what this user may do with it.
    page.object_list = [(org, [copy.copy(f) for f in items]) for org, items in page]
    shown_here = [f for _org, items in page for f in items]
    keys = [f.key for f in shown_here]
    links, dismissable = _offers(request.user, shown_here, on)
    for f in shown_here:  # what the template offers for each finding, computed above
        f.link, f.dismissable = links[f.key], f.key in dismissable
    since = dict(
        FindingRecord.objects.filter(key__in=keys, resolved_on__isnull=True).values_list(
            "key", "first_seen"
        )
    )
    context = {
        "nav": "alerts",
        "on": on,
        "form": form,
        "total": len(found),
        "severities": [(s, label, by_severity.get(s, 0)) for s, label in Severity.choices],
        "rules": sorted(by_rule.items()),
        "groups": page,
        "query": _query(request),
        "since": since,
        "ruleset": RuleSet.on(on),
        "dismissed": _dismissed_in(ids, on),
    }
    return render(request, "rules/alerts.html", context)


def _dismissed_in(ids: frozenset[int] | None, on: dt.date) -> int:
    """How many findings of the scope have been set aside (none filtered for a user who sees
    everything; the scope as one parameter list otherwise)."""
    dismissals = Dismissal.objects.filter(from_day__lte=on)
    if ids is not None:
        dismissals = dismissals.filter(organization_id__in=IdList(ids))
    return dismissals.count()


@require_http_methods(["GET", "POST"])
def dismiss(request):
    on = params.as_of(request.GET)
    key = (request.POST.get("key") or request.GET.get("key") or "")[:200]
    finding = next((f for f in findings_for(request.user, on) if f.key == key), None)
    if finding is None:
        raise Http404("Không tìm thấy cảnh báo này trong phạm vi của bạn.")
    org = Organization.objects.get(pk=finding.organization_id)
    # Only the supervising side sets a finding aside, never the organization it is about.
    if not access.can_supervise(request.user, org, on):
        raise PermissionDenied("Chỉ cấp ủy cấp trên mới được bỏ qua cảnh báo của tổ chức này.")
    form = forms.DismissForm(posted(request), initial={"key": key})

    def action(data):
        if data["key"] != key:
            raise ValidationError("Cảnh báo không khớp.")
        operations.dismiss(
            finding=finding, organization=org, reason=data["reason"], on=on, by=request.user
        )
        return reverse(
            "rules:alerts"
        ) + f"?as_of={on.isoformat()}", "Đã bỏ qua cảnh báo; lý do được lưu."

    context = {
        "nav": "alerts",
        "title": "Bỏ qua cảnh báo",
        "crumbs": [(reverse("rules:alerts") + f"?as_of={on.isoformat()}", "Cảnh báo")],
        "cancel_url": reverse("rules:alerts") + f"?as_of={on.isoformat()}",
        "facts": [
            ("Cảnh báo", finding.message),
            ("Quy định", f"{finding.rule_id} — {finding.regulation}"),
            ("Tổ chức", finding.organization),
        ],
    }
    return form_page(request, form, "form_page.html", context, action)


def calendar_year(query) -> int:
    """The ``year`` parameter of the calendar page and API; this year when absent."""
    year = params.optional_int(query, "year", "năm")
    if year is None:
        return params.as_of({}).year
    if not params.MIN_YEAR <= year <= params.MAX_YEAR:
        raise params.InvalidParam(f"Năm phải từ {params.MIN_YEAR} đến {params.MAX_YEAR}.")
    return year


@require_GET
def calendar(request):
    """The working calendar of a year, read-only for every signed-in user (R-MEM-03, R-MEM-05,
    R-MEM-09): the days off and the make-up working days the deadlines are counted on. A
    superuser edits them in the admin."""
    year = calendar_year(request.GET)
    entry, rows = year_days(year)
    context = {
        "nav": "alerts",
        "year": year,
        "entry": entry,
        "off": [r for r in rows if r[1] == DayKind.OFF],
        "make_up": [r for r in rows if r[1] == DayKind.MAKE_UP],
        "years": list(CalendarYear.objects.values_list("year", flat=True)),
    }
    return render(request, "rules/calendar.html", context)


@require_GET
def basis_page(request):
    """Căn cứ quy định: the rule set, its documents and the rubrics in force on ``as_of``, and
    what chibo checks under them; with ``from`` and ``to``, the two dates side by side. Policy
    data, the same for every signed-in user."""
    if request.GET.get("from") or request.GET.get("to"):
        before = basis.in_force(params.as_of(request.GET, "from"))
        after = basis.in_force(params.as_of(request.GET, "to"))
        context = {
            "nav": "alerts",
            "before": before,
            "after": after,
            "rows": basis.compare(before, after),
        }
        return render(request, "rules/basis_compare.html", context)
    on = params.as_of(request.GET)
    return render(
        request, "rules/basis.html", {"nav": "alerts", "on": on, "basis": basis.in_force(on)}
    )
