"""What the navigation bar needs to know of the user (issue 15 item 4)."""

from django.utils.functional import SimpleLazyObject

from chibo.accounts import access


def navigation(request) -> dict:
    """``member_only``: the account of a member with no grant — the navigation shows it only
    its own page. Lazy, and free for users with a grant (``access.member_only``)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"member_only": SimpleLazyObject(lambda: access.member_only(user))}
