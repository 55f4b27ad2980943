"""Screening job vacancies for discriminatory requirements (ILO C111): the rules in
taxonomies/data/screening_c111.json, their loader (taxonomies/screening.py) and the matcher
(matching/screening). The labelled snippets are in tests/data/screening_cases.json."""
import dataclasses
import json
import time
from collections import defaultdict
from pathlib import Path

import pytest

from matching.screening import CATEGORIES, Finding, screen, screen_text, summary
from matching.screening.requirements import _screen_one
from taxonomies.screening import (
    PATH,
    load_screening_rules,
    normalise_char,
    required_keys,
)

CASES_PATH = Path(__file__).parent / "data" / "screening_cases.json"
CASES = json.loads(CASES_PATH.read_text(encoding="utf-8"))["cases"]
GROUPS = ("en", "ms/id", "tl", "ar")


def _group(case: dict) -> str:
    return "ms/id" if case["lang"] in ("ms", "id") else case["lang"]


def _categories(text: str) -> list[str]:
    return sorted({finding.category for finding in screen_text(text)})


# --- the labelled cases -----------------------------------------------------------------


def test_the_case_file_is_large_enough_and_well_formed():
    counts = defaultdict(lambda: [0, 0])
    for case in CASES:
        assert set(case["expected"]) <= set(CATEGORIES), case
        counts[_group(case)][0 if case["expected"] else 1] += 1
    assert set(counts) == set(GROUPS)
    for group, (positives, negatives) in counts.items():
        assert positives >= 40 and negatives >= 30, (group, positives, negatives)
    assert {c["lang"] for c in CASES if _group(c) == "ms/id"} == {"ms", "id"}
    texts = [case["text"] for case in CASES]
    assert len(texts) == len(set(texts))
    for category in CATEGORIES:  # every category is exercised
        assert any(category in case["expected"] for case in CASES), category


@pytest.mark.parametrize("case", CASES, ids=[f"{c['lang']}-{i}" for i, c in enumerate(CASES)])
def test_each_case_gives_exactly_the_expected_categories(case):
    assert _categories(case["text"]) == case["expected"], [
        (f.category, f.rule_id, f.words) for f in screen_text(case["text"])
    ]


def test_per_language_recall_and_false_positives():
    """Prints a per-language table (pytest -s); recall >= 0.95 per category label and no finding
    at all on the negatives."""
    table = {}
    for group in GROUPS:
        cases = [c for c in CASES if _group(c) == group]
        expected = found = false_positive_cases = 0
        for case in cases:
            got = set(_categories(case["text"]))
            if case["expected"]:
                expected += len(case["expected"])
                found += len(got & set(case["expected"]))
            elif got:
                false_positive_cases += 1
        positives = sum(1 for c in cases if c["expected"])
        table[group] = (positives, len(cases) - positives, found / expected, false_positive_cases)
    print("\nlang    positives negatives recall false_positives")
    for group, (positives, negatives, recall, fps) in table.items():
        print(f"{group:7} {positives:9} {negatives:9} {recall:6.3f} {fps:15}")
    for group, (_, _, recall, fps) in table.items():
        assert recall >= 0.95, (group, recall)
        assert fps == 0, (group, fps)


def test_the_prefilter_never_changes_the_result():
    """Rules run only where their prefilter keys occur; running every rule on the whole text
    must give the same findings."""
    long_text = "\n".join(case["text"] for case in CASES)
    for text in [case["text"] for case in CASES] + [long_text]:
        fast = {(f.rule_id, f.start, f.end) for f in _screen_one(text, None, None)}
        full = {(f.rule_id, f.start, f.end) for f in _screen_one(text, None, None, exhaustive=True)}
        assert fast == full, text[:80]


# --- findings point into the original text ------------------------------------------------


def test_words_and_offsets_map_back_to_the_original_text():
    for case in CASES:
        for finding in screen_text(case["text"], field="description"):
            assert finding.words, finding
            assert case["text"][finding.start:finding.end] == finding.words
            assert finding.field == "description"
            assert finding.reason and finding.category in CATEGORIES
            assert finding.words == finding.words.strip()


