"""Writes through the API are validated by the same Django forms as the pages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from ninja.errors import HttpError


class FormInvalid(HttpError):
    """400 with the form's Vietnamese messages per field, and the warnings to confirm
    (``[{"code", "message"}]``) when the form has any."""

    def __init__(self, errors: dict[str, list[str]], warnings: list[dict[str, str]] | None = None):
        super().__init__(400, "Dữ liệu không hợp lệ.")
        self.errors = errors
        self.warnings = warnings or []


def errors_of(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def payload_data(payload) -> dict:
    """A JSON object as form data: numbers become text as a form would send them; lists and
    objects in a field are refused with a message, never stringified or crashed on."""
    if not isinstance(payload, dict):
        raise FormInvalid({"__all__": ["Nội dung gửi lên phải là một đối tượng JSON."]})
    data, errors = {}, {}
    for key, value in payload.items():
        if value is None:
            continue
        if isinstance(value, list | dict):
            errors[str(key)] = ["Giá trị phải là một chuỗi, số hoặc true/false."]
        elif isinstance(value, bool):
            data[str(key)] = value
        else:
            data[str(key)] = str(value)
    if errors:
        raise FormInvalid(errors)
    return data


def warnings_of(form) -> list[dict[str, str]]:
    """The warnings a ``WarningsForm`` found (R-MEM-01, CCCD checks), as code and text."""
    listing = getattr(form, "warning_list", None)
    return listing() if listing is not None else []


def bind(form) -> dict:
    """The cleaned data, or ``FormInvalid``."""
    if not form.is_valid():
        raise FormInvalid(errors_of(form), warnings_of(form))
    return form.cleaned_data


def run(form, action):
    """Run ``action(cleaned_data)`` in one transaction; an operation's refusal becomes a 400
    like a form error, and nothing is written."""
    data = bind(form)
    try:
        with transaction.atomic():
            return action(data)
    except ValidationError as error:
        form.add_validation_error(error)
        raise FormInvalid(errors_of(form)) from None
