"""``can_import`` for the navigation bar, read only when a template asks for it."""

from django.utils.functional import SimpleLazyObject

from chibo.accounts import access


def nav(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "can_import": SimpleLazyObject(
            lambda: user is not None and access.may_import_somewhere(user)
        )
    }
