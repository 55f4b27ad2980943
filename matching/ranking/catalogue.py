"""Vacancies as the ranker holds them: one ``VacancyTarget`` per active vacancy and a
``VacancyIndex`` of numpy columns over them (unit group, embedding, place, pay, type, job fair,
expiry), so that filtering and a first, coarse score over the whole catalogue are a few array
operations; only the best few hundred are then scored in full and explained.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from matching.ranking.profile import Profile

# monthly equivalents of a pay period (a month of 173.3 hours, 26 days, 4.33 weeks)
PER_MONTH = {"hour": 173.3, "day": 26.0, "week": 4.33, "month": 1.0, "year": 1 / 12}
NO_DATE = np.iinfo(np.int32).max


@dataclass(frozen=True, slots=True)
class TargetSkill:
    uri: str
    label: str
    source: str  # given (the employer listed it), extracted (found in the text)


@dataclass(frozen=True, slots=True)
class CertificateNeed:
    name: str
    framework: str | None
    level: str | None


@dataclass(frozen=True, slots=True)
class VacancyTarget:
    id: str
    title: str
    employer: str | None = None
    isco: str | None = None
    isco_title: str | None = None
    isco_probability: float | None = None
    skills: tuple[TargetSkill, ...] = ()
    experience_months: int | None = None
    certificates: tuple[CertificateNeed, ...] = ()
    min_isced: int | None = None
    languages: tuple[str, ...] = ()
    country: str | None = None
    region: str | None = None
    city: str | None = None
    employment_type: str | None = None
    pay_min: float | None = None
    pay_max: float | None = None
    pay_currency: str | None = None
    pay_period: str | None = None
    job_fair_id: str | None = None
    expires_on: date | None = None
    vector: np.ndarray | None = None

    def monthly_pay(self) -> float | None:
        top = self.pay_max if self.pay_max is not None else self.pay_min
        if top is None:
            return None
        return top * PER_MONTH.get(self.pay_period or "month", 1.0)


@dataclass(frozen=True)
class VacancyFilters:
    country: str | None = None
    region: str | None = None
    city: str | None = None
    employment_type: str | None = None
    job_fair_id: str | None = None
    min_pay: float | None = None  # per month, in ``currency``
    currency: str | None = None
    pathway: str | None = None  # re_migration: abroad only; wage_employment: at home only
    isco: str | None = None  # a unit group or any higher group ("71")


def _norm(text: str | None) -> str:
    return " ".join(text.casefold().split()) if text else ""


class _Codes:
    """Strings to small integers, 0 meaning none."""

    def __init__(self):
        self.ids: dict[str, int] = {"": 0}

    def __call__(self, value: str | None) -> int:
        return self.ids.setdefault(value or "", len(self.ids))

    def get(self, value: str | None) -> int:
        return self.ids.get(value or "", -1)


class VacancyIndex:
    """Columns over the targets. Units and places are stored as small integer keys into their
    distinct values, so a per-query rule (``components.occupation_fit``, ``place_fit``, …) is
    evaluated once per distinct value and gathered to every row: the same rule, at array speed."""

    def __init__(self, targets: Sequence[VacancyTarget], dimension: int, reduce_above: int = 20_000,
                 reduced_dimension: int = 64):
        self.targets = list(targets)
        self.dimension = dimension
        n = len(self.targets)
        self.countries, self.regions, self.cities = _Codes(), _Codes(), _Codes()
        self.types, self.fairs, self.currencies = _Codes(), _Codes(), _Codes()
        self.units: dict[str, int] = {}  # unit group ("" = not coded) → key
        self.places: dict[tuple, int] = {}  # (country, region, city) as written → key
        self.unit_key = np.zeros(n, dtype=np.int32)
        self.place_key = np.zeros(n, dtype=np.int32)
        self.unit = np.full(n, -1, dtype=np.int32)
        self.country = np.zeros(n, dtype=np.int32)
        self.region = np.zeros(n, dtype=np.int32)
        self.city = np.zeros(n, dtype=np.int32)
        self.type = np.zeros(n, dtype=np.int32)
        self.fair = np.zeros(n, dtype=np.int32)
        self.currency = np.zeros(n, dtype=np.int32)
        self.pay = np.full(n, np.nan, dtype=np.float64)
        self.expires = np.full(n, NO_DATE, dtype=np.int32)
        self.vectors = np.zeros((n, dimension), dtype=np.float32)
        self.has_vector = np.zeros(n, dtype=bool)
        for i, t in enumerate(self.targets):
            if t.isco:
                self.unit[i] = int(t.isco)
            self.unit_key[i] = self.units.setdefault(t.isco or "", len(self.units))
            self.place_key[i] = self.places.setdefault((t.country, t.region, t.city), len(self.places))
            self.country[i] = self.countries(t.country)
            self.region[i] = self.regions(_norm(t.region))
            self.city[i] = self.cities(_norm(t.city))
            self.type[i] = self.types(t.employment_type)
            self.fair[i] = self.fairs(t.job_fair_id)
            self.currency[i] = self.currencies(t.pay_currency)
            pay = t.monthly_pay()
            if pay is not None:
                self.pay[i] = pay
            if t.expires_on:
                self.expires[i] = t.expires_on.toordinal()
            if t.vector is not None and t.vector.shape == (dimension,):
                self.vectors[i] = t.vector
                self.has_vector[i] = True
        self._reduce(reduce_above, reduced_dimension)

    def _reduce(self, reduce_above: int, dimension: int) -> None:
        """Above ``reduce_above`` vacancies, the coarse stage reads a PCA projection of the vectors
        (``dimension`` wide, fitted on a seeded sample of at most 20,000) instead of the whole
        matrix: the product with the query costs a fraction of the memory traffic. The full
        vectors still give the exact cosine of everything scored in full."""
        self.projection = self.mean = self.reduced = None
        n = len(self.targets)
        if n <= reduce_above or dimension >= self.dimension:
            return
        from sklearn.decomposition import PCA

        rows = np.flatnonzero(self.has_vector)
        if len(rows) <= dimension:
            return
        sample = np.random.default_rng(0).choice(rows, size=min(len(rows), 20_000), replace=False)
        pca = PCA(n_components=dimension, random_state=0).fit(self.vectors[np.sort(sample)])
        self.mean = pca.mean_.astype(np.float32)
        self.projection = pca.components_.astype(np.float32)  # dimension × full dimension
        self.reduced = np.ascontiguousarray((self.vectors - self.mean) @ self.projection.T, dtype=np.float32)
        self.reduced[~self.has_vector] = 0.0

    def __len__(self) -> int:
        return len(self.targets)

    # ---- filters --------------------------------------------------------------------------
    def mask(self, filters: VacancyFilters, profile: Profile, today: date) -> np.ndarray:
        keep = self.expires >= today.toordinal()
        if filters.country:
            keep &= self.country == self.countries.get(filters.country)
        if filters.region:
            keep &= self.region == self.regions.get(_norm(filters.region))
        if filters.city:
            keep &= self.city == self.cities.get(_norm(filters.city))
        if filters.employment_type:
            keep &= self.type == self.types.get(filters.employment_type)
        if filters.job_fair_id:
            keep &= self.fair == self.fairs.get(filters.job_fair_id)
        if filters.min_pay is not None:
            keep &= (self.currency == self.currencies.get(filters.currency)) & (np.nan_to_num(self.pay, nan=-1.0) >= filters.min_pay)
        home = profile.home.country if profile.home else None
        if filters.pathway in ("re_migration", "wage_employment") and home:
            at_home = self.country == self.countries.get(home)
            keep &= ~at_home & (self.country != 0) if filters.pathway == "re_migration" else at_home
        if filters.isco:
            digits = len(filters.isco)
            group = int(filters.isco)
            keep &= (self.unit >= 0) & (self.unit // 10 ** (4 - digits) == group)
        return keep

    # ---- per-query rules, gathered to every row ------------------------------------------
    def by_unit(self, rule: Callable[[str | None], float]) -> np.ndarray:
        """``rule(unit group or None)`` for every row."""
        table = np.empty(len(self.units), dtype=np.float64)
        for code, key in self.units.items():
            table[key] = rule(code or None)
        return table[self.unit_key]

    def by_place(self, rule: Callable[[str | None, str | None, str | None], float]) -> np.ndarray:
        """``rule(country, region, city)`` for every row."""
        table = np.empty(len(self.places), dtype=np.float64)
        for (country, region, city), key in self.places.items():
            table[key] = rule(country, region, city)
        return table[self.place_key]

    def similarity(self, profile: Profile, approximate: bool = False) -> np.ndarray:
        """The cosine of the passport's and every vacancy's embedding (0 without one);
        ``approximate``: through the PCA projection when there is one."""
        if profile.vector is None or not len(self.targets):
            return np.zeros(len(self.targets), dtype=np.float32)
        q = profile.vector.astype(np.float32)
        if approximate and self.reduced is not None:
            cosine = self.reduced @ (self.projection @ q) + float(self.mean @ q)
            cosine[~self.has_vector] = 0.0
            return cosine
        return self.vectors @ q

    def cosine(self, profile: Profile, row: int) -> float:
        if profile.vector is None or not self.has_vector[row]:
            return 0.0
        return float(self.vectors[row] @ profile.vector)