@pytest.mark.parametrize(
    ("text", "category", "words"),
    [
        # NFKC/casefold change lengths: full-width letters, "ß", ligatures, Arabic harakat,
        # tatweel and right-to-left marks, combining accents.
        ("Straße 5 – ＦＥＭＡＬＥ ＯＮＬＹ – ﬁtness", "sex", "ＦＥＭＡＬＥ ＯＮＬＹ"),
        ("Gruß! Muslim o\u0301nly? No: Female only.", "sex", "Female only"),
        ("\u200fمطلوب: إِنَاثٌ فَقَطْ\u200f", "sex", "إِنَاثٌ فَقَطْ"),
        ("العمـــر لا يزيـد عن ٣٥ سنة", "age", "العمـــر لا يزيـد عن ٣٥"),
        ("ﷺ ﻻ شيء. الجنسية: الفلبينية", "nationality", "الجنسية: الفلبينية"),
        ("Déjà vu café: AGE 20–30 (en dash)", "age", "AGE 20–30"),
    ],
)
def test_offsets_survive_length_changing_normalisation(text, category, words):
    findings = [f for f in screen_text(text) if f.category == category]
    assert [f.words for f in findings] == [words]
    assert text[findings[0].start:findings[0].end] == words


def test_normalisation_of_single_characters():
    assert normalise_char("أ") == normalise_char("إ") == normalise_char("آ") == "ا"
    assert normalise_char("ة") == "ه" and normalise_char("ى") == "ي"
    assert normalise_char("\u064b") == "" and normalise_char("\u0640") == "" and normalise_char("\u200f") == ""
    assert normalise_char("٣") == "3" and normalise_char("–") == "-"
    assert normalise_char("ß") == "ss" and normalise_char("Ｆ") == "f" and normalise_char("é") == "e"


# --- realistic long texts ------------------------------------------------------------------

INDONESIAN_AD = """LOWONGAN KERJA SPG/SPB – PT Cahaya Abadi Kosmetik (Bandung)
Kami perusahaan distributor produk kecantikan wanita yang sedang berkembang pesat di Jawa Barat,membuka lowongan untuk penempatan di mall-mall kota Bandung dan Cimahi.Tugas:menawarkan produk kepada pengunjung,mencapai target penjualan bulanan,menjaga kerapian booth,membuat laporan stok harian.
Persyaratan:
•Wanita
•Usia maksimal 25 tahun
•Belum menikah
•Tinggi badan min 158 cm,berat badan proporsional
•Berpenampilan menarik dan komunikatif
•Pendidikan minimal SMA/SMK sederajat
•Pengalaman minimal 1 tahun sebagai SPG (fresh graduate dipersilakan)
•Bisa berbahasa Inggris pasif
•Memiliki SIM C dan kendaraan sendiri
•Bersedia bekerja shift dan akhir pekan
Fasilitas:gaji pokok sesuai UMK Kota Bandung,insentif penjualan menarik,BPJS Kesehatan dan Ketenagakerjaan,seragam,pelatihan produk.Lamaran dapat dikirim melalui email atau datang langsung ke kantor kami di Jl. Soekarno-Hatta No. 12,Bandung.Proses rekrutmen tidak dipungut biaya."""


def test_a_long_indonesian_description_with_bullets_and_run_together_sentences():
    findings = screen({"title": "Lowongan SPG", "description": INDONESIAN_AD})
    found = {(f.category, f.words) for f in findings}
    assert found == {
        ("sex", "Wanita"),
        ("age", "Usia maksimal 25"),
        ("marital_status", "Belum menikah"),
        ("appearance", "Tinggi badan min 158 cm"),
        ("appearance", "berat badan proporsional"),
        ("appearance", "Berpenampilan menarik"),
    }, sorted(found)
    assert all(f.field == "description" for f in findings)
    for finding in findings:
        assert INDONESIAN_AD[finding.start:finding.end] == finding.words


