"""The member's own page (issue 15 item 4): phone first, cards, read-only but for the "đã học"
acknowledgement of a document to study (F-9), the one write a member makes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chibo.accounts import access
from chibo.lib import params
from chibo.me.card import card
from chibo.register import operations as register
from chibo.register.models import Dissemination


@require_GET
def page(request):
    on = params.as_of(request.GET)
    person = access.own_person(request.user)
    if person is None:
        raise Http404("Tài khoản của bạn không gắn với đảng viên nào.")
    context = {"nav": "me", "on": on, "today": timezone.localdate(), "card": card(person, on)}
    return render(request, "me/page.html", context)


def studied(user, pk: int):
    """The member's person and the study plan they acknowledge today; 404 for a plan of a
    cell the member is not in today, or a user who is no member (nothing to reveal)."""
    today = timezone.localdate()
    person = access.own_person(user)
    plan = get_object_or_404(
        Dissemination.objects.select_related("document"), pk=pk, document__issued_on__lte=today
    )
    if person is None or not access.may_acknowledge_study(user, plan.cell_id, today):
        raise Http404("Không tìm thấy tài liệu cần học tập.")
    return person, plan, today


@require_POST
def acknowledge(request, pk: int):
    person, plan, today = studied(request.user, pk)
    register.acknowledge(person, plan, today, request.user)
    messages.success(request, f"Đã ghi nhận: đồng chí đã học {plan.document.number}.")
    return redirect("me:page")
