"""RPL rule sets: one JSON file per scheme in ``data/rpl/``, validated at load by the models below
(``python -m taxonomies.rpl`` checks every file and prints the JSON Schema).

Every value is a ``Fact``: the value, whether it is known, its source (an id into the scheme's
``sources``), the source's grade (primary: government, awarding body, ILO, gazette; secondary:
news, provider, blog, mirror) and the dates the rule is in force. A rule nobody could find is
``status: "unknown"`` with a null value — never a guessed number. Facts come from
``../shared/docs/rpl-sources.md``; nothing is invented.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

RPL_DIR = Path(__file__).resolve().parent / "data" / "rpl"
T = TypeVar("T")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: str
    url: str = Field(description="Where the stored copy came from (host and path)")
    grade: Literal["primary", "secondary"]
    accessed: date | None = None


class Fact(_Strict, Generic[T]):
    value: T | None = None
    status: Literal["known", "unknown", "not_applicable"] = "known"
    source: str | None = Field(default=None, description="A key of the scheme's sources")
    note: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.status == "known" and (self.value is None or self.source is None):
            raise ValueError("a known fact needs a value and a source")
        if self.status != "known" and self.value is not None:
            raise ValueError(f"an {self.status} fact has no value")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to)


class FrameworkLevel(_Strict):
    level: str
    label: str


class Framework(_Strict):
    name: str = Field(examples=["NVQ", "NC", "NSQF", "SKM"])
    levels: list[FrameworkLevel]
    source: str


class LevelRule(_Strict):
    """What one level of the scheme asks."""

    level: str
    experience_months: Fact[int]
    experience_months_with_training: Fact[int] = Fact(status="unknown")
    min_age: Fact[int] | None = Field(default=None, description="When it differs from the scheme's minimum age")


class Place(_Strict):
    name: str
    how: str | None = None
    url: str | None = None


class Scheme(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    version: str
    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    framework: Framework
    regulator: Fact[str]
    assessing_bodies: Fact[list[str]]
    effective_from: date | None = None
    effective_to: date | None = Field(default=None, description="Set for a rule kept as history")
    min_age: Fact[int]
    max_age: Fact[int] = Fact(status="unknown")
    levels: list[LevelRule]
    recency_months: Fact[int] = Field(description="Relevant work must fall within this many months before applying")
    recency_min_months: Fact[int] = Fact(status="not_applicable")
    required_evidence: Fact[list[str]]
    accepted_evidence: Fact[list[str]]
    self_assessment_gate: Fact[str]
    outcomes: Fact[list[Literal["full", "partial"]]]
    fees: Fact[str]
    appeal: Fact[str]
    how_to_apply: Fact[str]
    where_to_apply: list[Place] = Field(default_factory=list)
    sources: dict[str, Source]

    @model_validator(mode="after")
    def _sources_exist(self):
        for name, fact in self.facts():
            if fact.source is not None and fact.source not in self.sources:
                raise ValueError(f"{name}: unknown source {fact.source!r}")
        if self.framework.source not in self.sources:
            raise ValueError(f"framework: unknown source {self.framework.source!r}")
        known = {lv.level for lv in self.framework.levels}
        for rule in self.levels:
            if rule.level not in known:
                raise ValueError(f"levels: {rule.level!r} is not a level of {self.framework.name}")
        return self

    def facts(self) -> list[tuple[str, Fact]]:
        out = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Fact):
                out.append((name, value))
        for rule in self.levels:
            for name in ("experience_months", "experience_months_with_training", "min_age"):
                fact = getattr(rule, name)
                if fact is not None:
                    out.append((f"levels[{rule.level}].{name}", fact))
        return out

    def level(self, level: str) -> LevelRule | None:
        return next((r for r in self.levels if r.level == level), None)


class LevelMapping(_Strict):
    source_framework: str
    source_level: str
    target_framework: str
    target_level: str
    status: Literal["verified", "unverified"]
    source: str | None = None
    note: str | None = None


class LevelMappings(_Strict):
    version: str
    mappings: list[LevelMapping]
    sources: dict[str, Source]


@lru_cache(maxsize=None)
def load_schemes(directory: Path = RPL_DIR) -> dict[str, Scheme]:
    """Every scheme file, validated; raises ``ValueError`` naming the file and the field."""
    schemes: dict[str, Scheme] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == "level_mappings.json":
            continue
        try:
            scheme = Scheme.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        if scheme.id in schemes:
            raise ValueError(f"{path.name}: scheme id {scheme.id!r} used twice")
        schemes[scheme.id] = scheme
    return schemes


@lru_cache(maxsize=None)
def load_level_mappings(directory: Path = RPL_DIR) -> LevelMappings:
    return LevelMappings.model_validate(json.loads((directory / "level_mappings.json").read_text(encoding="utf-8")))


def json_schema() -> dict[str, Any]:
    return Scheme.model_json_schema()


if __name__ == "__main__":
    found = load_schemes()
    mappings = load_level_mappings()
    for scheme in found.values():
        unknown = sum(f.status == "unknown" for _, f in scheme.facts())
        print(f"{scheme.id}: {scheme.name} ({scheme.country}, {scheme.framework.name}), "
              f"{len(scheme.levels)} level rules, {unknown} unknown facts")
    print(f"{len(mappings.mappings)} level mappings")
