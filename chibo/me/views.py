"""The member's own page (issue 15 item 4): phone first, cards, read-only."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chibo.accounts import access
from chibo.lib import params
from chibo.me.card import card


@require_GET
def page(request):
    on = params.as_of(request.GET)
    person = access.own_person(request.user)
    if person is None:
        raise Http404("Tài khoản của bạn không gắn với đảng viên nào.")
    context = {"nav": "me", "on": on, "card": card(person, on)}
    return render(request, "me/page.html", context)
