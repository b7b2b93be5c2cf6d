"""Checks FastAPI's schema cannot express; failures are 422s naming the field."""

import math
from datetime import datetime, timedelta
from typing import Any

from fastapi.exceptions import RequestValidationError

MAX_ATTRIBUTE_DEPTH = 4
MAX_ATTRIBUTE_KEY = 200
MAX_ATTRIBUTE_STRING = 4096


def invalid(loc: tuple[str | int, ...], message: str) -> RequestValidationError:
    """A 422 error in FastAPI's own shape, naming the field at `loc`."""
    return RequestValidationError([{"type": "value_error", "loc": ("body", *loc), "msg": message}])


def check_timestamp(
    loc: tuple[str | int, ...], value: datetime, now: datetime, skew_s: float, max_age_days: int
) -> None:
    """Refuse timestamps far in the future or older than the store keeps."""
    if value > now + timedelta(seconds=skew_s):
        raise invalid((*loc, "timestamp"), f"is more than {skew_s:g} s in the future")
    if value < now - timedelta(days=max_age_days):
        raise invalid((*loc, "timestamp"), f"is more than {max_age_days} days in the past")


def check_attributes(loc: tuple[str | int, ...], value: Any, depth: int = 0) -> None:
    """Attributes are JSON of bounded depth and size with finite numbers only."""
    if depth > MAX_ATTRIBUTE_DEPTH:
        raise invalid(loc, f"nested deeper than {MAX_ATTRIBUTE_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            if len(key) > MAX_ATTRIBUTE_KEY:
                raise invalid(loc, f"has a key longer than {MAX_ATTRIBUTE_KEY} characters")
            check_attributes((*loc, key), item, depth + 1)
    elif isinstance(value, list):
        if len(value) > 256:
            raise invalid(loc, "has a list of more than 256 items")
        for index, item in enumerate(value):
            check_attributes((*loc, index), item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise invalid(loc, "must be a finite number")
    elif isinstance(value, str) and len(value) > MAX_ATTRIBUTE_STRING:
        raise invalid(loc, f"is longer than {MAX_ATTRIBUTE_STRING} characters")
