"""Screening job vacancies for discriminatory requirements (ILO Convention C111, 1958).

Pure Python: no web framework and no database. See ``requirements`` for the matcher and
``taxonomies/screening.py`` for the rules."""
from matching.screening.requirements import (
    CATEGORIES,
    Finding,
    screen,
    screen_text,
    summary,
)

__all__ = ["CATEGORIES", "Finding", "screen", "screen_text", "summary"]
