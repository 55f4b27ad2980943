"""The shipped taxonomy files and their loader (reads taxonomies/data only, never ../shared)."""

import gzip
import json
import shutil
import subprocess
import sys

import pytest

from taxonomies import TaxonomyError, load_taxonomies
from taxonomies.build import write_json_gz, write_manifest
from taxonomies.ilo_index import natural_order
from taxonomies.loader import DATA_DIR, MANIFEST

UNLISTED_ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e"


@pytest.fixture(scope="module")
def tx():
    return load_taxonomies()


@pytest.fixture
def data_copy(tmp_path):
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def _rewrite(data_dir, name, change):
    """Change one data file and re-record the checksums, as a rebuild would."""
    data = json.loads(gzip.decompress((data_dir / name).read_bytes()))
    change(data)
    write_json_gz(data_dir / name, data)
    write_manifest(data_dir, json.loads((data_dir / MANIFEST).read_text())["sources"])


def test_isco_counts_by_level(tx):
    levels = [group.level for group in tx.isco.values()]
    assert [levels.count(level) for level in (1, 2, 3, 4)] == [10, 43, 130, 436]
    assert [group.code for group in tx.unit_groups()] == sorted(c for c in tx.isco if len(c) == 4)


def test_parents_and_children(tx):
    assert [group.code for group in tx.parents("7112")] == ["7", "71", "711"]
    assert tx.parents("7") == []
    assert tx.isco_group("7112").parent_code == "711" and tx.isco_group("7").parent_code is None
    assert [group.code for group in tx.children("711")] == ["7111", "7112", "7113", "7114", "7115", "7119"]
    assert [group.code for group in tx.children("0")] == ["01", "02", "03"]
    assert tx.children("7112") == []
    assert tx.isco_group("9999") is None
    with pytest.raises(KeyError):
        tx.parents("9999")


def test_tasks_are_parsed(tx):
    tasks = tx.isco["5322"].tasks
    assert len(tasks) == 9
    assert tasks[0].startswith("assisting clients with personal and therapeutic care needs")
    assert not any(task.startswith("(") or task.endswith((";", ".", " and")) for task in tasks)
    assert tx.isco["7112"].tasks[1] == "laying footpaths, kerbs and pavements"
    assert tx.isco["71"].tasks[-1] == "Supervision of other workers may be included"


def test_included_and_excluded_occupations(tx):
    assert tx.isco["7112"].included == ("Block layer", "Bricklayer", "Chimney builder", "Refractory bricklayer")
    assert ("Nursing aide (clinic or hospital)", "5321") in tx.isco["5322"].excluded
    assert tx.isco["7112"].excluded == (("Stonemason", "7113"),)
    assert ("Driver (motorized rickshaw)", None) in tx.isco["8322"].excluded
    assert tx.isco["031"].excluded == ()


def test_ilo_typo_is_fixed(tx):
    assert tx.isco["2522"].title == "Systems Administrators"


def test_skill_levels(tx):
    assert tx.isco["5322"].skill_levels == (2,)
    assert tx.isco["2221"].skill_levels == (4,)
    assert tx.isco["9111"].skill_levels == (1,)
    assert tx.isco["1"].skill_levels == (3, 4)
    assert tx.isco["1411"].skill_levels == (3,)
    assert tx.isco["0"].skill_levels == (1, 2, 4)
    assert [tx.isco[code].skill_levels for code in ("0110", "0210", "0310")] == [(4,), (2,), (1,)]


def test_ilo_index(tx):
    assert len(tx.ilo_index) == 7010
    assert all(entry.id == i for i, entry in enumerate(tx.ilo_index))
    heavy = next(entry for entry in tx.ilo_index if entry.title == "Driver, truck: heavy")
    assert (heavy.natural, heavy.isco08, heavy.isco88) == ("heavy truck driver", "8332", "8324")
    assert not any("\ufffd" in entry.title for entry in tx.ilo_index)


@pytest.mark.parametrize(
    ("title", "natural"),
    [
        ("Driver, truck: heavy", "heavy truck driver"),
        ("Abbot", "Abbot"),
        ("Academic, university: lecturer", "lecturer university academic"),
        ("Soldier: captain", "captain soldier"),
        ("Worker, farm: skilled (oyster)", "skilled farm worker (oyster)"),
        ("Maker, sail, tent and awning", "sail, tent and awning maker"),
        ("Farmer, field vegetable: (market production)", "field vegetable farmer (market production)"),
        ("Blocklayer,  wood", "wood blocklayer"),
    ],
)
def test_natural_order(title, natural):
    assert natural_order(title) == natural


