"""Account operations (issue 10): each keyword-only, one transaction, ``by=`` the acting
user so the audit history can name who did it. Who may do what is decided before, in
``chibo.accounts.access``; these functions validate the records and write."""

import datetime as dt

from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import Grant, Role, User
from chibo.lib.vndates import format_date


@transaction.atomic
def grant_role(
    *,
    user: User,
    role: Role,
    organization,
    valid_from: dt.date,
    valid_to: dt.date | None,
    note: str = "",
    by: User | None,
) -> Grant:
    grant = Grant(
        user=user,
        role=role,
        organization=organization,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def create_user(
    *,
    username: str,
    full_name: str,
    role: Role,
    organization,
    valid_from: dt.date,
    valid_to: dt.date | None,
    note: str = "",
    by: User | None,
) -> User:
    """A new user with no usable password yet (they set it through ``password_link``) and a
    first grant, so that the user is inside the creator's scope from the start."""
    user = User(username=username, full_name=full_name)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    grant_role(
        user=user,
        role=role,
        organization=organization,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        by=by,
    )
    return user


@transaction.atomic
def end_grant(*, grant: Grant, last_day: dt.date, by: User | None) -> Grant:
    """End a grant after ``last_day``; a grant is only shortened, never lengthened."""
    valid_to = last_day + dt.timedelta(days=1)
    if valid_to <= grant.valid_from:
        raise ValidationError(
            {
                "last_day": f"Ngày cuối không được trước ngày bắt đầu {format_date(grant.valid_from)}."
            }
        )
    if grant.valid_to is not None and valid_to > grant.valid_to:
        raise ValidationError({"last_day": "Chỉ có thể rút ngắn thời hạn của quyền."})
    grant.valid_to = valid_to
    grant.save(update_fields=["valid_to"])
    return grant


def password_link(*, user: User, by: User | None) -> str:
    """The path of a one-time link through which ``user`` sets a new password. Django's token
    changes with the password and the last login, so the link dies once used (or once the
    user logs in) and after ``PASSWORD_RESET_TIMEOUT``. The old password keeps working until
    then: making a link by mistake locks nobody out."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def unlock(*, username: str, ip_address: str | None, by: User | None) -> int:
    """Clear the failures of one (user name, address) pair; the number of rows removed."""
    removed, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
    return removed


@transaction.atomic
def start_two_factor(*, user: User, by: User | None) -> TOTPDevice:
    """A new, unconfirmed TOTP device (a fresh key); an earlier unfinished one is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)


@transaction.atomic
def confirm_two_factor(*, device: TOTPDevice, by: User | None) -> TOTPDevice:
    """The first right code turns the device on; any other device of the user goes."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def stop_two_factor(*, user: User, by: User | None) -> int:
    """Turn two-step login off (the user, or the superuser for a lost phone in the admin)."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    return removed
