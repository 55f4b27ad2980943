"""Request and response bodies of POST /v1/occupations/code."""
from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ITEMS = 1000


class CodingItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The job as the worker wrote it; over 2,000 characters it is truncated and flagged",
                      examples=["6 yrs house driver in Riyadh, also car maintenance"])
    description: str | None = Field(default=None, description="Tasks or a description, in the worker's words")
    lang: str | None = Field(default=None, description=(
        "A registered language code (GET /v1/languages). Words that language's alias table knows are read its "
        "way alone (\"helper\" is a domestic helper in tl, a construction helper in ne); guessed if absent, "
        "and then every reading stays a candidate"))
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 where the job was")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must contain at least one non-space character")
        return value


class CodingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[CodingItemIn] = Field(min_length=1, description=f"1 to {MAX_ITEMS} items; more: use POST /v1/uploads")
    k: int = Field(default=5, ge=1, le=20, description="How many unit groups to return per item")


class CandidateOut(BaseModel):
    code: str
    title: str
    probability: float = Field(description="Calibrated probability that this is the right unit group")
    score: float = Field(description="Its share of the text's candidates under the combiner (0–1, the shares "
                         "sum to 1; uncalibrated)")
    matched_label: str = Field(description="The name, alias or description that matched")
    matched_source: str = Field(description="Where that label comes from: isco_title, esco_alt, ilo_index, alias, …")
    signal: str = Field(description="The stage that found it: exact, alias, span, fuzzy or dense")
    skill_levels: list[int]


class GroupGuessOut(BaseModel):
    code: str
    title: str
    probability: float = Field(description="Sum of the shares of the candidates in this group")


class CodingResultOut(BaseModel):
    text: str
    cleaned: str = Field(description="The job title the coder read, after removing durations, places and noise")
    lang: str
    truncated: bool
    needs_review: bool
    review_reason: str | None
    candidates: list[CandidateOut]
    sub_major_group: GroupGuessOut | None = Field(description="Best 2-digit group, when the unit group needs review")
    major_group: GroupGuessOut | None = Field(description="Best 1-digit group, when the unit group needs review")
    other_jobs: list[str] = Field(description="Further jobs named in the same text")


class CodingResponse(BaseModel):
    data: list[CodingResultOut]
    count: int
    model_id: str
    review_threshold: float
