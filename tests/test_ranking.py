"""The ranking engine without web or database: score parts, filters, the coarse stage, diversity,
course ranking and gaps. Vectors are small hand-made ones; taxonomies are the shipped ones."""
from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from matching.ranking.catalogue import CertificateNeed, TargetSkill, VacancyFilters, VacancyIndex, VacancyTarget
from matching.ranking.certificates import framework_key, level_number, read_certificate
from matching.ranking.components import (
    PlaceFit, experience_fit, hierarchy_fit, pathway_factor, place_fit, qualification_fit, skill_coverage,
)
from matching.ranking.courses import CourseIndex, CourseTarget, rank_courses, schedule_fit
from matching.ranking.gaps import gap_weights, skill_gap, vacancy_needs
from matching.ranking.occupation_skills import OccupationSkills
from matching.ranking.profile import (
    HeldCertificate, HeldOccupation, Place, Profile, ScheduleNeeds, ShownSkill, with_implied_skills,
)
from matching.ranking.vacancies import VacancyRanker
from taxonomies import load_taxonomies

TODAY = date(2026, 11, 30)
DIM = 8


@pytest.fixture(scope="module")
def skills() -> OccupationSkills:
    return OccupationSkills(load_taxonomies())


def unit(i: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[i] = 1.0
    return v


def mason(skills: OccupationSkills, **changes) -> Profile:
    base = Profile(
        occupations=(HeldOccupation("7112", "Bricklayers and Related Workers", 72, 1.0, "experience", "mason in Qatar", ("QA",)),),
        skills={}, home=Place("LK", "North Western", "Kurunegala"), pathways=frozenset({"wage_employment"}),
        vector=unit(0),
    )
    return with_implied_skills(dataclasses.replace(base, **changes), skills)


def test_hierarchy_and_experience():
    assert hierarchy_fit("7112", "7112") == (1.0, "same unit group")
    assert hierarchy_fit("7112", "7115") == (0.6, "same minor group")
    assert hierarchy_fit("7112", "7126") == (0.35, "same sub-major group")
    assert hierarchy_fit("7112", "7411") == (0.15, "same major group")
    assert hierarchy_fit("7112", "9313") == (0.0, None)
    p = Profile(occupations=(HeldOccupation("7112", "t", 24, 1.0, "experience", "mason"),
                             HeldOccupation("7115", "t", 12, 1.0, "experience", "carpenter"),
                             HeldOccupation("7126", "t", 0, 0.8, "preference", "plumber")), skills={})
    assert experience_fit(p, "7112", 24).score == 1.0  # exactly the months asked
    assert experience_fit(p, "7112", 31).score == pytest.approx(30 / 31, abs=1e-4)  # 24 + half of the 12 in its minor group
    assert experience_fit(p, "7126", 12).months == 0  # a wish is not experience
    assert experience_fit(p, "9313", None).score == 1.0  # nothing asked


def test_group_skills_are_stable_and_shown_by_work(skills):
    group = skills.of("7112")
    assert 6 <= len(group.essential) <= 15 and not set(group.essential) & set(group.optional)
    assert "lay bricks" in {skills.label(u) for u in group.essential}
    assert skills.of("7112") is group
    profile = mason(skills)
    shown = profile.skills[group.essential[0]]
    assert shown.source == "experience" and shown.evidence == "72 months as mason in Qatar"
    short = with_implied_skills(Profile(occupations=(HeldOccupation("7112", "t", 3, 0.5, "experience", "mason"),),
                                        skills={}), skills)
    assert short.skills == {}  # three months show nothing


def test_certificates_read_and_compared():
    assert read_certificate("TESDA NC II Shielded Metal Arc Welding") == ("NC", "II")
    assert read_certificate("NVQ Level 3 Mason") == ("NVQ", "3")
    assert read_certificate("CIDB Green Card") is None
    assert framework_key("NVQ (Sri Lanka)") == "NVQ" and framework_key("TESDA NC") == "NC"
    assert level_number("NC III") == 3 and level_number("4") == 4 and level_number(None) is None
    held = Profile(occupations=(), skills={}, certificates=(HeldCertificate("SMAW NC III", "NC", "III", None, True),),
                   education_isced=3, languages=frozenset({"en", "tl"}))
    fit = qualification_fit(held, [("TESDA NC II SMAW", "NC", "II")], "7212", 3, ["en"])
    assert fit.score == 1.0 and fit.certificates[0].held == "SMAW NC III"
    fit = qualification_fit(held, [("NC IV", "NC", "IV"), ("NVQ 3", "NVQ", "3")], "7212", 4, ["ar"])
    assert fit.certificates_missing and fit.education == "below" and fit.languages_missing == ("ar",)
    assert fit.score == pytest.approx((0 + 0.3 + 0) / 3)
    unknown = qualification_fit(Profile(occupations=(), skills={}), [], None, 2, ["en"])
    assert unknown.education == "unknown" and unknown.score == 0.5  # only positive evidence excludes


def test_place_and_pathway():
    p = Profile(occupations=(), skills={}, home=Place("LK", "Western", "Colombo"))
    assert place_fit(p, "LK", "Western", "Colombo").reason == "same_city"
    assert place_fit(p, "LK", "western ", None).score == 0.9
    assert place_fit(p, "LK", "Central", None).score == 0.5
    assert place_fit(dataclasses.replace(p, willing_to_relocate=True), "LK", "Central", None).score == 0.7
    assert place_fit(p, "QA", None, None).score == 0.1
    assert place_fit(dataclasses.replace(p, pathways=frozenset({"re_migration"})), "QA", None, None).score == 0.9
    assert place_fit(p, None, None, None).reason == "unknown"
    # re-migration to the destinations named: those count, a third country does not
    gulf = dataclasses.replace(p, pathways=frozenset({"re_migration"}), places=(Place("SA"), Place("QA")),
                               willing_to_relocate=True)
    assert place_fit(gulf, "SA", "Riyadh", "Riyadh") == PlaceFit(0.9, "destination")
    assert place_fit(gulf, "ID", "Jawa Timur", "Surabaya").score == 0.3
    assert place_fit(gulf, "LK", "Western", "Colombo").score == 0.3  # home, not where she wants to work
    assert pathway_factor(p, abroad=True) == (1.0, "none chosen")
    wage = dataclasses.replace(p, pathways=frozenset({"wage_employment"}))
    assert pathway_factor(wage, False)[0] == 1.0 and pathway_factor(wage, True)[0] == 0.85
    assert pathway_factor(dataclasses.replace(p, pathways=frozenset({"self_employment"})), False)[0] == 0.8


def test_profile_cannot_hold_protected_attributes():
    names = {f.name for f in dataclasses.fields(Profile)}
    assert not names & {"sex", "age", "birth_year", "marital_status", "nationality", "religion", "disability",
                        "return_type", "legal_status", "return_"}


def _vacancy(i: int, isco: str, **kw) -> VacancyTarget:
    return VacancyTarget(id=f"v{i:03d}", title=kw.pop("title", f"job {i}"), isco=isco, vector=kw.pop("vector", unit(i % DIM)), **kw)


def test_filters(skills):
    index = VacancyIndex([
        _vacancy(1, "7112", country="LK", region="Western", employment_type="full_time", pay_min=60000,
                 pay_currency="LKR", pay_period="month"),
        _vacancy(2, "7112", country="QA", pay_max=1500, pay_currency="QAR", pay_period="month"),
        _vacancy(3, "7115", country="LK", pay_min=3000, pay_currency="LKR", pay_period="day", expires_on=date(2026, 11, 29)),
        _vacancy(4, "9313", country="LK", pay_min=400, pay_currency="LKR", pay_period="hour", job_fair_id="fair-1"),
    ], DIM)
    p = mason(skills)

    def ids(**f):
        return [index.targets[i].id for i in np.flatnonzero(index.mask(VacancyFilters(**f), p, TODAY))]

    assert ids() == ["v001", "v002", "v004"]  # v003 expired yesterday
    assert ids(country="QA") == ["v002"]
    assert ids(pathway="re_migration") == ["v002"] and ids(pathway="wage_employment") == ["v001", "v004"]
    assert ids(isco="71") == ["v001", "v002"] and ids(isco="9313") == ["v004"]
    assert ids(min_pay=60000, currency="LKR") == ["v001", "v004"]  # 400 an hour = 69,320 a month
    assert ids(min_pay=70000, currency="LKR") == []
    assert ids(job_fair_id="fair-1") == ["v004"] and ids(employment_type="full_time") == ["v001"]
    assert ids(region="WESTERN") == ["v001"] and ids(country="NP") == []


def test_ranking_orders_by_full_score_and_explains(skills):
    course = CourseTarget("c1", "Reading plans for masons", "upskilling", provider="NAITA",
                          skills=(TargetSkill(skills.of("7112").essential[0], "x", "given"),), country="LK")
    missing_uri = "http://data.europa.eu/esco/skill/2d28964f-0a2d-4aa2-bc2d-c73f7a4442d6"  # apply finish to concrete
    targets = [
        _vacancy(1, "7112", title="Mason", country="LK", region="North Western", experience_months=24,
                 skills=(TargetSkill(missing_uri, "apply finish to concrete", "given"),)),
        _vacancy(2, "7112", title="Mason (Doha)", country="QA", certificates=(CertificateNeed("NVQ Level 3 Mason", "NVQ", "3"),)),
        _vacancy(3, "9313", title="Labourer", country="LK", region="North Western"),
        _vacancy(4, "2512", title="Developer", country="LK", vector=unit(5)),
    ]
    finish = CourseTarget("c2", "Concrete finishing", "upskilling", provider="VTA", country="LK", region="North Western",
                          skills=(TargetSkill(missing_uri, "apply finish to concrete", "given"),))
    ranker = VacancyRanker(skills)
    ranked = ranker.rank(mason(skills), VacancyIndex(targets, DIM), VacancyFilters(), TODAY,
                         courses=CourseIndex([course, finish]), diversify=False)
    assert ranked.count == 4
    order = [m.target.id for m in ranked.matches]
    assert order[0] == "v001" and order[-1] == "v004"
    scores = [m.score for m in ranked.matches]
    assert scores == sorted(scores, reverse=True)
    top = ranked.matches[0]
    assert set(top.components) == {"occupation", "skills", "semantic", "experience", "qualifications", "place", "pathway", "preference"}
    weights = ranker.weights.as_dict()
    assert top.score == pytest.approx(sum(weights[k] * top.components[k] for k in weights) * top.components["pathway"] * top.components["preference"], abs=1e-3)
    text = " ".join(top.explanation)
    assert "6 years as mason in Qatar matches “Mason”" in text
    assert "Missing: apply finish to concrete — course “Concrete finishing” (VTA) teaches it." in text
    assert "has 6 years (meets it)" in text
    doha = next(m for m in ranked.matches if m.target.id == "v002")
    assert "Asks for NVQ Level 3 Mason: not on the passport." in doha.explanation
    # the same parts, one vacancy at a time
    assert ranker.score(mason(skills), targets[0]).score == top.score
    # paging is a window on the same order
    page = ranker.rank(mason(skills), VacancyIndex(targets, DIM), VacancyFilters(), TODAY, offset=1, limit=2, diversify=False)
    assert [m.target.id for m in page.matches] == order[1:3]
    # an empty catalogue is an empty list
    assert ranker.rank(mason(skills), VacancyIndex([], DIM), VacancyFilters(), TODAY).matches == []


def test_coarse_stage_keeps_the_best(skills):
    """With a shortlist smaller than the catalogue the top of the list is the same."""
    rng = np.random.default_rng(7)
    codes = ["7112", "7115", "7114", "9313", "5120", "9111", "8322", "7411"]
    targets = []
    for i in range(400):
        v = rng.normal(size=DIM).astype(np.float32)
        targets.append(_vacancy(i, codes[i % len(codes)], vector=v / np.linalg.norm(v),
                                country=["LK", "QA", "LK"][i % 3], region=["North Western", None, "Western"][i % 3]))
    index = VacancyIndex(targets, DIM)
    full = VacancyRanker(skills, shortlist=10_000).rank(mason(skills), index, VacancyFilters(), TODAY, limit=20, diversify=False)
    short = VacancyRanker(skills, shortlist=60).rank(mason(skills), index, VacancyFilters(), TODAY, limit=20, diversify=False)
    assert [m.target.id for m in short.matches] == [m.target.id for m in full.matches]


def test_diversity_unless_a_group_is_asked_for(skills):
    targets = [_vacancy(i, "7112", title=f"Mason {i}", country="LK", region="North Western") for i in range(12)]
    targets += [_vacancy(100 + i, code, country="LK", region="North Western") for i, code in enumerate(["7114", "7115", "7119"])]
    index = VacancyIndex(targets, DIM)
    ranker = VacancyRanker(skills)
    plain = ranker.rank(mason(skills), index, VacancyFilters(), TODAY, limit=10, diversify=False)
    assert {m.target.isco for m in plain.matches} == {"7112"}
    mixed = ranker.rank(mason(skills), index, VacancyFilters(), TODAY, limit=10)
    assert {"7114", "7115", "7119"} <= {m.target.isco for m in mixed.matches}
    assert [m.target.isco for m in mixed.matches[:2]] == ["7112", "7112"]  # the best still lead
    asked = ranker.rank(mason(skills), index, VacancyFilters(isco="7112"), TODAY, limit=10)
    assert {m.target.isco for m in asked.matches} == {"7112"}


def test_gaps_and_courses(skills):
    carer_uris = skills.of("5322").essential
    domestic = with_implied_skills(Profile(
        occupations=(HeldOccupation("9111", "Domestic cleaners and helpers", 96, 1.0, "experience", "housemaid in Riyadh"),
                     HeldOccupation("5322", "Home-based personal care workers", 0, 0.8, "preference", "caregiver")),
        skills={}, home=Place("LK", "Kurunegala"), wanted=("5322",),
        schedule=ScheduleNeeds(weekends=False, care_duties=True)), skills)
    gap = skill_gap(domestic, [(u, skills.label(u)) for u in carer_uris], [], None, TODAY)
    shared = set(carer_uris) & set(skills.of("9111").essential)
    assert {s.uri for s in gap.coverage.essential_matched} == shared  # transferable: laundry, ironing
    assert len(gap.coverage.essential_missing) == len(carer_uris) - len(shared)
    weights = gap_weights(domestic, skills, [("5322", 1.0)])
    missing = [u for u in carer_uris if u not in shared]
    assert set(weights) >= set(missing) and all(weights[u] == 1.0 for u in missing)
    care = CourseTarget("c1", "Caregiving NC II", "upskilling", target_isco=("5322",), country="LK", region="Kurunegala",
                        skills=tuple(TargetSkill(u, skills.label(u), "given") for u in missing[:4]),
                        schedule=("weekday",), childcare=True, cost=0, start_dates=(date(2027, 1, 10),))
    weekend = dataclasses.replace(care, id="c2", title="Caregiving (weekends)", schedule=("weekend",), childcare=False)
    business = CourseTarget("c3", "Start and Improve Your Business", "entrepreneurship", country="LK")
    old = dataclasses.replace(care, id="c4", title="Last year's course", start_dates=(date(2025, 1, 1),))
    index = CourseIndex([care, weekend, business, old])
    ranked = rank_courses(domestic, index, weights, ["5322", "9111"], TODAY)
    assert [m.course.id for m in ranked] == ["c1", "c2"]  # c4 has started; c3 closes nothing here
    assert len(ranked[0].closes) == 4 and "which you are missing" in ranked[0].explanation
    assert schedule_fit(domestic, weekend) == 0.3 and schedule_fit(domestic, care) == 1.0
    self_employed = dataclasses.replace(domestic, pathways=frozenset({"self_employment"}))
    ranked = rank_courses(self_employed, index, weights, ["5322"], TODAY)
    assert {m.course.id for m in ranked[:2]} == {"c1", "c3"}  # the business course rises above c2
    assert "your chosen pathway" in next(m for m in ranked if m.course.id == "c3").explanation
    assert index.teaching(missing[0], domestic, TODAY)[0].id == "c1"


def test_vacancy_needs_put_the_employer_list_first(skills):
    t = _vacancy(1, "7212", skills=(TargetSkill("u:given", "MIG welding", "given"), TargetSkill("u:text", "x", "extracted")))
    essential, optional = vacancy_needs(skills, t)
    assert essential[0] == ("u:given", "MIG welding") and ("u:text", "x") in optional
    assert len(essential) == 1 + len(skills.of("7212").essential[:8])
    assert skill_coverage(Profile(occupations=(), skills={}), [], []).known is False
    shown = Profile(occupations=(), skills={"u:given": ShownSkill("u:given", "MIG welding", "declared", "declared", 1.0)})
    cov = skill_coverage(shown, essential, optional)
    assert cov.essential_matched[0].uri == "u:given" and 0 < cov.score < 1


def test_a_confident_code_pulls_the_embedding_towards_its_occupation():
    from matching.ranking.embedding import blend_with_occupation

    units = {"9111": unit(1)}
    text = unit(0)
    blended = blend_with_occupation(text, units, "9111", 0.9)
    assert np.linalg.norm(blended) == pytest.approx(1.0) and blended[0] == pytest.approx(blended[1])
    assert blend_with_occupation(text, units, "9111", 0.3) is text  # not sure enough: the words alone
    assert blend_with_occupation(text, units, None, 1.0) is text and blend_with_occupation(None, units, "9111", 1.0) is None


def test_the_projected_coarse_stage_keeps_the_best(skills):
    """Above the size where the coarse stage reads a PCA projection of the vectors, the top of
    the list is the one the full vectors give (vectors here lie near 12 directions, as job
    texts cluster by occupation)."""
    rng = np.random.default_rng(11)
    dim = 48
    centres = rng.normal(size=(12, dim))
    codes = ["7112", "7115", "7114", "9313", "5120", "9111", "8322", "7411", "5322", "7212", "9112", "8332"]
    targets = []
    for i in range(3000):
        c = i % 12
        v = (centres[c] + rng.normal(scale=0.3, size=dim)).astype(np.float32)
        targets.append(VacancyTarget(id=f"v{i:05d}", title=f"job {i}", isco=codes[c], vector=v / np.linalg.norm(v),
                                     country=["LK", "QA"][i % 2], region=["North Western", None][i % 2]))
    query = (centres[0] + centres[3]).astype(np.float32)
    profile = mason(skills, vector=query / np.linalg.norm(query))
    exact = VacancyIndex(targets, dim, reduce_above=10 ** 9)
    projected = VacancyIndex(targets, dim, reduce_above=1000, reduced_dimension=12)
    assert exact.reduced is None and projected.reduced.shape == (3000, 12)
    approx = projected.similarity(profile, approximate=True)
    assert np.corrcoef(approx, exact.similarity(profile))[0, 1] > 0.99
    ranker = VacancyRanker(skills)
    full = ranker.rank(profile, exact, VacancyFilters(), TODAY, limit=20)
    fast = ranker.rank(profile, projected, VacancyFilters(), TODAY, limit=20)
    overlap = len({m.target.id for m in fast.matches} & {m.target.id for m in full.matches})
    assert overlap == 20, overlap
    assert fast.matches[0].score >= full.matches[0].score - 0.01
    for m in fast.matches:  # exact cosine wherever a score is shown
        assert m.cosine == round(float(m.target.vector @ profile.vector), 4)
