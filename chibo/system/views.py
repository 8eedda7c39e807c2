"""/healthz for monitors and the status page of scheduled work for the superuser."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from chibo.accounts import access
from chibo.system import health, jobs
from chibo.system.models import JobRun


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 when healthy, 503 with the reason otherwise (issue 11 §7). No login: monitors and
    load balancers call it; it names no person and no organization."""
    result = health.check()
    return JsonResponse(
        result.as_json(),
        status=200 if result.ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def status(request):
    if not access.can_operate(request.user):
        raise Http404
    return render(
        request,
        "system/status.html",
        {
            "statuses": jobs.status(),
            "runs": JobRun.objects.all()[:50],
            "health": health.check(),
            "nav": "system",
        },
    )
