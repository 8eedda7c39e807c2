"""The one shape of a write page: bind, run one operation in its transaction, redirect; on
refusal the messages stay at the fields and the answer is 400, with nothing written."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render


def form_page(request, form, template: str, context: dict, action):
    """``action(cleaned_data)`` performs the change and returns (URL, success message)."""
    if request.method == "POST" and form.is_valid():
        try:
            # One user action, one transaction: a refusal half-way writes nothing.
            with transaction.atomic():
                url, message = action(form.cleaned_data)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, message)
            return HttpResponseRedirect(url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def posted(request):
    """The data to bind a form to: the POST, even an empty one (``posted(request)``
    would leave an empty POST unbound and hide its errors), else ``None``."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None
