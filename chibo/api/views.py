from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def docs(request):
    """A plain description of the API; the machine-readable one is ``openapi.json``."""
    return render(request, "api/docs.html", {"nav": "api"})