def test_legitimate_requirements_in_a_long_english_ad_are_not_flagged():
    text = (
        "Warehouse supervisor for a logistics agency. Requirements: male or female, 18 years and above, "
        "3-5 years experience, valid driving licence and forklift licence, fluent in English, able to speak "
        "Bahasa Malaysia, good communication, physically fit. Benefits: single room, halal kitchen, prayer room, "
        "overtime, attractive salary package. We manage single-phase and three-phase equipment on a single shift."
    )
    assert screen_text(text) == []


@pytest.mark.parametrize(
    ("text", "category", "words"),
    [
        ("مطلوب ممرضات، والعمر لا يتجاوز 30 سنة", "age", "والعمر لا يتجاوز 30"),
        ("الوظيفة للإناث فقط", "sex", "للإناث فقط"),
        ("وللنساء فقط دوام مسائي", "sex", "وللنساء فقط"),
        ("ويفضل المسلمين", "religion", "المسلمين"),
        ("والجنسية الفلبينية مطلوبة", "nationality", "والجنسية الفلبينية"),
        ("وحسن المظهر", "appearance", "وحسن المظهر"),
        ("بالإضافة إلى أن تكون عزباء", "marital_status", "عزباء"),
    ],
)
def test_arabic_words_with_clitic_prefixes(text, category, words):
    assert [f.words for f in screen_text(text) if f.category == category] == [words]


@pytest.mark.parametrize(
    "text",
    [
        "للذكور والإناث",  # both sexes
        "الحسن والجمال",  # حسن is not the end of a longer word match
        "بحسن المعاملة",  # "good treatment", not appearance
        "لا يقل العمر عن 18 سنة",  # a minimum age
    ],
)
def test_arabic_negatives(text):
    assert screen_text(text) == []


# --- API --------------------------------------------------------------------------------


def test_screen_orders_by_field_then_start_and_skips_empty_fields():
    findings = screen({"title": "Driver, male only", "description": "Age 20-30. Muslim only.", "requirements": None})
    assert [(f.field, f.category) for f in findings] == [
        ("description", "age"),
        ("description", "religion"),
        ("title", "sex"),
    ]
    assert [f.start for f in findings[:2]] == sorted(f.start for f in findings[:2])
    assert screen({}) == [] and screen_text("") == []


def test_findings_are_deduplicated_per_category_and_span():
    text = "Female only (female only), female preferred"
    findings = screen_text(text)
    spans = [(f.category, f.start, f.end) for f in findings]
    assert len(spans) == len(set(spans))
    for a in findings:
        for b in findings:
            if a is not b and a.category == b.category:
                assert a.end <= b.start or b.end <= a.start, (a, b)
    assert [f.words for f in findings] == ["Female only", "female only", "female preferred"]


