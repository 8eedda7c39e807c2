"""The API's contract beyond what each operation declares: the one error shape, every error
status an operation can answer, the optional ``Idempotency-Key`` header on writes, and the
Vietnamese messages for input the request schema refuses."""

from typing import Any

from ninja import NinjaAPI

ERROR_REF = "#/components/schemas/Error"

ERRORS: dict[int, str] = {
    400: "Dữ liệu hoặc tham số không hợp lệ; `errors` nêu lỗi theo từng trường.",
    401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ.",
    403: "Vai trò không được thực hiện thao tác này (ví dụ vai trò chỉ xem).",
    404: "Không tìm thấy, hoặc nằm ngoài phạm vi được phân quyền.",
    405: "Phương thức không được hỗ trợ ở địa chỉ này.",
    409: "Xung đột: cùng Idempotency-Key với nội dung khác, hoặc số văn bản vừa được cấp cho yêu cầu khác.",
    413: "Nội dung gửi lên quá lớn.",
    415: "Nội dung gửi lên phải là JSON (Content-Type: application/json).",
    429: "Quá nhiều yêu cầu; thử lại sau thời gian ở Retry-After.",
    503: "Cơ sở dữ liệu đang bận; thử lại sau thời gian ở Retry-After.",
}
WRITE_ONLY = {409, 413, 415}
# An operation that takes a file reads multipart/form-data, not JSON.
MULTIPART_415 = "Nội dung gửi lên phải là multipart/form-data (thao tác này nhận tệp)."
RETRY_AFTER = {"Retry-After": {"description": "Số giây nên chờ.", "schema": {"type": "integer"}}}


def _error_schema() -> dict:
    return {
        "title": "Error",
        "description": "Mọi câu trả lời lỗi của API.",
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "Thông báo bằng tiếng Việt."},
            "errors": {
                "type": "object",
                "description": "Lỗi theo từng trường (trường `__all__`: lỗi chung).",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "warnings": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {
                            "type": "string",
                            "description": "Mã cảnh báo, ví dụ cccd_gender.",
                        },
                        "message": {"type": "string"},
                    },
                    "required": ["code", "message"],
                },
                "description": "Cảnh báo cần xác nhận (ví dụ số CCCD không khớp giới tính, năm "
                "sinh): gửi lại với `confirm_warnings: true` để vẫn ghi.",
            },
        },
        "required": ["detail"],
    }


# Query dates are typed as text: like the pages' addresses they take both spellings.
DATE_PARAMETERS = {
    "as_of": "Ngày xem số liệu, yyyy-mm-dd hoặc dd/mm/yyyy, năm 1930–2200; mặc định hôm nay.",
    "start": "Từ ngày (ngày dự kiến), yyyy-mm-dd hoặc dd/mm/yyyy.",
    "end": "Đến ngày (ngày dự kiến), yyyy-mm-dd hoặc dd/mm/yyyy.",
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Khóa do máy khách tạo (ví dụ UUID): gửi lại cùng khóa và cùng nội dung trong "
    "24 giờ thì nhận lại câu trả lời lần đầu, không ghi thêm; cùng khóa, nội dung khác: 409.",
    "schema": {"type": "string"},
}


def complete(schema: dict) -> dict:
    """Add the error answers and the write header to every operation of ``schema``."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = _error_schema()
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            write = method.lower() != "get"
            responses = operation["responses"]
            declared = {str(code) for code in responses}  # ninja's keys are int, ours str
            multipart = "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
            for status, text in ERRORS.items():
                if (status in WRITE_ONLY and not write) or str(status) in declared:
                    continue
                if status == 415 and multipart:
                    text = MULTIPART_415
                answer: dict[str, Any] = {
                    "description": text,
                    "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                }
                if status in {429, 503}:
                    answer["headers"] = RETRY_AFTER
                responses[str(status)] = answer
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter["name"] in DATE_PARAMETERS:
                    parameter.setdefault("description", DATE_PARAMETERS[parameter["name"]])
            if write:
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(dict(IDEMPOTENCY_KEY))
    return schema


def document(api: NinjaAPI) -> None:
    """Make ``api``'s OpenAPI schema carry the errors and headers (see ``complete``)."""
    produce = api.get_openapi_schema

    def get_openapi_schema(**kwargs):
        return complete(produce(**kwargs))

    api.get_openapi_schema = get_openapi_schema


# What the request schema refuses, said in Vietnamese at the field (pydantic's error types);
# the wording is the one the transport checks use for the same faults.
FIELD_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "extra_forbidden": "Trường này không có trong yêu cầu.",
    "string_type": "Phải là một chuỗi.",
    "int_type": "Phải là một số nguyên.",
    "int_parsing": "Phải là một số nguyên.",
    "int_from_float": "Phải là một số nguyên.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "iso_date": "Phải là một ngày dạng yyyy-mm-dd.",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "string_pattern_mismatch": "Không đúng dạng (giờ: hh:mm, ví dụ 14:00).",
}
# Tags pydantic adds to a location for a dict key or the member of a union that failed.
LOCATION_TAGS = {"str", "int", "bool", "float", "none", "[key]"}


def field_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind.startswith("date_"):
        return "Phải là một ngày có thật, dạng yyyy-mm-dd."
    if kind == "string_too_long":
        return f"Tối đa {ctx.get('max_length')} ký tự."
    if kind == "too_long":
        return f"Tối đa {ctx.get('max_length')} phần tử."
    if kind in {"literal_error", "enum"}:
        return f"Phải là một trong: {ctx.get('expected', '')}."
    if kind == "greater_than_equal":
        return f"Phải lớn hơn hoặc bằng {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"Phải nhỏ hơn hoặc bằng {ctx.get('le')}."
    return FIELD_MESSAGES.get(kind, "Giá trị không hợp lệ.")


def field_errors(errors: list[dict], source: str) -> dict[str, list[str]]:
    """``{field: [message]}`` for the errors of one request part (``body``, ``query``, …);
    a nested field is named by its path (``marks.12.status``), the body itself ``__all__``."""
    found: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        if not loc or loc[0] != source:
            continue
        # A body's location repeats the parameter name: ("body", "body", "field", ...).
        path = loc[2:] if source == "body" else loc[1:]
        while path and path[-1] in LOCATION_TAGS:
            path.pop()
        key = ".".join(path) or "__all__"
        message = field_message(error)
        if message not in found.setdefault(key, []):
            found[key].append(message)
    if found.get("__all__") == [FIELD_MESSAGES["model_type"]] and source == "body":
        found["__all__"] = ["Nội dung gửi lên phải là một đối tượng JSON."]
    return found
