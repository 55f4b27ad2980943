from pydantic import BaseModel, Field


class GroupRef(BaseModel):
    code: str
    level: int
    title: str


class ExcludedOccupation(BaseModel):
    title: str
    code: str | None = Field(description="The unit group it belongs to instead, when the ILO names it")


class EscoSkillRef(BaseModel):
    uri: str
    label: str
    skill_type: str | None


class EscoOccupationPublic(BaseModel):
    uri: str
    code: str
    preferred_label: str
    alt_labels: list[str]
    description: str
    essential_skills: list[EscoSkillRef]


class OccupationDetail(BaseModel):
    code: str
    level: int = Field(description="1 major, 2 sub-major, 3 minor, 4 unit group")
    title: str
    definition: str
    tasks: list[str]
    included_occupations: list[str]
    excluded_occupations: list[ExcludedOccupation]
    notes: str
    skill_levels: list[int] = Field(description="ISCO-08 skill levels (1–4) of the group")
    parents: list[GroupRef] = Field(description="From the major group down to the direct parent")
    children: list[GroupRef]
    esco_occupations: list[EscoOccupationPublic] = Field(
        description="ESCO v1.1.1 occupations in this unit group (unit groups only), with essential skills"
    )


class OccupationSearchHit(BaseModel):
    code: str
    level: int
    title: str
    skill_levels: list[int]
    matched_label: str
    matched_source: str = Field(description="Where the label comes from: isco_title, esco_alt, ilo_index, …")
    score: float = Field(ge=0, le=1)


class OccupationSearchPage(BaseModel):
    data: list[OccupationSearchHit]
    count: int
