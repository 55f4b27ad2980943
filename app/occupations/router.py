"""ISCO-08 occupations: look-up of any group, search over names, and coding of free text."""
from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.deps import AnyKey, RuntimeDep
from app.errors import Problem
from app.occupations.coding_schemas import (
    MAX_ITEMS, CandidateOut, CodingRequest, CodingResponse, CodingResultOut, GroupGuessOut,
)
from app.occupations.schemas import (
    EscoOccupationPublic, EscoSkillRef, ExcludedOccupation, GroupRef, OccupationDetail, OccupationSearchHit,
    OccupationSearchPage,
)
from matching.coding.coder import CodingItem, CodingResult

router = APIRouter(prefix="/v1/occupations", tags=["occupations"])

CodePath = Annotated[
    str, Path(pattern=r"^\d{1,4}$", description="An ISCO-08 code of any level: 7, 71, 711 or 7112",
              examples=["7112"])
]


def _ref(group) -> GroupRef:
    return GroupRef(code=group.code, level=group.level, title=group.title)


@router.get("", response_model=OccupationSearchPage, summary="Search ISCO-08 groups by title, ESCO label or ILO index title")
def search_occupations(
    _key: AnyKey,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Words of a job title, or a code prefix")],
    level: Annotated[int | None, Query(ge=1, le=4, description="Only groups of this level")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> OccupationSearchPage:
    if not q.strip():
        raise Problem(422, "validation_error", "q must contain at least one non-space character",
                      errors=[{"loc": ["query", "q"], "field": "q", "msg": "blank", "type": "value_error"}])
    tx = runtime.require_taxonomies()
    hits = runtime.require_search().search(q, level=level)
    data = []
    for hit in hits[offset: offset + limit]:
        group = tx.isco[hit.code]
        data.append(OccupationSearchHit(
            code=group.code, level=group.level, title=group.title, skill_levels=list(group.skill_levels),
            matched_label=hit.label, matched_source=hit.source, score=hit.score,
        ))
    return OccupationSearchPage(data=data, count=len(hits))


@router.post(
    "/code", response_model=CodingResponse, summary="Code job texts to ISCO-08 unit groups, with confidence",
    responses={413: {"description": "More than 1,000 items: use POST /v1/uploads"}},
)
def code_occupations(body: CodingRequest, _key: AnyKey, runtime: RuntimeDep) -> CodingResponse:
    if len(body.items) > MAX_ITEMS:
        raise Problem(413, "too_many_items",
                      f"{len(body.items)} items: at most {MAX_ITEMS} per call. Send larger batches as a file to "
                      "POST /v1/uploads.", max_items=MAX_ITEMS)
    coder = runtime.require_coder()
    labels = runtime.labels
    for n, item in enumerate(body.items):
        if item.lang is not None and labels.aliases.language(item.lang) is None:
            known = ", ".join(lang.code for lang in labels.aliases.languages)
            raise Problem(422, "validation_error", f"items.{n}.lang: unknown language {item.lang!r} (known: {known})",
                          errors=[{"loc": ["body", "items", n, "lang"], "field": f"items.{n}.lang",
                                   "msg": f"unknown language; known: {known}", "type": "value_error"}])
    results = coder.code(
        [CodingItem(i.text, i.description, i.lang, i.country.upper() if i.country else None) for i in body.items],
        k=body.k,
    )
    return CodingResponse(
        data=[_result_out(r) for r in results], count=len(results), model_id=coder.encoder.model_id,
        review_threshold=coder.review_threshold,
    )


def _result_out(result: CodingResult) -> CodingResultOut:
    def guess(g):
        return GroupGuessOut(code=g.code, title=g.title, probability=g.probability) if g else None

    return CodingResultOut(
        text=result.text, cleaned=result.cleaned, lang=result.lang, truncated=result.truncated,
        needs_review=result.needs_review, review_reason=result.review_reason,
        candidates=[CandidateOut(code=c.code, title=c.title, probability=c.probability, score=c.score,
                                 matched_label=c.matched_label, matched_source=c.matched_source, signal=c.signal,
                                 skill_levels=list(c.skill_levels)) for c in result.candidates],
        sub_major_group=guess(result.sub_major_group), major_group=guess(result.major_group),
        other_jobs=list(result.other_jobs),
    )


@router.get("/{code}", response_model=OccupationDetail, summary="One ISCO-08 group of any level",
            responses={404: {"description": "No such ISCO-08 group"}, 422: {"description": "Malformed code"}})
def get_occupation(code: CodePath, _key: AnyKey, runtime: RuntimeDep) -> OccupationDetail:
    tx = runtime.require_taxonomies()
    group = tx.isco_group(code)
    if group is None:
        raise Problem(404, "occupation_not_found", f"There is no ISCO-08 group with code {code}.")
    esco = []
    if group.level == 4:
        for occ in tx.esco_by_isco(code):
            skills = tx.occupation_skills(occ.uri, "essential")
            esco.append(EscoOccupationPublic(
                uri=occ.uri, code=occ.code, preferred_label=occ.preferred_label, alt_labels=list(occ.alt_labels),
                description=occ.description,
                essential_skills=[EscoSkillRef(uri=s.uri, label=s.preferred_label, skill_type=s.skill_type)
                                  for s in skills],
            ))
    return OccupationDetail(
        code=group.code, level=group.level, title=group.title, definition=group.definition, tasks=list(group.tasks),
        included_occupations=list(group.included),
        excluded_occupations=[ExcludedOccupation(title=t, code=c) for t, c in group.excluded],
        notes=group.notes, skill_levels=list(group.skill_levels),
        parents=[_ref(p) for p in tx.parents(code)], children=[_ref(c) for c in tx.children(code)],
        esco_occupations=esco,
    )
