from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chibo.accounts import access
from chibo.accounts.forms import TokenForm
from chibo.accounts.models import ApiToken
from chibo.orgs.models import OrgVersion


def _profile_context(user, form=None, new_key=None) -> dict:
    today = timezone.localdate()
    grants = list(user.grants.select_related("organization").order_by("-valid_from"))
    names = {
        v.organization_id: v.name
        for v in OrgVersion.objects.filter(
            organization__in=[g.organization_id for g in grants]
        ).order_by("valid_from")
    }
    return {
        "nav": "account",
        "today": today,
        "grants": [(g, names.get(g.organization_id, "—"), g.holds_on(today)) for g in grants],
        "tokens": user.api_tokens.all(),
        "form": form or TokenForm(),
        "new_key": new_key,
        "is_superuser": user.is_superuser,
        "active_roles": sorted(r.label for r in access.roles(user)),
    }


@require_GET
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request.user))


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(request.user, form), status=400
        )
    _, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/profile.html", _profile_context(request.user, new_key=key))


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, f"Đã thu hồi mã “{token.name}”.")
    return redirect("accounts:profile")
