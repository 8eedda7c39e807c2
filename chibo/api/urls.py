import functools

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from chibo.api import views
from chibo.api.api import api
from chibo.api.once import idempotent


def _json_405(view):
    """Ninja answers a wrong method with a plain-text 405; answer in the API's own form."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = JsonResponse(
                {"detail": f"Phương thức {request.method} không được hỗ trợ ở đây."}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapper


def _methods(callback) -> frozenset[str] | None:
    """The methods a ninja path answers, from the PathView its view closes over (``None``
    if ninja hides it; the key is then judged before the method, as before)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return frozenset(m for op in operations for m in op.methods)
    return None


def _public(patterns):
    """Let requests reach the API views; the API authenticates them itself (401, not a
    redirect to the login page) and serves its schema to anyone. Every write honours
    ``Idempotency-Key`` (``chibo.api.once``)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            wrapped = idempotent(callback, methods=_methods(callback))
            pattern.callback = login_not_required(_json_405(wrapped))
    return patterns


def api_urls():
    patterns, app_name, namespace = api.urls
    return include((_public(patterns), app_name), namespace=namespace)


urlpatterns = [path("", views.docs, name="api-docs")]
