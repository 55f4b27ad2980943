"""taxonomies/data/ilo_forms.json and its loader: the ILO return-migration questionnaire and
self-assessment forms (ILO 2024 ToT manual, seeds/002_…)."""

import json
import re

import pytest

from taxonomies import load_taxonomies
from taxonomies.build import DEFAULT_SHARED, QUESTIONNAIRE
from taxonomies.ilo_forms import (
    PATH,
    PATHWAYS,
    isced_level,
    isic_section,
    load_ilo_forms,
    occupation_major_group,
    pathway,
    reason_label,
    sector_statement,
    soft_skill_ids,
    time_abroad_code,
    time_abroad_months,
)

# docs/domain.md section 2 and 3, copied here so that a changed data file cannot pass.
REASONS = (
    "laid off; end of contract; could not find work; did not like the job; conditions did not match the "
    "offer; felt discriminated; low income; retirement; saved enough; to start a business; inherited "
    "property; needed by family; to marry; pregnancy; problems raising children there; health; sent away "
    "by the authorities; permit expired; homesick; COVID-19; conflict abroad; stability restored at home; other"
).split("; ")
SOFT_SKILLS = [
    "I can solve problems",
    "I can present information in a clear and competent way",
    "I can use appropriate IT technology",
    "I can listen actively and effectively",
    "I can manage my time effectively",
    "I like working in a team",
    "I can work independently",
    "I can handle stress",
    "I can communicate in writing with colleagues and customers",
    "I have a good verbal communication",
    "I feel responsible of my workload",
    "I am receptive and flexible to changes in the workplace",
    "I am willing to continue developing my skills",
    "I am always punctual at work",
    "I can handle my workload and always deliver results",
    "I have good negotiation capacity",
]
EXPECTED_ISCO = {
    "construction_plumber": "7126",
    "construction_scaffolder": "7119",
    "construction_electrician": "7411",
    "construction_carpenter": "7115",
    "construction_bricklayer": "7112",
    "domestic_cleaner": "9111",
    "domestic_driver": "8322",
    "domestic_child_carer": "5311",
    "domestic_elderly_carer": "5322",
    "domestic_cook": "5120",
    "domestic_gardener": "6113",
    "hospitality_waiter": "5131",
    "hospitality_bartender": "5132",
    "hospitality_receptionist": "4224",
    "hospitality_porter": "9621",
}


@pytest.fixture(scope="module")
def forms():
    return load_ilo_forms()


@pytest.fixture(scope="module")
def tx():
    return load_taxonomies()


def test_table9_has_16_statements_with_unique_ids(forms):
    assert soft_skill_ids() == tuple(f"soft_{i:02d}" for i in range(1, 17))
    assert [skill.statement for skill in forms.soft_skills] == SOFT_SKILLS


def test_table9_esco_skills_are_transversal(forms, tx):
    mapped = {skill.id: skill for skill in forms.soft_skills if skill.esco_uri}
    assert len(mapped) >= 10
    for skill in mapped.values():
        esco = tx.esco_skills[skill.esco_uri]
        assert (esco.preferred_label, esco.reuse_level) == (skill.esco_label, "transversal")
    assert mapped["soft_01"].esco_label == "solve problems"
    assert mapped["soft_06"].esco_label == "work in teams"
    assert all(skill.note for skill in forms.soft_skills if not skill.esco_uri)


def test_b8_has_23_reasons_with_domain_labels(forms):
    codes = forms.item("B8").codes
    assert list(codes) == [str(code) for code in range(1, 24)]
    assert [answer.short_label for answer in codes.values()] == REASONS
    assert reason_label(1) == "Laid off by employer"
    assert reason_label(20) == "Covid-19 pandemic"
    assert reason_label(23) == "Other (please specify)"


def test_a7_codes_are_isced_levels(forms, tx):
    assert [isced_level(code) for code in range(1, 10)] == list(range(9))
    by_code = {level.questionnaire_code: level for level in tx.isced_levels}
    for code, answer in forms.item("A7").codes.items():
        assert (answer.isced_level, answer.label) == (by_code[int(code)].level, by_code[int(code)].questionnaire_label)


def test_a8_keeps_the_doubly_printed_code(forms):
    codes = forms.item("A8").codes
    assert list(codes) == [str(code) for code in range(1, 10)]
    assert "Pre-departure training" in codes["7"].label and "Pre-employment orientation" in codes["7"].label
    assert codes["7"].note


def test_table11_isco_codes_exist_in_isco08(forms, tx):
    statements = forms.sector_statements.values()
    assert {s.sector for s in statements} == {"construction", "agriculture", "hospitality"}
    data = {row["id"]: row for row in json.loads(PATH.read_text())["self_assessment"]["table11"]["statements"]}
    for statement in statements:
        for code in filter(None, (statement.isco08, *statement.alternatives)):
            assert tx.isco_group(code) is not None and tx.isco[code].level == 4, (statement.id, code)
        if statement.isco08:
            assert data[statement.id]["isco08_title"] == tx.isco[statement.isco08].title
        else:  # only the free-text rows and the domestic-worker row are uncoded
            assert statement.label == "(please specify)" or statement.id == "hospitality_domestic_worker"
    assert {key: sector_statement(key).isco08 for key in EXPECTED_ISCO} == EXPECTED_ISCO
    domestic = [s for s in statements if s.parent == "hospitality_domestic_worker"]
    assert len(domestic) == 8 and all(s.isco08 for s in domestic)
    assert forms.where_developed_values == ("abroad", "home")


