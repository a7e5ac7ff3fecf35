"""What every generation stage shares: the plan (the villages, officers and products decided so far,
kept between stages as ids and a few numbers, never model instances), one random stream per stage,
and small helpers for dates and numbers."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate, pairwise
from zoneinfo import ZoneInfo

from django.conf import settings

from core.errors import Refused
from products.models import AssessmentCriterion, Category

from .vocabulary import PRODUCT_KINDS, ProductKind

TZ = ZoneInfo(settings.TIME_ZONE)


@dataclass(slots=True)
class PlannedVillage:
    code: str
    name: str
    kind: str
    district: str
    district_name: str
    regency: str
    province: str
    latitude: Decimal | None
    longitude: Decimal | None
    main_product: int = 0  # the flagship, or else the village's product; 0: none


@dataclass(slots=True)
class PlannedProduct:
    id: int
    village: PlannedVillage
    kind: ProductKind
    name: str
    role: str  # flagship, former, proposed, listed
    producer_first: int
    producer_count: int
    created: datetime.datetime
    price: int  # a typical price, for turnover figures
    capacity: int
    year: int  # of its designation (flagship, former), or of its registration
    first_assistance: datetime.date | None = None


class Plan:
    """The state the stages share: each stage reads what the earlier ones planned and adds its own."""

    def __init__(self, *, seed: int, scale: float, year: int, villages: list[PlannedVillage], officers):
        self.seed, self.scale, self.year = seed, scale, year
        self.years = (year - 2, year - 1, year)
        self.reference = datetime.date(year, 6, 30)
        self.villages = villages
        self.officers: dict[str, int] = officers  # regency code -> user id
        self.regencies: dict[str, list[PlannedVillage]] = {}
        for village in villages:
            self.regencies.setdefault(village.regency, []).append(village)
        self.categories = {c.slug: c for c in Category.objects.all()}
        missing = {kind.category for kind in PRODUCT_KINDS} - set(self.categories)
        if missing:
            raise Refused(f"The product categories {sorted(missing)} are missing: run migrate.")
        self.criteria = list(AssessmentCriterion.objects.filter(is_active=True).order_by("position", "pk"))
        self.products: list[PlannedProduct] = []  # products[id - 1]
        self.producer_has_nib = bytearray(1)  # producer_has_nib[id]
        # (programme id, regency, kind, year, deliveries, value of a typical delivery)
        self.delivery_plan: list[tuple[int, str, str, int, int, int]] = []

    def rng(self, stage: str) -> random.Random:
        # One stream per stage: changing what one stage draws leaves the others as they were.
        return random.Random(f"{self.seed}:{stage}")


def weighted_choice(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def split_total(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights`, summing exactly to `total`."""
    cumulative = list(accumulate(weights))
    if not cumulative or cumulative[-1] <= 0:
        return [0] * len(weights)
    marks = [0] + [round(total * c / cumulative[-1]) for c in cumulative]
    return [b - a for a, b in pairwise(marks)]


def moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment of that day."""
    return datetime.datetime(day.year, day.month, day.day, rng.randint(8, 15), rng.randint(0, 59), tzinfo=TZ)


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return datetime.date.fromordinal(rng.randint(start.toordinal(), max(start, end).toordinal()))


def round_to(value: float, step: int) -> int:
    return max(step, int(value / step + 0.5) * step)


def nib_number(producer_id: int) -> str:
    # 13 digits, unique: the id times a number prime to 10**12 is a permutation of 0 .. 10**12 - 1.
    return f"9{(producer_id * 7_919_113) % 10**12:012d}"
