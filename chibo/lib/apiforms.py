"""Writes through the API are validated by the same Django forms as the pages.

The request schema of each write is derived from the form's declared fields (type, required,
``max_length``, choices), so the form stays the one source of truth and a field added to a form
appears in the OpenAPI schema. The schema refuses wrong JSON types at the field (400, in
Vietnamese, see ``chibo.api.api``); the form then does the domain checks as on the page.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from ninja import File, Schema, UploadedFile
from ninja.errors import HttpError
from pydantic import BeforeValidator, ConfigDict, Field, Strict, create_model
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL store; beyond it a lookup overflows
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME = r"^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"


def _iso_text(value: Any) -> Any:
    # JSON has no date type: only a text "yyyy-mm-dd" is a date; never a number or true/false.
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("iso_date", "date as yyyy-mm-dd")
    return value


def _whole_number(value: Any) -> Any:
    # true == 1 in Python; a JSON true is not a rank.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("int_type", "integer")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_text)]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]  # from the URL: digits, not a JSON number
Text = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]


class FormInvalid(HttpError):
    """400 with the form's Vietnamese messages per field, and the warnings to confirm
    (``[{"code", "message"}]``) when the form has any."""

    def __init__(self, errors: dict[str, list[str]], warnings: list[dict[str, str]] | None = None):
        super().__init__(400, "Dữ liệu không hợp lệ.")
        self.errors = errors
        self.warnings = warnings or []


class Body(Schema):
    """A request body: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _choices(field: forms.ChoiceField) -> list:
    return [value for value, _label in field.choices if value not in ("", None)]


def _type_of(field: forms.Field, multipart: bool = False) -> tuple[Any, dict]:
    """The JSON type and constraints of one form field. ``multipart``: every value arrives as
    text (as from the page's form), so numbers and yes/no are read from their text."""
    constraints: dict[str, Any] = {}
    whole = PathId if multipart else Id
    if isinstance(field, forms.MultipleChoiceField):
        # Organizations to choose among depend on the user's scope: ids, checked by the form.
        return list[whole], {"max_length": 500}
    if isinstance(field, forms.BooleanField):
        return (bool if multipart else Bool), constraints
    if isinstance(field, forms.DateField):
        return Date, constraints
    if isinstance(field, forms.TimeField):
        return Text, {"pattern": TIME}
    if isinstance(field, forms.IntegerField):
        if field.min_value is not None:
            constraints["ge"] = field.min_value
        if field.max_value is not None:
            constraints["le"] = field.max_value
        return (int if multipart else Annotated[int, Strict()]), constraints
    if isinstance(field, forms.TypedChoiceField) and field.coerce is int:
        values = _choices(field)
        if not values:
            return whole, constraints
        if multipart:
            return Literal[tuple(str(v) for v in values)], constraints
        return Annotated[Literal[tuple(values)], BeforeValidator(_whole_number)], constraints
    if isinstance(field, forms.ChoiceField):
        values = _choices(field)
        return (Literal[tuple(values)] if values else Text), constraints
    if isinstance(field, forms.RegexField):
        constraints["pattern"] = field.regex.pattern
    if isinstance(field, forms.CharField) and field.max_length is not None:
        constraints["max_length"] = field.max_length
    return Text, constraints


def schema_of(
    form_class: type[forms.Form],
    name: str,
    *,
    exclude: tuple[str, ...] = (),
    extra: dict[str, tuple[Any, Any]] | None = None,
    partial: bool = False,
    multipart: bool = False,
) -> type[Body]:
    """The request schema of ``form_class``: one property per declared field, ``required``
    where the form requires it, the form's label as the title and its help as description.
    File fields are left out: a JSON body carries none, and a multipart operation declares
    its file beside this schema (``File[UploadedFile]``). ``partial``: nothing is required (an
    update whose missing fields keep their stored values; the form still checks the whole).
    ``multipart``: the fields of a multipart/form-data body (``Form[...]``), all sent as text."""
    fields: dict[str, tuple[Any, Any]] = {}
    for field_name, field in form_class.base_fields.items():
        if field_name in exclude or isinstance(field, forms.FileField):
            continue
        kind, constraints = _type_of(field, multipart)
        info = {"title": str(field.label or field_name), **constraints}
        if field.help_text:
            info["description"] = str(field.help_text)
        if field.required and not partial:
            fields[field_name] = (kind, Field(..., **info))
        else:
            fields[field_name] = (kind | None, Field(None, **info))
    fields.update(extra or {})
    doc = (form_class.__doc__ or "").strip() or f"Các trường của biểu mẫu {form_class.__name__}."
    model = create_model(name, __base__=Body, **fields)
    model.__doc__ = doc
    return model


def upload_of(form_class: type[forms.Form], name: str) -> Any:
    """The parameter type of the form's file field ``name`` in a multipart operation
    (``File[...]``), titled with the form's label; optional where the form has it so."""
    field = form_class.base_fields[name]
    info = {"title": str(field.label or name)}
    if field.help_text:
        info["description"] = str(field.help_text)
    return File[(UploadedFile if field.required else UploadedFile | None, info)]


def files_of(**uploads: UploadedFile | None) -> dict:
    """The files a form binds to, as the page's ``request.FILES``: only those sent."""
    return {name: upload for name, upload in uploads.items() if upload is not None}


def form_data(body: Schema) -> dict:
    """A validated body as the data a form binds to: what the page's POST would carry."""
    data: dict[str, Any] = {}
    for key, value in body.model_dump().items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
        elif isinstance(value, bool):
            data[key] = value
        elif isinstance(value, list):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)
    return data


def errors_of(form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


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


def refuse(error: ValidationError, field: str = "__all__"):
    """An operation's refusal outside a form, as the same 400 shape."""
    if hasattr(error, "error_dict"):
        return FormInvalid({k: [str(m) for m in v.messages] for k, v in _dict(error).items()})
    return FormInvalid({field: [str(m) for m in error.messages]})


def _dict(error: ValidationError) -> dict[str, ValidationError]:
    return {k: ValidationError(v) for k, v in error.error_dict.items()}