def test_occupation_major_groups(forms, tx):
    assert forms.item("B4").codes["4"].label == "Clerks"
    assert occupation_major_group("B4", 4) == occupation_major_group("C3", 4) == "4"
    assert occupation_major_group("B4", 10) == "0" and forms.item("B4").codes["10"].label == "Armed forces"
    assert occupation_major_group("C3", 11) == "0" and forms.item("C3").codes["11"].label == "Armed forces"
    assert occupation_major_group("C3", 7) == "6"  # C3 prints no code 6
    assert [a.isco08_major_group for a in forms.item("A9").uncoded_occupations] == list("1234567890")
    for item in ("B4", "C3"):
        for code, answer in forms.item(item).codes.items():
            assert answer.isco08_major_group == tx.questionnaire_occupation_to_isco08(item, int(code))
            assert answer.isco08_major_group == tx.isco88_label_to_isco08(answer.label)


def test_sector_codes_are_isic_sections(forms, tx):
    letters = {s.questionnaire_code: s.letter for s in tx.isic_sections}
    for item in ("A9", "B4", "C3", "C10"):
        assert [isic_section(item, code) for code in range(1, 22)] == [letters[code] for code in range(1, 22)]
    assert isic_section("B4", 97) is None and isic_section("C3", 97) is None
    with pytest.raises(ValueError):
        isic_section("C10", 97)


def test_time_abroad_bins_are_ordered_and_do_not_overlap():
    bins = [time_abroad_months(code) for code in range(1, 8)]
    assert bins[0] == (1, 3) and bins[-1] == (120, None)
    for (low, high), (next_low, _) in zip(bins, bins[1:]):
        assert high is not None and low < high == next_low
    assert [time_abroad_code(months) for months in (1, 2, 3, 11, 12, 59, 60, 119, 120, 400)] == [
        1, 1, 2, 3, 4, 5, 6, 6, 7, 7,
    ]


def test_pathways(forms):
    assert [pathway(option) for option in "abcd"] == ["wage_employment", "self_employment", "retirement", "re_migration"]
    assert set(PATHWAYS) - {pathway(option) for option in "abcd"} == {"training"}


def test_anchors_are_defined_by_returnmatch(forms):
    assert forms.anchors_defined_by == "returnmatch"
    for table in ("table9", "table11"):
        assert [a.level for a in forms.anchors[table]] == [1, 2, 3, 4]
        assert all(a.label and len(a.description) > 30 for a in forms.anchors[table])
    assert forms.anchors["table9"][3].label == "I do this well without help and can show or teach others"


@pytest.mark.parametrize(
    "call",
    [
        lambda: reason_label(0),
        lambda: reason_label(24),
        lambda: isced_level(0),
        lambda: isced_level(10),
        lambda: time_abroad_months(8),
        lambda: time_abroad_months(99),  # printed, but "No answer"
        lambda: time_abroad_code(0),
        lambda: pathway("e"),
        lambda: pathway(1),  # C7 options are letters
        lambda: occupation_major_group("C3", 6),  # C3 skips 6
        lambda: occupation_major_group("B4", 11),
        lambda: occupation_major_group("A9", 1),  # A9 prints no occupation codes
        lambda: occupation_major_group("B8", 1),
        lambda: isic_section("B4", 22),
        lambda: sector_statement("construction_welder"),
        lambda: load_ilo_forms().item("Z1"),
    ],
)
def test_unknown_codes_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_duplicate_codes_are_rejected(tmp_path):
    text = PATH.read_text(encoding="utf-8")
    broken = text.replace('"2": {\n          "label": "End of contract"', '"1": {\n          "label": "End of contract"')
    assert broken != text
    (tmp_path / "ilo_forms.json").write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_ilo_forms(tmp_path / "ilo_forms.json")


def _cited_rows(data):
    """Every (line reference, label) pair that must be printed on that line."""
    for item in data["questionnaire"].values():
        for key in ("codes", "sector_codes"):
            for row in item.get(key, {}).values():
                yield row["line"], row.get("printed_labels", [row["label"]])
        for row in item.get("uncoded_occupations", ()):
            yield row["line"], [row["label"]]
    forms = data["self_assessment"]
    for row in forms["table9"]["statements"]:
        yield row["line"], [row["statement"]]
    for row in forms["table11"]["statements"]:
        yield row["line"], [row["label"]]


def test_labels_are_on_the_cited_lines():
    seed = DEFAULT_SHARED / QUESTIONNAIRE
    assert seed.exists(), f"{seed} is missing: the repository expects ../shared beside it"
    data = json.loads(PATH.read_text(encoding="utf-8"))
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert data["source"]["file"] == QUESTIONNAIRE
    for ref, labels in _cited_rows(data):
        first, *rest = map(int, re.fullmatch(r"002:L(\d+)(?:-(\d+))?", ref).groups(default="0"))
        text = "\n".join(lines[first - 1 : (rest[0] or first)])
        for label in labels:
            assert label in text, (ref, label)
