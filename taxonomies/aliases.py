"""Multilingual job-title aliases: the language registry and one alias table per language.

``taxonomies/aliases/languages.json`` lists the languages; each has a CSV file beside it with
the columns ``isco08,alias,script,note``. A language is added by data alone: a row in the
registry and its file. Loading checks every row (a valid ISCO-08 unit group, a script the
language declares and that the alias's characters are really written in, no duplicates) and
names the file and line of the first problem.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ALIAS_DIR = Path(__file__).resolve().parent / "aliases"
COLUMNS = ["isco08", "alias", "script", "note"]

# Unicode character-name prefixes → ISO 15924 script codes, for the scripts returnees write in.
_SCRIPT_PREFIXES = {
    "LATIN": "Latn", "THAI": "Thai", "KHMER": "Khmr", "DEVANAGARI": "Deva", "BENGALI": "Beng",
    "ARABIC": "Arab", "SINHALA": "Sinh", "TAMIL": "Taml", "MYANMAR": "Mymr", "LAO": "Laoo",
    "CJK": "Hani", "HANGUL": "Hang", "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "GURMUKHI": "Guru",
}


class AliasError(ValueError):
    """The alias data is malformed; the message names the file and line."""


def scripts_of(text: str) -> set[str]:
    """ISO 15924 codes of the letters in ``text`` (digits, punctuation, marks and emoji ignored)."""
    found = set()
    for char in text:
        if not (char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")):
            continue
        name = unicodedata.name(char, "")
        prefix = name.split(" ", 1)[0]
        if prefix in _SCRIPT_PREFIXES:
            found.add(_SCRIPT_PREFIXES[prefix])
        elif unicodedata.category(char).startswith("L"):
            found.add("Zyyy")
    return found


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str
    scripts: tuple[str, ...]
    file: str


@dataclass(frozen=True, slots=True)
class Alias:
    text: str
    lang: str
    isco08: str
    script: str
    note: str


@dataclass(frozen=True)
class AliasTable:
    languages: tuple[Language, ...]
    aliases: tuple[Alias, ...]
    version: str  # sha256 over the registry and every alias file

    def language(self, code: str) -> Language | None:
        return next((lang for lang in self.languages if lang.code == code), None)

    def for_language(self, code: str) -> list[Alias]:
        return [alias for alias in self.aliases if alias.lang == code]


def _rows(path: Path, lang: Language, unit_groups: frozenset[str]) -> list[Alias]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasError(f"{path}: cannot read as UTF-8 ({exc})") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header != COLUMNS:
        raise AliasError(f"{path}:1: header must be {','.join(COLUMNS)}, not {header}")
    seen: set[tuple[str, str]] = set()
    out = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            raise AliasError(f"{path}:{line}: expected {len(COLUMNS)} columns, found {len(row)}")
        code, alias, script, note = (cell.strip() for cell in row)
        if code not in unit_groups:
            raise AliasError(f"{path}:{line}: {code!r} is not an ISCO-08 unit group")
        if not alias:
            raise AliasError(f"{path}:{line}: empty alias")
        if script not in lang.scripts:
            raise AliasError(f"{path}:{line}: script {script!r} is not declared for {lang.code} ({lang.scripts})")
        used = scripts_of(alias)
        if used and used != {script}:
            raise AliasError(f"{path}:{line}: {alias!r} is written in {sorted(used)}, not {script}")
        key = (code, unicodedata.normalize("NFC", alias).casefold())
        if key in seen:
            raise AliasError(f"{path}:{line}: duplicate alias {alias!r} for {code}")
        seen.add(key)
        out.append(Alias(unicodedata.normalize("NFC", alias), lang.code, code, script, note))
    return out


@functools.lru_cache(maxsize=None)
def load_aliases(unit_groups: frozenset[str], alias_dir: Path = ALIAS_DIR) -> AliasTable:
    """Every registered language and its aliases, checked against ``unit_groups``."""
    registry_path = alias_dir / "languages.json"
    digest = hashlib.sha256(registry_path.read_bytes())
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    languages = tuple(
        Language(row["code"], row["name"], tuple(row["scripts"]), row["file"]) for row in registry["languages"]
    )
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        raise AliasError(f"{registry_path}: a language code is registered twice")
    aliases: list[Alias] = []
    for lang in languages:
        path = alias_dir / lang.file
        if not path.is_file():
            raise AliasError(f"{registry_path}: {lang.code} names {lang.file}, which does not exist")
        digest.update(path.read_bytes())
        aliases.extend(_rows(path, lang, unit_groups))
    return AliasTable(languages, tuple(aliases), "aliases+" + digest.hexdigest()[:12])