def test_esco_occupations(tx):
    assert len(tx.esco_occupations) == 3007
    units = {group.code for group in tx.unit_groups()}
    assert all(occupation.isco_group in units for occupation in tx.esco_occupations.values())
    assert sum(bool(tx.esco_by_isco(code)) for code in units) == 426
    labels = [occupation.preferred_label for occupation in tx.esco_by_isco("7112")]
    assert labels == sorted(labels, key=str.casefold) and "bricklayer" in labels
    assert all(
        label == label.strip() and "\n" not in label
        for occupation in tx.esco_occupations.values()
        for label in occupation.alt_labels
    )


def test_esco_skills_and_relations(tx):
    assert len(tx.esco_skills) == 13896
    totals = {
        relation: sum(len(tx.occupation_skills(uri, relation)) for uri in [*tx.esco_occupations, UNLISTED_ESCO_OCCUPATION])
        for relation in ("essential", "optional")
    }
    assert totals == {"essential": 64946, "optional": 58909}
    # ESCO relates one occupation to skills without listing it in occupations_en.csv.
    assert UNLISTED_ESCO_OCCUPATION not in tx.esco_occupations
    bricklayer = next(o for o in tx.esco_by_isco("7112") if o.preferred_label == "bricklayer")
    assert all(skill.uri in tx.esco_skills for skill in tx.occupation_skills(bricklayer.uri))
    with pytest.raises(ValueError):
        tx.occupation_skills(bricklayer.uri, "required")
    with pytest.raises(KeyError):
        tx.occupation_skills("http://example.org/not-an-occupation")


def test_isco88_labels_and_questionnaire_codes(tx):
    assert tx.isco88_label_to_isco08("Clerks") == "4"
    assert tx.isco88_label_to_isco08("Service workers and shop and market sales workers") == "5"
    assert tx.isco88_label_to_isco08("  ARMED forces ") == "0"
    assert tx.isco88_label_to_isco08("Legislators, senior officials, and managers") == "1"
    assert tx.isco88_label_to_isco08("Clerical Support Workers") == "4"
    assert tx.isco88_label_to_isco08("Astronauts") is None
    assert tx.questionnaire_occupation_to_isco08("B4", 10) == "0"
    assert tx.questionnaire_occupation_to_isco08("C3", 11) == "0"
    assert tx.questionnaire_occupation_to_isco08("C3", 7) == "6"
    assert tx.questionnaire_occupation_to_isco08("C3", 6) is None
    assert tx.questionnaire_occupation_to_isco08("A9", 4) is None
    with pytest.raises(ValueError):
        tx.questionnaire_occupation_to_isco08("Z1", 1)


def test_isced_and_isic(tx):
    assert [(level.level, level.questionnaire_code) for level in tx.isced_levels] == [(n, n + 1) for n in range(9)]
    assert tx.isced_levels[8].name == "Doctoral or equivalent level"
    assert [section.letter for section in tx.isic_sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert [section.questionnaire_code for section in tx.isic_sections] == list(range(1, 22))
    assert tx.isic_sections[2].title == "Manufacturing"
    assert tx.isic_never_worked_code == 97


def test_corrupted_file_is_refused(data_copy):
    path = data_copy / "esco_skills.json.gz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(TaxonomyError, match="checksum"):
        load_taxonomies(data_copy)


def test_missing_file_is_refused(data_copy):
    (data_copy / "isco08.json.gz").unlink()
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomies(data_copy)


def test_inconsistent_data_is_refused(data_copy):
    _rewrite(data_copy, "ilo_index.json.gz", lambda data: data["titles"][0].update(isco08="9999"))
    with pytest.raises(TaxonomyError, match="9999"):
        load_taxonomies(data_copy)


def test_version_changes_with_the_data(tx, data_copy):
    assert tx.version.startswith("isco08-ilo+esco-v1.1.1+") and len(tx.version.rsplit("+", 1)[1]) == 12
    _rewrite(data_copy, "classifications.json.gz", lambda data: data["isic"][2].update(title="Making things"))
    reloaded = load_taxonomies(data_copy)
    assert reloaded.version != tx.version
    assert reloaded.isic_sections[2].title == "Making things"


def test_taxonomies_imports_only_the_standard_library():
    code = (
        "import sys; before = set(sys.modules); from taxonomies import load_taxonomies; load_taxonomies(); "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before} - set(sys.stdlib_module_names)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['taxonomies']"
