"""HTTP helpers shared by the record routers: ETags and If-Match, re-raising a model's
validation errors as a request's, and formula-safe CSV cells."""
from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.errors import Problem


def etag(record: Any) -> str:
    """A strong ETag from the record's ``version`` counter."""
    return f'"v{record.version}"'


def check_if_match(record: Any, if_match: str | None, what: str) -> None:
    """412 when the client's ETag is not the record's current one (no header or ``*``: no check)."""
    if if_match is None or if_match.strip() == "*":
        return
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if etag(record) not in tags:
        raise Problem(412, "version_conflict",
                      f"The {what} changed since you read it: it is now at {etag(record)}, you sent {if_match}. "
                      "Read it again, re-apply your change and send the new ETag.", current_version=record.version)


def validation_error(exc: ValidationError, prefix: tuple = ("body",)) -> RequestValidationError:
    return RequestValidationError([{**e, "loc": prefix + tuple(e["loc"])} for e in exc.errors(include_url=False)])


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection (=, +, -, @, tab, CR at the start of a cell)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
