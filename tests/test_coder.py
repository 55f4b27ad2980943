"""The occupation coder on returnees' own words (needs the model and the trained combiner)."""
import numpy as np
import pytest

from matching.coding.coder import CodingItem
from matching.coding.features import FEATURES
from matching.coding.rank import names_a_rank
from taxonomies.labels import ilo_heldout_ids


@pytest.fixture(scope="module")
def coder(full_runtime):
    return full_runtime.coder


def top(coder, text, description=None, k=5):
    return coder.code([CodingItem(text, description)], k=k)[0]


@pytest.mark.parametrize(
    "text, expected, within",
    [
        ("6 yrs house driver in Riyadh, also car maintenance", "8322", 1),
        ("tukang batu", "7112", 1),
        ("kasambahay sa Riyadh", "9111", 1),
        ("scafolder", "7119", 1),
        ("plumbar", "7126", 1),
        ("AC tech", "7127", 1),
        ("hvac", "7127", 3),
        ("elec.", "7411", 3),
        ("ড্রাইভার ৩ বছর সৌদি", "8322", 3),
        ("ช่างก่อสร้าง 5 ปี", "9313", 5),
    ],
)
def test_codes_returnee_words(coder, text, expected, within):
    result = top(coder, text)
    assert expected in [c.code for c in result.candidates[:within]], [(c.code, c.signal) for c in result.candidates]


def test_result_says_what_matched_and_how_sure(coder):
    result = top(coder, "6 yrs house driver in Riyadh, also car maintenance")
    best = result.candidates[0]
    assert best.signal in {"exact", "alias"} and best.matched_label.lower() == "house driver"
    assert 0.0 <= best.probability <= 1.0 and best.skill_levels == (2,)
    assert result.other_jobs == ("car maintenance",)
    assert len({c.code for c in result.candidates}) == len(result.candidates) == 5
    assert all(len(c.code) == 4 for c in result.candidates)
    assert result.needs_review == (best.probability < coder.review_threshold)


def test_uncertain_results_carry_broader_groups(coder):
    result = top(coder, "general worker at the site, sometimes helping")
    if result.needs_review:
        assert result.sub_major_group and len(result.sub_major_group.code) == 2
        assert result.major_group and len(result.major_group.code) == 1
        assert result.sub_major_group.code.startswith(result.major_group.code)
    else:
        assert result.sub_major_group is None


def test_description_is_used(coder):
    bare = top(coder, "helper")
    described = top(coder, "helper", "mixing cement and carrying bricks and blocks at the building site")
    assert {c.code for c in described.candidates[:3]} & {"9313", "7112"}
    assert [c.code for c in described.candidates] != [c.code for c in bare.candidates]


def test_language_is_guessed_from_script_and_aliases(coder):
    assert top(coder, "ড্রাইভার").lang == "bn"
    assert top(coder, "kasambahay").lang == "tl"
    assert top(coder, "bricklayer").lang == "en"


def test_emoji_mixed_scripts_and_long_text(coder):
    assert top(coder, "🔥🔥🔥").candidates == [] and top(coder, "🔥🔥🔥").needs_review
    mixed = top(coder, "😀 ड्राइभर driver 🚗")
    assert "8322" in [c.code for c in mixed.candidates[:3]]
    long = top(coder, "mason " + "x" * 3000)
    assert long.truncated and long.candidates


def test_held_out_ilo_titles_are_in_no_index(full_runtime):
    tx = full_runtime.taxonomies
    heldout = {tx.ilo_index[i].title for i in ilo_heldout_ids(tx)}
    indexed = {label.text for label in full_runtime.label_indexes["occupations"].labels if label.kind == "ilo_index"}
    assert heldout and not heldout & indexed
    lexicon_ilo = {e.label for entries in full_runtime.labels.lexicon.entries for e in entries if e.source == "ilo_index"}
    assert not heldout & lexicon_ilo


def test_ilo_inverted_form_is_read_in_natural_order(coder):
    result = top(coder, "Driver, truck: heavy")  # a held-out ILO title: in no index
    assert result.cleaned == "heavy truck driver"
    assert result.candidates[0].code == "8332"
    listed = top(coder, "Cook, housemaid")  # two jobs, not a "Noun, qualifier" title
    assert listed.cleaned == "cook" and listed.other_jobs == ("housemaid",)
    place = top(coder, "driver, Qatar")
    assert place.cleaned == "driver"


def test_officer_level_executive_is_coded_as_such(coder):
    marketing, hr = coder.code([CodingItem("Marketing Executive"), CodingItem("HR executive")], k=3)
    assert marketing.candidates[0].code == "2431"  # marketing professionals, not managers (1221)
    assert hr.candidates[0].code[:3] != "121"  # not a manager



def test_descriptions_the_model_cannot_read_are_not_scored(coder, monkeypatch):
    tagalog = "Paglilinis ng bahay, paglalaba, pagluluto ng pagkain ng pamilya"
    english = "Cleaning the house, washing clothes and cooking for the family"
    assert coder._model_reads(english) and not coder._model_reads(tagalog)
    bare, described = coder.code([CodingItem("helper"), CodingItem("helper", tagalog)])
    assert [(c.code, c.score) for c in described.candidates] == [(c.code, c.score) for c in bare.candidates]
    assert not np.allclose(described.vector, bare.vector)  # matching still gets the description
    monkeypatch.setattr(coder, "reads_any_language", True)  # a multilingual model reads it
    assert coder._model_reads(tagalog)


@pytest.mark.parametrize("text, ranked", [
    ("Marketing", False), ("Sales & Marketing", False), ("Accounts Executive", False),
    ("Marketing Manager", True), ("Head of Sales", True), ("Branch Mgr", True), ("General Manager (GM)", True),
    ("pengurus jualan", True), ("quản lý kho", True), ("quan ly kho", True), ("ผู้จัดการร้าน", True),
    ("ম্যানেজার", True), ("hotel මැනේජර්", True),
])
def test_rank_words_in_the_registered_languages(text, ranked):
    assert names_a_rank(text) is ranked


def test_a_manager_group_for_a_text_naming_no_rank_is_marked(coder):
    column = FEATURES.index("manager_unmarked")
    bare, ranked = coder.prepare([CodingItem("sales and marketing"), CodingItem("sales and marketing manager")])
    assert "1221" in bare.codes and "1221" in ranked.codes
    marked = {code: bool(f[column]) for code, f in zip(bare.codes, bare.features)}
    assert marked["1221"] and not any(marked[c] for c in marked if not c.startswith("1"))
    assert not ranked.features[:, column].any()
    w = dict(zip(FEATURES, coder.combiner.weights))
    assert w["manager_unmarked"] < 0  # learned from taxonomy titles: managers are named by a rank


@pytest.mark.parametrize("text, lang, expected", [
    ("helper", "tl", "9111"),  # a domestic helper, in Filipino usage
    ("helper", "ne", "9313"),  # a construction helper, in Nepali usage
    ("janitor", "tl", "9112"),
    ("peon", "bn", "9621"),
    ("peon", "tl", "9313"),
])
def test_a_named_language_reads_words_its_way(coder, text, lang, expected):
    named = coder.code([CodingItem(text, lang=lang)])[0]
    assert named.candidates[0].code == expected and named.lang == lang
    assert named.candidates[0].signal == "alias" and named.candidates[0].probability > 0.8
    assert all(c.probability < 0.1 for c in named.candidates[1:])  # the other readings are gone


def test_without_a_language_every_reading_stays_a_candidate(coder):
    codes = [c.code for c in coder.code([CodingItem("helper")])[0].candidates]
    assert {"9111", "9313"} <= set(codes)
