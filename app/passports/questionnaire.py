"""The ILO return-migration questionnaire (ILO 2024 ToT manual, Annex 2) → a passport.

Answers arrive coded as printed in the questionnaire: A7 education (→ ISCED 2011), A8 training
before migration, A9 / B4 / C3 the job and sector before migrating, abroad and after return
(the questionnaire's ISCO-88-style major-group titles → ISCO-08 major groups; A9 prints no
occupation codes, so its title or the worker's words are given as text), B3 time abroad (→ the
lower bound of its band in months: never more experience than the person reported), B8 reasons
for return and C7 support sought (→ pathways). Codes and mappings live in
``taxonomies/data/ilo_forms.json``; an unknown code is a 422 naming the item.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Country
from app.passports.schemas import ConsentIn, ConsentPurpose, Person
from taxonomies.ilo_forms import load_ilo_forms

_NO_TRAINING = "9"


class JobAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    occupation: int | None = Field(default=None, description="The printed occupation code (B4, C3)")
    sector: int | None = Field(default=None, description="The printed sector code (ISIC section 1–21, 97 = never worked)")
    words: Annotated[str, Field(min_length=1, max_length=300)] | None = Field(
        default=None, description="The job in the worker's words, if noted (coded to a unit group on save)")
    country: Country | None = None


class QuestionnaireImport(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    external_ref: str = Field(min_length=1, max_length=100)
    person: Person = Field(default_factory=Person)
    A7: int | None = Field(default=None, description="Highest education before migrating (1–9)")
    A8: list[int] = Field(default_factory=list, max_length=9, description="Training before migration")
    A9: JobAnswer | None = Field(default=None, description="Job before migrating (words, sector)")
    B3: int | None = Field(default=None, description="Time abroad band (1–7, 99 no answer)")
    B4: JobAnswer | None = Field(default=None, description="Job abroad")
    B8: list[int] = Field(default_factory=list, max_length=23, description="Reasons for return")
    C3: JobAnswer | None = Field(default=None, description="Job after return")
    C7: list[str] = Field(default_factory=list, max_length=4, description="Support sought: a, b, c, d")
    consent: dict[ConsentPurpose, ConsentIn] = Field(default_factory=dict)


class AnswerError(ValueError):
    def __init__(self, loc: tuple, message: str):
        super().__init__(message)
        self.loc = loc


def _answer(item: str, code: int | str, loc: tuple):
    try:
        return load_ilo_forms().answer(item, code)
    except ValueError as exc:
        raise AnswerError(loc, str(exc)) from None


def _job(item: str, answer: JobAnswer, loc: tuple) -> dict[str, Any]:
    job: dict[str, Any] = {}
    if answer.occupation is not None:
        printed = _answer(item, answer.occupation, (*loc, "occupation"))
        job["title"] = answer.words or printed.label
        job["major_group"] = printed.isco08_major_group
    elif answer.words:
        job["title"] = answer.words
    if answer.sector is not None:
        forms = load_ilo_forms()
        if str(answer.sector) not in forms.item(item).sector_codes:
            raise AnswerError((*loc, "sector"), f"{answer.sector} is not a sector code of item {item}")
    if answer.country:
        job["country"] = answer.country
    return job


def to_passport(q: QuestionnaireImport) -> dict[str, Any]:
    """The passport (as POST /v1/passports accepts it) that the answers describe."""
    doc: dict[str, Any] = {"external_ref": q.external_ref, "person": q.person.model_dump(mode="json", exclude_none=True),
                           "consent": {k.value: v.model_dump(mode="json", exclude_none=True) for k, v in q.consent.items()}}
    if q.A7 is not None:
        doc["education"] = [{"isced": _answer("A7", q.A7, ("A7",)).isced_level}]
    training = []
    for n, code in enumerate(q.A8):
        printed = _answer("A8", code, ("A8", n))
        if printed.code != _NO_TRAINING:
            training.append({"title": printed.label[:200], "phase": "before"})
    doc["training"] = training
    if q.A9:
        before = _job("A9", q.A9, ("A9",))
        doc["before_migration"] = {"occupation": before["title"]} if "title" in before else {}
    experiences = []
    if q.B4:
        abroad = {**_job("B4", q.B4, ("B4",)), "abroad": True}
        if q.B3 is not None:
            printed = _answer("B3", q.B3, ("B3",))
            if printed.min_months is not None:
                abroad["months"] = printed.min_months
        if "title" in abroad:
            experiences.append(abroad)
    if q.C3:
        now = {**_job("C3", q.C3, ("C3",)), "abroad": False}
        if "title" in now:
            experiences.append(now)
    doc["experiences"] = experiences
    reasons = [int(_answer("B8", code, ("B8", n)).code) for n, code in enumerate(q.B8)]
    doc["return"] = {"status": "returned", "reasons": reasons}
    pathways = [_answer("C7", option, ("C7", n)).pathway for n, option in enumerate(q.C7)]
    doc["preferences"] = {"pathways": list(dict.fromkeys(pathways))}
    return doc
