import functools

from django.shortcuts import render
from django.views.decorators.http import require_GET

from chibo.api import openapi
from chibo.api.api import api

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict, components: dict) -> str:
    """A short Vietnamese-readable type: ``date``, ``integer``, ``string ≤ 50``, ``BC | TB``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    parts = []
    for option in options:
        if "enum" in option:
            parts.append(" | ".join(str(v) for v in option["enum"]))
        elif option.get("format"):
            parts.append(option["format"])
        elif option.get("type") == "array":
            parts.append(f"[{_type(option.get('items', {}), components)}]")
        elif option.get("type") == "string" and "maxLength" in option:
            parts.append(f"string ≤ {option['maxLength']}")
        else:
            parts.append(option.get("type", "object"))
    return " | ".join(parts) or "object"


def _fields(operation: dict, components: dict) -> list[tuple[str, str, bool]]:
    """The body's fields of ``operation``: (name, type, required); a file is ``binary``."""
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json") or content.get("multipart/form-data") or {}
    schema = body.get("schema", {})
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [
        (name, _type(spec, components), name in required)
        for name, spec in schema.get("properties", {}).items()
    ]


@functools.cache
def operations() -> list[dict]:
    """Every operation of the OpenAPI schema, as the page lists them (the schema is fixed
    while the process runs, so it is read once)."""
    schema = api.get_openapi_schema(path_params={})
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in schema["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "query": query,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "fields": _fields(operation, components),
                    "statuses": sorted(str(code) for code in operation.get("responses", {})),
                }
            )
    return found


@require_GET
def docs(request):
    """A plain description of the API, generated from ``openapi.json`` so it never drifts."""
    context = {"nav": "api", "operations": operations(), "errors": sorted(openapi.ERRORS.items())}
    return render(request, "api/docs.html", context)
