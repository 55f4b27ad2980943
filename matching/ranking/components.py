"""The parts of a match score, each 0–1 and each with the facts behind it, so that a caller can
show every part and a counsellor can read out why.

- occupation fit: the returnee's unit groups against the target's, through the ISCO-08
  hierarchy (same unit group 1.0 > same minor group 0.6 > same sub-major 0.35 > same major 0.15),
  times how strongly each held occupation counts (months worked, the coder's confidence);
- skill coverage: the share of the target's essential and optional ESCO skills the passport
  shows, each with its evidence;
- experience: relevant months (same unit group in full, same minor group at half) against the
  months asked;
- qualifications: certificates asked (framework and level, or the unit group), minimum
  education, languages; what is unknown counts half (only positive evidence excludes);
- place: the target's place against where the returnee wants to work;
- pathway: a factor for how well the target fits the pathway the returnee chose;
- preference: a factor for the occupations the returnee said they want (when they said any).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matching.ranking.certificates import framework_key, level_number
from matching.ranking.profile import HeldOccupation, Place, Profile

HIERARCHY = ((4, 1.0, "same unit group"), (3, 0.6, "same minor group"), (2, 0.35, "same sub-major group"),
             (1, 0.15, "same major group"))
UNKNOWN = 0.5  # a requirement nobody can check counts half


def hierarchy_fit(held: str, target: str) -> tuple[float, str | None]:
    for digits, value, relation in HIERARCHY:
        if held[:digits] == target[:digits]:
            return value, relation
    return 0.0, None


@dataclass(frozen=True, slots=True)
class OccupationFit:
    score: float
    held: HeldOccupation | None
    relation: str | None


def occupation_fit(profile: Profile, isco: str | None) -> OccupationFit:
    if not isco:
        return OccupationFit(0.0, None, None)
    best = OccupationFit(0.0, None, None)
    for held in profile.occupations:
        value, relation = hierarchy_fit(held.isco, isco)
        if value * held.strength > best.score:
            best = OccupationFit(round(value * held.strength, 4), held, relation)
    return best


@dataclass(frozen=True, slots=True)
class SkillMatch:
    uri: str
    label: str
    evidence: str | None  # None when missing
    source: str | None  # how the passport shows it


@dataclass(frozen=True, slots=True)
class Coverage:
    score: float
    essential: tuple[SkillMatch, ...]  # matched first
    optional: tuple[SkillMatch, ...]
    known: bool  # the target lists any skill at all

    @property
    def essential_matched(self) -> list[SkillMatch]:
        return [s for s in self.essential if s.evidence is not None]

    @property
    def essential_missing(self) -> list[SkillMatch]:
        return [s for s in self.essential if s.evidence is None]

    @property
    def optional_matched(self) -> list[SkillMatch]:
        return [s for s in self.optional if s.evidence is not None]

    @property
    def optional_missing(self) -> list[SkillMatch]:
        return [s for s in self.optional if s.evidence is None]


def skill_coverage(profile: Profile, essential: Sequence[tuple[str, str]], optional: Sequence[tuple[str, str]]) -> Coverage:
    """``essential``/``optional``: (ESCO URI, label). Score: 0.75 × essential share + 0.25 ×
    optional share (a missing list counts as covered); no skills known at all → ``UNKNOWN``."""
    def match(pairs):
        out = []
        for uri, label in pairs:
            shown = profile.skills.get(uri)
            out.append(SkillMatch(uri, label, shown.evidence if shown else None, shown.source if shown else None))
        return tuple(sorted(out, key=lambda s: s.evidence is None))

    ess, opt = match(essential), match(optional)
    if not ess and not opt:
        return Coverage(UNKNOWN, (), (), False)
    share_e = sum(s.evidence is not None for s in ess) / len(ess) if ess else 1.0
    share_o = sum(s.evidence is not None for s in opt) / len(opt) if opt else 1.0
    return Coverage(round(0.75 * share_e + 0.25 * share_o, 4), ess, opt, True)


@dataclass(frozen=True, slots=True)
class ExperienceFit:
    score: float
    months: int  # relevant months
    required: int | None


def experience_fit(profile: Profile, isco: str | None, required: int | None) -> ExperienceFit:
    months = 0.0
    if isco:
        for held in profile.occupations:
            if held.source == "preference":
                continue
            if held.isco == isco:
                months += held.months
            elif held.isco[:3] == isco[:3]:
                months += held.months / 2
    months_int = int(months)
    if not required:
        return ExperienceFit(1.0, months_int, required)
    return ExperienceFit(round(min(1.0, months / required), 4), months_int, required)


@dataclass(frozen=True, slots=True)
class CertificateCheck:
    name: str
    held: str | None  # the passport's certificate that meets it


@dataclass(frozen=True, slots=True)
class QualificationFit:
    score: float
    certificates: tuple[CertificateCheck, ...]
    education: str  # met, below, unknown, not_asked
    languages_missing: tuple[str, ...]

    @property
    def certificates_missing(self) -> list[CertificateCheck]:
        return [c for c in self.certificates if c.held is None]


def _meets(held, framework: str | None, level: str | None, isco: str | None) -> bool:
    want_fw, want_level = framework_key(framework), level_number(level)
    if want_fw:
        if framework_key(held.framework) != want_fw:
            return False
        have = level_number(held.level)
        return want_level is None or (have is not None and have >= want_level)
    return bool(isco and held.isco == isco)


def qualification_fit(profile: Profile, certificates: Sequence[tuple[str, str | None, str | None]], isco: str | None,
                      min_isced: int | None, languages: Sequence[str]) -> QualificationFit:
    """``certificates``: (name, framework, level) asked. The score is the mean of the parts asked:
    certificates met (share), education (met 1, unknown ``UNKNOWN``, one level below 0.3, else 0),
    languages (share spoken; unknown ``UNKNOWN``)."""
    parts: list[float] = []
    checks = []
    for name, framework, level in certificates:
        held = next((c for c in profile.certificates if _meets(c, framework, level, isco)), None)
        checks.append(CertificateCheck(name, held.title if held else None))
    if checks:
        parts.append(sum(c.held is not None for c in checks) / len(checks))
    education = "not_asked"
    if min_isced is not None:
        if profile.education_isced is None:
            education, value = "unknown", UNKNOWN
        elif profile.education_isced >= min_isced:
            education, value = "met", 1.0
        else:
            education, value = "below", 0.3 if profile.education_isced == min_isced - 1 else 0.0
        parts.append(value)
    missing: tuple[str, ...] = ()
    if languages:
        if profile.languages:
            missing = tuple(lang for lang in languages if lang not in profile.languages)
            parts.append(1 - len(missing) / len(languages))
        else:
            parts.append(UNKNOWN)
    score = sum(parts) / len(parts) if parts else 1.0
    return QualificationFit(round(score, 4), tuple(checks), education, missing)


def _norm(text: str | None) -> str | None:
    return " ".join(text.casefold().split()) if text else None


@dataclass(frozen=True, slots=True)
class PlaceFit:
    score: float
    reason: str  # same_city, same_region, same_country, destination, abroad, unknown, remote


def place_fit(profile: Profile, country: str | None, region: str | None, city: str | None,
              remote: bool = False) -> PlaceFit:
    """Against each place the returnee wants to work (else home), the best of: same city 1.0,
    same region 0.9, anywhere in a country they named without a region 0.9, elsewhere in that
    country 0.7 if willing to relocate else 0.5. Another country: 0.9 on the re-migration pathway
    when they named no destination abroad, else 0.3 if willing to relocate, else 0.1. A target
    without a place counts 0.6; an online one 1.0."""
    if remote:
        return PlaceFit(1.0, "remote")
    wanted = profile.wanted_places
    if not country or not wanted:
        return PlaceFit(0.6, "unknown")
    home = profile.home.country if profile.home else None
    named_abroad = any(p.country != home for p in wanted)
    best = PlaceFit(0.0, "abroad")
    for place in wanted:
        fit = _one_place(profile, place, country, _norm(region), _norm(city), named_abroad)
        if fit.score > best.score:
            best = fit
    if best.reason == "same_country" and home and country != home:
        best = PlaceFit(best.score, "destination")
    return best


def _one_place(profile: Profile, place: Place, country: str, region: str | None, city: str | None,
               named_abroad: bool) -> PlaceFit:
    if place.country != country:
        if "re_migration" in profile.pathways and not named_abroad:
            return PlaceFit(0.9, "abroad")
        return PlaceFit(0.3 if profile.willing_to_relocate else 0.1, "abroad")
    if city and _norm(place.city) == city:
        return PlaceFit(1.0, "same_city")
    if region and _norm(place.region) == region:
        return PlaceFit(0.9, "same_region")
    if not place.region and not place.city:  # anywhere in the country
        return PlaceFit(0.9, "same_country")
    return PlaceFit(0.7 if profile.willing_to_relocate else 0.5, "same_country")


def pathway_factor(profile: Profile, abroad: bool) -> tuple[float, str]:
    """Vacancies serve the wage-employment and re-migration pathways: a vacancy abroad fits
    re-migration (1.0), one at home wage employment (1.0); the other of the two 0.85; a
    returnee who chose only training, self-employment or retirement 0.8; no pathway 1.0."""
    chosen = profile.pathways
    if not chosen:
        return 1.0, "none chosen"
    if "re_migration" in chosen and abroad:
        return 1.0, "re_migration"
    if "wage_employment" in chosen and not abroad:
        return 1.0, "wage_employment"
    if chosen & {"wage_employment", "re_migration"}:
        return 0.85, "wage_employment abroad" if abroad else "re_migration at home"
    return 0.8, "/".join(sorted(chosen))


def preference_factor(profile: Profile, isco: str | None) -> tuple[float, str]:
    """When the returnee named occupations they want: 1.0 for one of them, 0.9 for its minor
    group, else 0.75 — it is up to the returnee to decide, not to the jobs they did abroad."""
    if not profile.wanted:
        return 1.0, "none stated"
    if isco in profile.wanted:
        return 1.0, "wanted"
    if isco and any(isco[:3] == w[:3] for w in profile.wanted):
        return 0.9, "close to one wanted"
    return 0.75, "not one wanted"
