"""The flagship signals in SQL (assistance.situations.needy_flagships, full_situation_expression) give
the same answer as reading every flagship's reasons (flagship_help_signals), on varied data around
every threshold: the counts, the filtered lists and the dashboard's help per situation rely on it."""

import datetime
import random

import pytest
from django.utils import timezone

from assistance import situations
from assistance.models import HelpFlag, MentoringVisit, OutcomeRecord, Situation
from assistance.situations import (
    FLAGSHIP,
    AreaSituations,
    flagship_help_signals,
    full_situation_expression,
    needy_flagships,
    situation_of,
    with_base_situation,
)
from products.models import ASSESSMENT_VALID_MONTHS, Assessment, Designation, LegalityDocument, add_months
from tests.factories import (
    DesignationFactory,
    ProductFactory,
    UserFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

REGENCY = "36.04."  # every village of the regency: a few hundred flagships
# Days around the edges: month ends (add_months rounding), quarter starts and ends, a leap day.
DAYS = [
    datetime.date(2027, 6, 15),
    datetime.date(2027, 3, 31),
    datetime.date(2027, 4, 1),
    datetime.date(2028, 2, 29),
    datetime.date(2027, 2, 28),
    datetime.date(2027, 12, 31),
]
# (OVOP_DECLINE_QUARTERS, OVOP_OUTCOME_SILENCE_QUARTERS)
THRESHOLDS = [(2, 2), (1, 1), (3, 2), (1, 3)]
MENTORING_DAYS = 90


def _near(rng: random.Random, day: datetime.date, spread: int) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(-spread, spread))


def _quarters_back(day: datetime.date, back: int) -> tuple[int, int]:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return index // 4, index % 4 + 1


def _figures(product, user, on: datetime.date, values: dict[int, tuple[int, int]]) -> list[OutcomeRecord]:
    """Outcome records of `product` for the quarters `back` quarters before `on`'s: (turnover, volume)."""
    records = []
    for back, (turnover, volume) in values.items():
        year, quarter = _quarters_back(on, back)
        records.append(
            OutcomeRecord(
                product=product,
                year=year,
                quarter=quarter,
                turnover=turnover,
                production_volume=volume,
                volume_unit="buah",
                workers=3,
                markets_reached=1,
                recorded_by=user,
            )
        )
    return records


SIGNALS = ["flag", "assessment", "document", "visit", "silence", "decline", "decline"]