def test_summary_and_finding_type():
    findings = screen_text("Wanita sahaja, usia maks 30 tahun. Perempuan sahaja!")
    assert summary(findings) == {"sex": ["Wanita sahaja", "Perempuan sahaja"], "age": ["usia maks 30"]}
    finding = findings[0]
    assert isinstance(finding, Finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.words = "x"
    assert not hasattr(finding, "__dict__")  # slots
    assert finding.lang == "ms" and finding.rule_id == "sex.ms.only"
    assert "C111" in finding.reason


def test_nationality_reason_says_it_needs_review():
    (finding,) = screen_text("Malaysian citizens only")
    assert finding.category == "nationality"
    assert "may be lawful" in finding.reason and "review" in finding.reason


def test_preferences_have_their_own_reason():
    pref = {f.rule_id: f.reason for f in screen_text("female preferred; diutamakan pria; mas gusto babae")}
    assert len(pref) == 3
    assert all("preference" in reason for reason in pref.values()), pref


def test_screening_is_fast_enough():
    text = (INDONESIAN_AD + "\n" + "\n".join(c["text"] for c in CASES if not c["expected"]))[:3000]
    assert len(text) == 3000
    screen_text(text)  # compile
    runs = 50
    started = time.perf_counter()
    for _ in range(runs):
        screen_text(text)
    per_text = (time.perf_counter() - started) / runs
    assert per_text < 0.02, per_text  # typically about 1 ms; generous for slow CI machines


# --- the rule file and its loader ---------------------------------------------------------


def test_the_shipped_rules_load_and_cover_every_category_and_language():
    rules = load_screening_rules()
    assert rules.version and "C111" in json.dumps(dict(rules.source))
    assert {rule.category for rule in rules.rules} == set(CATEGORIES)
    assert {lang for rule in rules.rules for lang in rule.langs} == {"en", "ms", "id", "tl", "ar"}
    assert len({rule.id for rule in rules.rules}) == len(rules.rules)
    assert all(rule.keys is not None for rule in rules.rules)  # every rule has a prefilter key


def test_the_rule_file_is_not_in_the_taxonomy_manifest():
    manifest = json.loads((PATH.parent / "MANIFEST.json").read_text(encoding="utf-8"))
    assert PATH.name not in manifest["files"]
    assert len(manifest["files"]) == 6


def _write_rules(tmp_path, rule: dict, name: str = "rules.json") -> Path:
    good = {"id": "ok.rule", "category": "sex", "lang": "en", "pattern": r"\bfemale\s+only\b",
            "reason": "Restricts the job to one sex."}
    data = {"version": "test", "source": "test", "rules": [good, rule]}
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"category": "caste"}, "unknown category"),
        ({"lang": "fr"}, "unknown language"),
        ({"id": "ok.rule"}, "duplicate id"),
        ({"pattern": r"\b(female"}, "does not compile"),
        ({"unless": r"[male"}, "does not compile"),
        ({"pattern": r"\bFemale"}, "upper-case"),
        ({"pattern": r"(?P<x>female)"}, "named group"),
        ({"pattern": r"{NOPE}female"}, "unknown macro"),
        ({"reason": ""}, "missing reason"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_the_loader_rejects_a_bad_rule_and_names_it(tmp_path, rule, message):
    bad = {"id": "bad.rule", "category": "sex", "lang": "en", "pattern": r"\bmale\s+only\b",
           "reason": "Restricts the job to one sex."}
    bad.update(rule)
    path = _write_rules(tmp_path, bad)
    with pytest.raises(ValueError, match=message) as error:
        load_screening_rules(path)
    assert repr(bad["id"]) in str(error.value)


def test_the_loader_accepts_a_good_file_and_the_matcher_uses_it(tmp_path):
    rule = {"id": "sex.xx.test", "category": "sex", "langs": ["ms", "id"], "pattern": r"\bkhas\s+{W}\b",
            "unless": r"\bkhas\s+wanita\s+dan\s+lelaki", "reason": "Restricts the job to one sex."}
    data = {"version": "t", "source": {"convention": "C111"}, "macros": {"W": "(?:wanita|lelaki)"},
            "rules": [rule]}
    path = tmp_path / "good.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rules = load_screening_rules(path)
    assert [r.id for r in rules.rules] == ["sex.xx.test"]
    assert rules.rules[0].lang == "ms"
    assert [f.words for f in screen_text("Jawatan khas wanita.", rules=rules)] == ["khas wanita"]
    assert screen_text("Jawatan khas wanita dan lelaki.", rules=rules) == []
    assert screen_text("Jawatan wanita sahaja.", rules=rules) == []  # only the given rules run


def test_the_loader_rejects_unreadable_files(tmp_path):
    with pytest.raises(ValueError):
        load_screening_rules(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        load_screening_rules(broken)


@pytest.mark.parametrize(
    ("pattern", "keys", "word_start"),
    [
        (r"\bfemales?\s+only", ("female", "females"), True),
        (r"\bwom[ae]n\b", ("woman", "women"), True),
        (r"(?:ab|cd)(?:ef|gh)x", ("abefx", "abghx", "cdefx", "cdghx"), False),
        (r"\b(?:ber)?hijab", ("berhijab", "hijab"), True),
        (r"\d+", None, None),
    ],
)
def test_prefilter_keys_are_derived_from_the_regex(pattern, keys, word_start):
    import re

    found = required_keys(re.compile(pattern))
    if keys is None:
        assert found is None
    else:
        assert found.strings == keys and found.word_start is word_start
