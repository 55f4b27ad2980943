"""Classification data for returnmatch: ISCO-08 (structure, definitions, ILO index of
occupational titles), the ESCO v1.1.1 occupations, skills and their relations, ISCED 2011,
ISIC Rev.4 and the ISCO-88 labels of the ILO return-migration questionnaire; the RPL rule sets
(``rpl.py``, ``data/rpl/``).

Standard library only (the RPL rule models use pydantic); never imports ``app`` or ``matching``.
"""

from taxonomies.classifications import IscedLevel, IsicSection, QuestionnaireOccupation
from taxonomies.esco import EscoOccupation, EscoSkill
from taxonomies.ilo_index import IloTitle
from taxonomies.isco import IscoGroup
from taxonomies.loader import Taxonomies, TaxonomyError, load_taxonomies

__all__ = [
    "EscoOccupation",
    "EscoSkill",
    "IloTitle",
    "IscedLevel",
    "IscoGroup",
    "IsicSection",
    "QuestionnaireOccupation",
    "Taxonomies",
    "TaxonomyError",
    "load_taxonomies",
]
