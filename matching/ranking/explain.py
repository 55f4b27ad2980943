"""Plain-language explanations of a vacancy match, in short sentences a counsellor can read
aloud: what on the passport matches, what is missing and which course teaches it, what the
employer asks and whether it is met, where the job is."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from matching.ranking.components import Coverage, ExperienceFit, OccupationFit, PlaceFit, QualificationFit
from matching.ranking.courses import CourseTarget

MISSING_SHOWN = 3


def duration(months: int) -> str:
    if months < 12:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    if rest < 3:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{years} year{'s' if years != 1 else ''} {rest} month{'s' if rest != 1 else ''}"


def occupation_sentence(fit: OccupationFit, title: str, isco: str | None, isco_title: str | None) -> str:
    if fit.held is None or fit.relation is None:
        return f"“{title}” is not close to any occupation on the passport."
    held = fit.held
    what = held.words or held.title
    done = f"{duration(held.months)} as {what}" if held.months else f"wanting to work as {what}"
    if held.source == "before_migration":
        done += " (before migrating)"
    group = f"{isco_title} ({isco})" if isco_title else isco
    if fit.relation == "same unit group":
        return f"{done[0].upper()}{done[1:]} matches “{title}” ({group})."
    return f"{done[0].upper()}{done[1:]} is related to “{title}” ({group}; {fit.relation})."


def skills_sentences(coverage: Coverage, courses: Mapping[str, Sequence[CourseTarget]]) -> list[str]:
    if not coverage.known:
        return ["The vacancy lists no skills we could check."]
    out = []
    total = len(coverage.essential)
    matched = len(coverage.essential_matched)
    if total:
        out.append(f"Shows {matched} of the {total} essential skills.")
    for s in coverage.essential_missing[:MISSING_SHOWN]:
        teaching = courses.get(s.uri) or ()
        if teaching:
            c = teaching[0]
            by = f" ({c.provider})" if c.provider else ""
            out.append(f"Missing: {s.label} — course “{c.title}”{by} teaches it.")
        else:
            out.append(f"Missing: {s.label}.")
    hidden = len(coverage.essential_missing) - MISSING_SHOWN
    if hidden > 0:
        out.append(f"{hidden} more essential skill{'s' if hidden > 1 else ''} missing.")
    return out


def requirement_sentences(experience: ExperienceFit, qualifications: QualificationFit) -> list[str]:
    out = []
    if experience.required:
        has = duration(experience.months) if experience.months else "none in this line of work"
        verb = "meets it" if experience.score >= 1.0 else "not yet"
        out.append(f"Asks for {duration(experience.required)} of experience: has {has} ({verb}).")
    for c in qualifications.certificates:
        out.append(f"Asks for {c.name}: held ({c.held})." if c.held else f"Asks for {c.name}: not on the passport.")
    if qualifications.education == "below":
        out.append("Asks for more schooling than the passport shows.")
    if qualifications.languages_missing:
        out.append(f"Asks for language(s) not on the passport: {', '.join(qualifications.languages_missing)}.")
    return out


def place_sentence(place: PlaceFit, country: str | None, region: str | None, city: str | None) -> str:
    where = ", ".join(p for p in (city, region, country) if p) or "place not given"
    return {
        "same_city": f"In {where}, where you want to work.",
        "same_region": f"In {where}, in your area.",
        "same_country": f"In {where}: in your country, away from your area.",
        "abroad": f"Abroad: {where}.",
        "destination": f"Abroad, where you want to go: {where}.",
        "unknown": f"Place: {where}.",
        "remote": "Remote work.",
    }[place.reason]


def explain_vacancy(title: str, isco: str | None, isco_title: str | None, occupation: OccupationFit,
                    coverage: Coverage, experience: ExperienceFit, qualifications: QualificationFit, place: PlaceFit,
                    country: str | None, region: str | None, city: str | None,
                    courses: Mapping[str, Sequence[CourseTarget]]) -> list[str]:
    return ([occupation_sentence(occupation, title, isco, isco_title)] + skills_sentences(coverage, courses)
            + requirement_sentences(experience, qualifications) + [place_sentence(place, country, region, city)])