def build_varied_flagships(seed: int) -> None:
    """A flagship in most villages of the regency, each healthy on one of DAYS but for one or two
    signals placed a day either side of their threshold; the other villages proposed, with products,
    or empty. Days and thresholds other than the flagship's own vary the picture further."""
    rng = random.Random(seed)
    user = UserFactory()
    villages = list(Village.objects.filter(code__startswith=REGENCY).order_by("code"))
    flags, assessments, documents, visits, outcomes = [], [], [], [], []
    for village in villages:
        roll = rng.random()
        if roll < 0.06:
            continue  # no product
        if roll < 0.12:
            DesignationFactory(product=ProductFactory(village=village))  # proposed
            continue
        if roll < 0.15:
            ProductFactory(village=village)
            continue
        on = rng.choice(DAYS)
        product = ProductFactory(village=village)
        designation = DesignationFactory(product=product, approved=True)
        decree = on - datetime.timedelta(days=400)
        assessed = on - datetime.timedelta(days=300)
        visited = on - datetime.timedelta(days=10)
        figures = dict.fromkeys(range(9, 0, -1), (1000, 100))  # up to the last finished quarter
        for signal in rng.sample(SIGNALS, rng.choice([1, 1, 2])):
            edge = rng.choice([-1, 0, 1])
            if signal == "flag":
                cleared = rng.random() < 0.5
                flags.append(
                    HelpFlag(
                        village=village,
                        reason="Cek",
                        raised_by=user,
                        raised_at=timezone.now(),
                        cleared_at=timezone.now() if cleared else None,
                        cleared_by=user if cleared else None,
                        clearing_note="Beres" if cleared else "",
                    )
                )
            elif signal == "assessment":
                assessed = add_months(on, -ASSESSMENT_VALID_MONTHS) + datetime.timedelta(days=edge)
                if rng.random() < 0.3:  # an older one too: only the latest counts
                    assessments.append(
                        Assessment(
                            product=product,
                            assessed_on=assessed - datetime.timedelta(days=30 * rng.choice([1, -1])),
                            assessor=user,
                            total_points=80,
                            max_points=100,
                            stars=4,
                        )
                    )
            elif signal == "document":
                kind = rng.choice([LegalityDocument.Kind.SPP_IRT, LegalityDocument.Kind.BPOM_MD])
                for number, expires in enumerate(
                    [on + datetime.timedelta(days=edge)]
                    + ([None] if rng.random() < 0.3 else [])
                    + ([on + datetime.timedelta(days=rng.choice([-5, 5]))] if rng.random() < 0.3 else [])
                ):
                    documents.append(
                        LegalityDocument(
                            product=product,
                            kind=kind if number or rng.random() < 0.7 else LegalityDocument.Kind.SNI,
                            number=f"D-{village.code}-{number}",
                            issued_on=datetime.date(2020, 1, 1),
                            expires_on=expires,
                        )
                    )
            elif signal == "visit":
                if rng.random() < 0.5:
                    visited = on - datetime.timedelta(days=MENTORING_DAYS + edge)
                else:  # never visited: due the mentoring period after the decree
                    visited = None
                    decree = on - datetime.timedelta(days=MENTORING_DAYS + edge)
            elif signal == "silence":
                for back in range(1, rng.randint(1, 5)):
                    figures.pop(back, None)
                if rng.random() < 0.6:  # designated a day either side of a recent quarter's start
                    year, quarter = _quarters_back(on, rng.randint(0, 4))
                    decree = datetime.date(year, quarter * 3 - 2, 1) + datetime.timedelta(days=edge)
                if rng.random() < 0.2:
                    figures = {}
            else:  # decline: the last quarters falling, sometimes with a gap, a level step or a later one
                run = rng.randint(0, 4)
                field = rng.choice([0, 1])
                for back in [b for b in range(run + 1, 0, -1) if b in figures]:
                    values = list(figures[back])
                    values[field] = (
                        1000 - 100 * (run + 1 - back) if field == 0 else 100 - 10 * (run + 1 - back)
                    )
                    figures[back] = tuple(values)
                if rng.random() < 0.2:
                    figures.pop(rng.randint(1, run + 1), None)
                if rng.random() < 0.2:
                    figures[rng.randint(1, run + 1)] = (5000, 500)
                if rng.random() < 0.2:
                    figures[0] = (1, 1)  # this quarter, not finished
        Designation.objects.filter(pk=designation.pk).update(decree_date=decree)
        assessments.append(
            Assessment(
                product=product, assessed_on=assessed, assessor=user, total_points=80, max_points=100, stars=4
            )
        )
        if visited:
            visits.append(MentoringVisit(product=product, visited_on=visited, officer=user, findings="ok"))
        outcomes.extend(_figures(product, user, on, figures))
    HelpFlag.objects.bulk_create(flags)
    Assessment.objects.bulk_create(assessments)
    LegalityDocument.objects.bulk_create(documents)
    MentoringVisit.objects.bulk_create(visits)
    OutcomeRecord.objects.bulk_create(outcomes)


def read_one_by_one(villages, on: datetime.date) -> dict[str, str]:
    """Each village's situation as it was computed before: every flagship's reasons read in Python."""
    signals = flagship_help_signals(villages, on)
    return {v.pk: situation_of(v.base_situation, signals.get(v.pk)) for v in with_base_situation(villages)}


