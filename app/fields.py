"""Field types shared by every record the API accepts: countries (ISO 3166-1), languages
(ISO 639), ISCO-08 unit groups, bounded texts and dates, and the strict base model (unknown
fields are rejected)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.timeutil import utcnow

_ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,40}$", description="A client-chosen id, unique in its list")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    codes = set()
    for language in pycountry.languages:
        codes.add(language.alpha_3)
        if hasattr(language, "alpha_2"):
            codes.add(language.alpha_2)
    return frozenset(codes)


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.upper()
    if code not in _countries():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def not_future(value: date | None) -> date | None:
    if value is not None and value > utcnow().date():
        raise ValueError("must not be in the future")
    return value


def _isco_unit(value: str | None) -> str | None:
    if value is None:
        return None
    from taxonomies import load_taxonomies

    group = load_taxonomies().isco.get(value)
    if group is None or group.level != 4:
        raise ValueError(f"{value!r} is not an ISCO-08 unit group")
    return value


Country = Annotated[str, Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2", examples=["LK"]),
                    AfterValidator(_country)]
PastDate = Annotated[date, AfterValidator(not_future)]
IscoUnit = Annotated[str, Field(pattern=r"^\d{4}$", description="An ISCO-08 unit group", examples=["7112"]),
                     AfterValidator(_isco_unit)]


def language_code(value: str) -> str:
    code = value.lower()
    if code not in _languages():
        raise ValueError(f"{value!r} is not an ISO 639 language code")
    return code


LanguageCode = Annotated[str, Field(description="ISO 639-1 or 639-3 code", examples=["ms", "tl"]),
                         AfterValidator(language_code)]


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def currency_code(value: str) -> str:
    code = value.upper()
    if code not in _currencies():
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


Currency = Annotated[str, Field(min_length=3, max_length=3, description="ISO 4217", examples=["MYR"]),
                     AfterValidator(currency_code)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
ExternalId = Annotated[str, Field(min_length=1, max_length=100, description="The id in your own system; "
                                  "re-sending or re-uploading it updates the record")]
