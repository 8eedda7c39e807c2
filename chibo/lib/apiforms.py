"""Writes through the API are validated by the same Django forms as the pages."""

from django.core.exceptions import ValidationError
from ninja.errors import HttpError


class FormInvalid(HttpError):
    """400 with the form's Vietnamese messages per field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(400, "Dữ liệu không hợp lệ.")
        self.errors = errors


def errors_of(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def bind(form) -> dict:
    """The cleaned data, or ``FormInvalid``."""
    if not form.is_valid():
        raise FormInvalid(errors_of(form))
    return form.cleaned_data


def run(form, action):
    """Run ``action(cleaned_data)``; an operation's refusal becomes a 400 like a form error."""
    data = bind(form)
    try:
        return action(data)
    except ValidationError as error:
        form.add_validation_error(error)
        raise FormInvalid(errors_of(form)) from None
