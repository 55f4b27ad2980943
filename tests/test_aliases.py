"""The language registry and the multilingual alias tables."""
import csv
import json
import shutil

import pytest

from taxonomies import load_taxonomies
from taxonomies.aliases import ALIAS_DIR, AliasError, load_aliases, scripts_of

UNITS = frozenset(g.code for g in load_taxonomies().unit_groups())
REQUIRED = {"en", "ms", "id", "tl", "vi", "th", "km", "ne", "bn", "hi", "ur", "si", "ta", "afb"}


@pytest.fixture(scope="module")
def table():
    return load_aliases(UNITS)


def _returnee_codes():
    with (ALIAS_DIR / "returnee_occupations.csv").open(encoding="utf-8") as fh:
        return {row["isco08"] for row in csv.DictReader(fh)}


def test_every_required_language_is_registered(table):
    assert REQUIRED <= {lang.code for lang in table.languages}


@pytest.mark.parametrize("lang", sorted(REQUIRED))
def test_each_language_covers_the_frequent_returnee_occupations(table, lang):
    covered = {a.isco08 for a in table.for_language(lang)} & _returnee_codes()
    assert len(covered) >= 56, (lang, len(covered))


@pytest.mark.parametrize("lang", ["th", "km", "ne", "bn", "hi", "ur", "si", "ta", "afb"])
def test_native_script_and_romanisation(table, lang):
    scripts = {a.script for a in table.for_language(lang)}
    assert "Latn" in scripts and len(scripts) >= 2


def test_frequent_returnee_occupations_number_sixty_or_more():
    codes = _returnee_codes()
    assert len(codes) >= 60 and codes <= UNITS


def _copy_registry(tmp_path):
    target = tmp_path / "aliases"
    shutil.copytree(ALIAS_DIR, target)
    return target


def test_a_language_is_added_by_data_alone(tmp_path):
    alias_dir = _copy_registry(tmp_path)
    registry = json.loads((alias_dir / "languages.json").read_text())
    registry["languages"].append({"code": "my", "name": "Burmese", "scripts": ["Mymr", "Latn"], "file": "my.csv"})
    (alias_dir / "languages.json").write_text(json.dumps(registry))
    (alias_dir / "my.csv").write_text("isco08,alias,script,note\n7112,ပန်းရန်,Mymr,mason\n", encoding="utf-8")
    table = load_aliases(UNITS, alias_dir)
    assert [a.isco08 for a in table.for_language("my")] == ["7112"]
    assert table.version != load_aliases(UNITS).version


@pytest.mark.parametrize(
    "row, message",
    [
        ("9999,foo,Latn,", "not an ISCO-08 unit group"),
        ("7112,,Latn,", "empty alias"),
        ("7112,ช่างปูน,Latn,", "written in"),
        ("7112,foo,Cyrl,", "not declared"),
        ("7112,foo,Latn", "columns"),
    ],
)
def test_bad_rows_are_refused_naming_file_and_line(tmp_path, row, message):
    alias_dir = _copy_registry(tmp_path)
    with (alias_dir / "en.csv").open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    with pytest.raises(AliasError, match=message) as excinfo:
        load_aliases(UNITS, alias_dir)
    assert "en.csv:" in str(excinfo.value)


def test_scripts_of():
    assert scripts_of("tukang batu") == {"Latn"}
    assert scripts_of("ড্রাইভার 3 বছর") == {"Beng"}
    assert scripts_of("ඩ්‍රයිවර් driver 😀") == {"Sinh", "Latn"}
    assert scripts_of("123 !!") == set()
