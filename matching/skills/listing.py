"""The skills of catalogue records (vacancies, courses): the list the employer or provider gave,
normalised to ESCO, then those their title and description name — one list per record, each
skill once, given skills first."""
from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from matching.skills.extraction import SkillExtractor, TextField

ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"


@dataclass(frozen=True, slots=True)
class RecordSkill:
    uri: str
    label: str
    source: str  # given, extracted
    field: str  # the record field it came from
    words: str
    method: str  # given (an ESCO URI), exact, dense
    confidence: float


def record_skills(extractor: SkillExtractor, records: Sequence[tuple[str, str | None]],
                  listed: Sequence[Sequence[str]], list_field: str, known: Container[str]) -> list[list[RecordSkill]]:
    """``records``: (title, description) each; ``listed``: the skills given for each (labels in
    any words, or ESCO URIs); ``known``: the ESCO URIs that exist."""
    fields = []
    for n, (title, description) in enumerate(records):
        fields.append(TextField(str(n), "title", title))
        if description:
            fields.append(TextField(str(n), "description", description))
    extracted: dict[int, list] = {}
    for skill in extractor.extract(fields):
        extracted.setdefault(int(skill.experience_id), []).append(skill)
    normalised = iter(extractor.normalise_labels([s for given in listed for s in given if not s.startswith(ESCO_SKILL_URI)]))
    out: list[list[RecordSkill]] = []
    for n in range(len(records)):
        seen: set[str] = set()
        skills: list[RecordSkill] = []
        for words in listed[n] if n < len(listed) else ():
            match = (words, 1.0, "given") if words.startswith(ESCO_SKILL_URI) else next(normalised)
            if match is None or match[0] in seen or match[0] not in known:
                continue
            seen.add(match[0])
            skills.append(RecordSkill(match[0], extractor.preferred[match[0]], "given", list_field, words[:300],
                                      match[2], match[1]))
        for s in extracted.get(n, []):
            if s.uri not in seen:
                seen.add(s.uri)
                skills.append(RecordSkill(s.uri, s.label, "extracted", s.field, s.words[:300], s.method, s.confidence))
        out.append(skills)
    return out
