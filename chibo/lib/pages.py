"""The one shape of a write page: bind, run one operation in its transaction, redirect; on
refusal the messages stay at the fields and the answer is 400, with nothing written.

Every form rendered here carries a one-time token consumed in the transaction of the write,
so a double click or a browser resubmission writes once (issue 9). The tokens live in a table
of the ``api`` app beside the API's ``Idempotency-Key`` (one mechanism, one table); ``lib``
sits below every app, so that app installs its store here at start-up (``use_once_store``,
from ``ApiConfig.ready``) instead of ``lib`` importing it.
"""

from types import ModuleType

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render

from chibo.lib.contention import Conflict

# The one-time token store: a module with FORM_FIELD, DONE_TEXT, AlreadyDone, new_token,
# posted_token, done_location, consume and record (``chibo.api.once``).
_once: ModuleType | None = None


def use_once_store(store: ModuleType) -> None:
    global _once
    _once = store


def form_page(request, form, template: str, context: dict, action):
    """``action(cleaned_data)`` performs the change and returns (URL, success message)."""
    once = _once
    if once is None:
        raise RuntimeError("No one-time token store: the api app is not installed.")
    token = once.posted_token(request)
    if token is not None:
        # A repeat after the first submission committed: do not even validate again (the
        # form may now be refused as a duplicate); go where the first one went.
        location = once.done_location(request.user, token)
        if location is not None:
            messages.info(request, once.DONE_TEXT)
            return HttpResponseRedirect(location)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                # One user action, one transaction: a refusal half-way writes nothing, and the
                # token is used only if the write is kept.
                with transaction.atomic():
                    if token is not None:
                        once.consume(request.user, token, request.path)
                    url, message = action(form.cleaned_data)
                    if token is not None:
                        once.record(request.user, token, url)
            except once.AlreadyDone as done:
                # A concurrent twin (double click) committed first, while this one waited.
                messages.info(request, once.DONE_TEXT)
                return HttpResponseRedirect(done.location)
            except ValidationError as error:
                form.add_validation_error(error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            else:
                messages.success(request, message)
                return HttpResponseRedirect(url)
        if token is not None:
            # The twin may have committed while this one was validating, and the form now
            # refuses what the twin wrote (a duplicate): it was this user's own write.
            location = once.done_location(request.user, token)
            if location is not None:
                messages.info(request, once.DONE_TEXT)
                return HttpResponseRedirect(location)
    context = {**context, "form": form, "once_field": once.FORM_FIELD, "once": once.new_token()}
    return render(request, template, context, status=status)


def posted(request):
    """The data to bind a form to: the POST, even an empty one (``posted(request)``
    would leave an empty POST unbound and hide its errors), else ``None``."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None
