"""Validate the hand-judged vacancy-ranking set (``judged_set.json``) against the API models.

Run from the repository root::

    .venv/bin/python tests/data/ranking/check_judged_set.py [path/to/judged_set.json]

Checks that every vacancy, course and passport is accepted by ``VacancyBody``, ``CourseBody`` and
``PassportCreate`` (unknown fields are rejected there), that ids are unique, that every graded id is
a vacancy in the set, that grades are integers 0-3, and a few properties the set promises (vacancies
open and not expiring before 2027-07-01, matching consent on every passport, at least eight graded
vacancies with a 3, a 2 and a 1 per passport). Prints counts and exits non-zero on any problem.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from pydantic import ValidationError

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app.courses.schemas import CourseBody  # noqa: E402
from app.passports.schemas import PassportCreate  # noqa: E402
from app.vacancies.schemas import VacancyBody  # noqa: E402

DEFAULT = Path(__file__).with_name("judged_set.json")
NOT_EXPIRED_BEFORE = date(2027, 7, 1)
MIN_GRADED = 8


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    data = json.loads(path.read_text(encoding="utf-8"))
    errors: list[str] = []

    def fail(message: str) -> None:
        errors.append(message)

    expected_top = {"about", "scale", "vacancies", "courses", "passports"}
    if set(data) != expected_top:
        fail(f"top-level keys {sorted(data)} != {sorted(expected_top)}")
    if not isinstance(data.get("about"), str) or not data.get("about", "").strip():
        fail("'about' must be a non-empty string")
    if set(data.get("scale", {})) != {"0", "1", "2", "3"}:
        fail("'scale' must describe exactly the grades '0', '1', '2' and '3'")

    def validated(section: str, model) -> list:
        """The section's entries that ``model`` accepts and that carry an external_id."""
        accepted = []
        for n, raw in enumerate(data.get(section, [])):
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                fail(f"{section}[{n}] ({raw.get('external_id')}): {exc}")
                continue
            if not item.external_id:
                fail(f"{section}[{n}] has no external_id")
                continue
            accepted.append(item)
        return accepted

    vacancies = validated("vacancies", VacancyBody)
    for vacancy in vacancies:
        if vacancy.status.value != "open":
            fail(f"{vacancy.external_id}: status is {vacancy.status.value}, not open")
        if vacancy.expires_on is None or vacancy.expires_on < NOT_EXPIRED_BEFORE:
            fail(f"{vacancy.external_id}: expires_on {vacancy.expires_on} is before {NOT_EXPIRED_BEFORE}")
    vacancy_ids = [v.external_id for v in vacancies]
    course_ids = [c.external_id for c in validated("courses", CourseBody)]

    for kind, ids in (("vacancy", vacancy_ids), ("course", course_ids)):
        for value, count in Counter(ids).items():
            if count > 1:
                fail(f"{kind} id {value} is used {count} times")
    known = set(vacancy_ids)

    refs: list[str] = []
    grade_counts: Counter[int] = Counter()
    for n, entry in enumerate(data.get("passports", [])):
        if set(entry) != {"passport", "situation", "grades"}:
            fail(f"passports[{n}]: keys {sorted(entry)} != ['grades', 'passport', 'situation']")
            continue
        raw = entry["passport"]
        label = raw.get("external_ref", f"passports[{n}]")
        try:
            passport = PassportCreate.model_validate(raw)
        except ValidationError as exc:
            fail(f"{label}: {exc}")
            continue
        refs.append(passport.external_ref)
        matching = passport.consent.get("matching")
        if matching is None or not matching.granted:
            fail(f"{label}: consent for matching is not granted")
        if not isinstance(entry["situation"], str) or not entry["situation"].strip():
            fail(f"{label}: situation must be a non-empty string")
        grades = entry["grades"]
        if not isinstance(grades, dict):
            fail(f"{label}: grades must be an object")
            continue
        for vacancy_id, grade in grades.items():
            if vacancy_id not in known:
                fail(f"{label}: graded id {vacancy_id} is not a vacancy in the set")
            if type(grade) is not int or not 0 <= grade <= 3:
                fail(f"{label}: grade {grade!r} for {vacancy_id} is not an integer 0-3")
            else:
                grade_counts[grade] += 1
        if len(grades) < MIN_GRADED:
            fail(f"{label}: only {len(grades)} graded vacancies (at least {MIN_GRADED} expected)")
        if not {1, 2, 3} <= set(grades.values()):
            fail(f"{label}: grades should include at least one 3, one 2 and one 1")
    for value, count in Counter(refs).items():
        if count > 1:
            fail(f"passport external_ref {value} is used {count} times")

    graded = sum(grade_counts.values())
    print(f"{path}")
    print(f"passports: {len(data.get('passports', []))}")
    print(f"vacancies: {len(data.get('vacancies', []))} "
          f"(isco08 given: {sum(1 for v in data.get('vacancies', []) if v.get('isco08'))}; "
          f"by country: {dict(sorted(Counter(v.get('country') for v in data.get('vacancies', [])).items()))})")
    print(f"courses: {len(data.get('courses', []))}")
    print(f"graded pairs: {graded} "
          + " ".join(f"grade {g}: {grade_counts[g]}" for g in (3, 2, 1, 0))
          + " (unlisted pairs count as 0)")
    if errors:
        print(f"\n{len(errors)} problem(s):", file=sys.stderr)
        for message in errors:
            print(f"- {message}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
