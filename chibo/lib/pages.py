"""The one shape of a write page: bind, run one operation in its transaction, redirect; on
refusal the messages stay at the fields and the answer is 400, with nothing written."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render


def form_page(request, form, template: str, context: dict, action):
    """``action(cleaned_data)`` performs the change and returns (URL, success message)."""
    if request.method == "POST" and form.is_valid():
        try:
            url, message = action(form.cleaned_data)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            messages.success(request, message)
            return HttpResponseRedirect(url)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)