@pytest.mark.parametrize("seed", [1])
def test_the_sql_signals_match_the_reasons_read_one_by_one(settings, seed):
    settings.OVOP_MENTORING_DAYS = MENTORING_DAYS
    build_varied_flagships(seed)
    villages = Village.objects.filter(code__startswith=REGENCY)
    compared = 0
    for decline, silence in THRESHOLDS:
        settings.OVOP_DECLINE_QUARTERS = decline
        settings.OVOP_OUTCOME_SILENCE_QUARTERS = silence
        for on in DAYS:
            expected = read_one_by_one(villages, on)
            needy = {code for code, situation in expected.items() if situation == Situation.NEEDS_HELP}
            thriving = {code for code, situation in expected.items() if situation == Situation.THRIVING}

            assert set(needy_flagships(on).values_list("village_id", flat=True)) == needy, (
                on,
                decline,
                silence,
            )
            in_sql = dict(villages.annotate(s=full_situation_expression(on)).values_list("code", "s"))
            assert in_sql == expected, (on, decline, silence)

            area = AreaSituations(villages, on)
            counts = area.counts()
            for situation in Situation.values:
                assert counts["total"][situation] == sum(1 for s in expected.values() if s == situation)
            assert {v.code for v in area.filtered(Situation.NEEDS_HELP)} == needy
            assert {v.code for v in area.filtered(Situation.THRIVING)} == thriving
            compared += bool(needy) and bool(thriving)
    # The data is varied enough to tell the two apart: both situations occur on most days.
    assert compared >= len(THRESHOLDS) * len(DAYS) // 2


def use_the_usual_rule(settings) -> None:
    settings.OVOP_MENTORING_DAYS = MENTORING_DAYS
    settings.OVOP_DECLINE_QUARTERS = 2
    settings.OVOP_OUTCOME_SILENCE_QUARTERS = 2


def test_the_reasons_shown_are_those_read_one_by_one(settings):
    """A page's villages get the same reasons as when the whole area's signals were read."""
    use_the_usual_rule(settings)
    build_varied_flagships(3)
    villages = Village.objects.filter(code__startswith=REGENCY)
    on = DAYS[0]
    everyone = flagship_help_signals(villages, on)
    area = AreaSituations(villages, on)
    page = area.describe(area.filtered(Situation.NEEDS_HELP)[:7])
    assert page
    for village in page:
        assert village.situation == Situation.NEEDS_HELP
        assert village.reasons == everyone[village.code].reasons
    assert all(v.base_situation == FLAGSHIP for v in page)


def test_the_needy_rule_is_compiled_once_per_day_and_rule_and_follows_both(settings):
    """needy_flagships' SQL is compiled once per day and rule in a process (it took longer to build
    than to run); a changed setting or another day compiles it afresh, never answers with the old."""
    use_the_usual_rule(settings)
    build_varied_flagships(5)
    villages = Village.objects.filter(code__startswith=REGENCY)
    on = DAYS[0]
    situations._needy_villages_sql.cache_clear()

    area = AreaSituations(villages, on)
    first = area.counts()["total"]
    assert {v.code for v in area.filtered(Situation.NEEDS_HELP)} == {
        code for code, s in read_one_by_one(villages, on).items() if s == Situation.NEEDS_HELP
    }
    assert AreaSituations(villages, on).counts()["total"] == first
    assert situations._needy_villages_sql.cache_info().misses == 1

    # Visits are due only after ten years: fewer flagships need help, as read one by one.
    settings.OVOP_MENTORING_DAYS = 3650
    expected = read_one_by_one(villages, on)
    relaxed = AreaSituations(villages, on).counts()["total"]
    assert relaxed[Situation.NEEDS_HELP] == sum(1 for s in expected.values() if s == Situation.NEEDS_HELP)
    assert relaxed[Situation.NEEDS_HELP] < first[Situation.NEEDS_HELP]

    later = on + datetime.timedelta(days=400)
    expected = read_one_by_one(villages, later)
    assert AreaSituations(villages, later).counts()["total"][Situation.NEEDS_HELP] == sum(
        1 for s in expected.values() if s == Situation.NEEDS_HELP
    )
    assert situations._needy_villages_sql.cache_info().misses == 3
