"""Every village's situation in the programme, and why: the one place the rule lives (issue 15).

A village is in exactly one situation (assistance.models.Situation):

- none: no product and no potential exploration yet;
- explored: an exploration recorded, no product yet;
- has_products: products registered, none proposed;
- proposed: an open proposal, no approved flagship;
- thriving: an approved flagship and no sign that it needs help;
- needs_help: an approved flagship with a sign that it needs help (`flagship_help_signals`): turnover
  or production volume falling over OVOP_DECLINE_QUARTERS consecutive quarters, no outcome figures for
  OVOP_OUTCOME_SILENCE_QUARTERS quarters, an expired legality document of the product, its latest
  assessment's stars expired, no mentoring visit within OVOP_MENTORING_DAYS, or an official's open flag.

The first five follow from SQL (one annotation, `situation_expression`), and so does whether a
flagship needs help (`needy_flagships`, the same rule as `flagship_help_signals`): counting an area's
situations is one grouped query and a filtered list one query, whatever the number of villages. The
reasons themselves (`flagship_help_signals`, four queries) are read only for the villages a page shows.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import prepared
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    Assessment,
    Designation,
    LegalityDocument,
    Product,
    add_months,
    expired_q,
)
from products.selectors import SUMMARY_LEVELS
from villages.models import Village, service_area

from .models import Delivery, HelpFlag, OutcomeRecord, Situation, SituationHelp
from .models.exploration import Exploration
from .selectors import flagships_without_recent_visit

# The situations SQL can tell apart; a village with an approved flagship is "flagship" there, and
# becomes thriving or needs_help once its signals are read.
FLAGSHIP = "flagship"


def situation_expression(village: str = "pk") -> models.Case:
    """The village's situation before the flagship signals: none, explored, has_products, proposed,
    or FLAGSHIP. `village` names the village in the outer query ("pk" on villages, "village" on a
    model with a village). A designation counts only while its product is in the village, as in
    products.selectors.with_ovop_status."""
    ref = OuterRef(village)
    approved = Designation.objects.filter(
        village=ref, product__village=ref, status=Designation.Status.APPROVED
    )
    proposed = Designation.objects.filter(
        village=ref, product__village=ref, status=Designation.Status.PROPOSED
    )
    return models.Case(
        models.When(Exists(approved), then=models.Value(FLAGSHIP)),
        models.When(Exists(proposed), then=models.Value(Situation.PROPOSED.value)),
        models.When(
            Exists(Product.objects.filter(village=ref)), then=models.Value(Situation.HAS_PRODUCTS.value)
        ),
        models.When(
            Exists(Exploration.objects.filter(village=ref)), then=models.Value(Situation.EXPLORED.value)
        ),
        default=models.Value(Situation.NONE.value),
        output_field=models.CharField(),
    )


def with_base_situation(villages: models.QuerySet) -> models.QuerySet:
    """`base_situation` on each village (one of Situation's first four values, or FLAGSHIP)."""
    return villages.annotate(base_situation=situation_expression())


def for_situation_list(villages: models.QuerySet) -> models.QuerySet:
    """What a list of villages shows about each one's situation, in the list's own query: the
    flagship, the proposed product, how many products, the latest exploration."""
    approved = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.APPROVED
    )
    proposed = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.PROPOSED
    ).order_by("-pk")
    products = Product.objects.filter(village=OuterRef("pk")).order_by().values("village")
    explorations = Exploration.objects.filter(village=OuterRef("pk")).order_by("-explored_on", "-pk")
    return (
        with_base_situation(villages)
        .select_related("district")
        .annotate(
            flagship_name=Subquery(approved.values("product__name")[:1]),
            proposed_name=Subquery(proposed.values("product__name")[:1]),
            product_count=models.functions.Coalesce(
                Subquery(products.annotate(n=models.Count("pk")).values("n")[:1]), 0
            ),
            last_explored_on=Subquery(explorations.values("explored_on")[:1]),
        )
    )


# --- the flagship signals ------------------------------------------------------------------------------


def _quarter_index(year: int, quarter: int) -> int:
    return year * 4 + quarter - 1


def _quarter_of(day: datetime.date) -> int:
    return _quarter_index(day.year, (day.month - 1) // 3 + 1)


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _decline_reasons(records: list[tuple[int, int, int]], quarters: int) -> list[str]:
    """Reasons for falling figures: the latest records (quarter index, turnover, volume), newest last,
    each lower than the one of the quarter before, `quarters` times or more in a row."""
    reasons = []
    for position, label in ((1, _("Omzet")), (2, _("Volume produksi"))):
        run = 0
        for newer, older in zip(reversed(records), list(reversed(records))[1:], strict=False):
            if newer[0] - older[0] != 1 or newer[position] >= older[position]:
                break
            run += 1
        if run >= quarters:
            reasons.append(
                ngettext(
                    "%(what)s turun %(n)s triwulan berturut-turut",
                    "%(what)s turun %(n)s triwulan berturut-turut",
                    run,
                )
                % {"what": label, "n": run}
            )
    return reasons


@dataclass
class FlagshipSignals:
    """A flagship village's signs of needing help (empty: it is doing well)."""

    product_name: str
    district: str
    reasons: list[str] = field(default_factory=list)


def flagship_help_signals(
    villages: models.QuerySet, on: datetime.date | None = None, *, codes: list | None = None
) -> dict[str, FlagshipSignals]:
    """For every village of `villages` with an approved flagship: its flagship and the reasons it
    needs help. Four queries whatever the number of villages: the flagships (with the latest
    assessment and the open flag), their expired documents, those overdue a mentoring visit
    (assistance.selectors.flagships_without_recent_visit), and their recent outcome figures.
    `codes`: the villages' codes when `villages` is exactly those villages; the four queries are then
    built and compiled once per number of villages or products and day (core.prepared, the codes and
    ids given as Params)."""
    on = on or timezone.localdate()
    keep = codes is not None

    def read(part: str, count: int, build, values: dict) -> list:
        if not keep:
            return list(build())
        return prepared.rows(("assistance.flagship_signals", part, count, on, needy_rule()), build, **values)

    village_values = prepared.in_values("village", codes or ())
    within = (
        prepared.in_list("village", len(village_values), prepared.TEXT)
        if keep
        else villages.order_by().values("pk")
    )

    decline = settings.OVOP_DECLINE_QUARTERS
    silence = settings.OVOP_OUTCOME_SILENCE_QUARTERS
    latest_assessment = Assessment.objects.filter(product=OuterRef("product")).order_by("-assessed_on", "-pk")
    open_flag = HelpFlag.objects.filter(village=OuterRef("village"), cleared_at__isnull=True)
    flagships = read(
        "flagships",
        len(village_values),
        lambda: (
            Designation.objects.approved()
            .in_product_village()
            .filter(**{"village__code__in" if keep else "village__in": within})
            .annotate(
                last_assessed_on=Subquery(latest_assessment.values("assessed_on")[:1]),
                flag_reason=Subquery(open_flag.values("reason")[:1]),
            )
            .values(
                "village_id",
                "village__district_id",
                "product_id",
                "product__name",
                "decree_date",
                "decided_at",
                "last_assessed_on",
                "flag_reason",
            )
        ),
        village_values,
    )
    signals: dict[str, FlagshipSignals] = {}
    village_of: dict[int, str] = {}
    designated_quarter: dict[int, int] = {}
    for row in flagships:
        village_of[row["product_id"]] = row["village_id"]
        entry = signals[row["village_id"]] = FlagshipSignals(
            row["product__name"], row["village__district_id"]
        )
        if row["flag_reason"]:
            entry.reasons.append(_("Ditandai oleh petugas: %(reason)s") % {"reason": row["flag_reason"]})
        if row["last_assessed_on"]:
            valid_until = add_months(row["last_assessed_on"], ASSESSMENT_VALID_MONTHS)
            if on >= valid_until:
                entry.reasons.append(
                    _("Bintang penilaian kedaluwarsa sejak %(day)s") % {"day": _day(valid_until)}
                )
        designated = row["decree_date"] or (row["decided_at"] and timezone.localdate(row["decided_at"])) or on
        designated_quarter[row["product_id"]] = _quarter_of(designated)
    if not flagships:
        return signals
    product_ids = [row["product_id"] for row in flagships]
    product_values = prepared.in_values("product", product_ids)
    count = len(product_ids)

    def products() -> models.QuerySet:
        chosen = prepared.in_list("product", count, prepared.INTEGER) if keep else product_ids
        return Product.objects.filter(pk__in=chosen)

    # Expired documents, unless a valid one of the same kind replaced them.
    renewed = LegalityDocument.objects.valid(on).filter(product=OuterRef("product"), kind=OuterRef("kind"))
    expired = read(
        "expired",
        count,
        lambda: (
            LegalityDocument.objects.filter(expired_q(on), product__in=products().values("pk"))
            .exclude(Exists(renewed))
            .order_by("expires_on", "pk")
            .values_list("product_id", "kind", "expires_on")
        ),
        product_values,
    )
    kinds = dict(LegalityDocument.Kind.choices)
    for product_id, kind, expires_on in expired:
        signals[village_of[product_id]].reasons.append(
            _("Izin %(kind)s kedaluwarsa %(day)s") % {"kind": kinds.get(kind, kind), "day": _day(expires_on)}
        )

    for product in read(
        "unvisited",
        count,
        lambda: flagships_without_recent_visit(products(), settings.OVOP_MENTORING_DAYS, on=on),
        product_values,
    ):
        last = getattr(product, "last_visit", None)
        signals[village_of[product.pk]].reasons.append(
            _("Belum ada kunjungan pendampingan sejak %(day)s") % {"day": _day(last)}
            if last
            else _("Belum pernah dikunjungi pendamping sejak ditetapkan")
        )

    # Outcome figures of the quarters that can still matter: enough for a decline that ends within
    # the silence window.
    this_quarter = _quarter_of(on)
    first = this_quarter - silence - decline - 1
    figures: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for product_id, year, quarter, turnover, volume in read(
        "outcomes",
        count,
        lambda: (
            OutcomeRecord.objects.filter(product__in=products().values("pk"))
            .filter(Q(year__gt=first // 4) | Q(year=first // 4, quarter__gte=first % 4 + 1))
            .order_by("product_id", "year", "quarter")
            .values_list("product_id", "year", "quarter", "turnover", "production_volume")
        ),
        product_values,
    ):
        figures[product_id].append((_quarter_index(year, quarter), turnover, volume))
    for product_id, village_id in village_of.items():
        records = figures.get(product_id, [])
        latest = records[-1][0] if records else None
        # Quarters finished since the later of the last figures and the designation's quarter.
        quiet_since = max(latest if latest is not None else -1, designated_quarter[product_id] - 1)
        quiet = this_quarter - 1 - quiet_since
        if quiet >= silence:
            signals[village_id].reasons.append(
                ngettext(
                    "Tidak ada data capaian selama %(n)s triwulan",
                    "Tidak ada data capaian selama %(n)s triwulan",
                    quiet,
                )
                % {"n": quiet}
            )
        signals[village_id].reasons.extend(_decline_reasons(records, decline))
    return signals


# --- the same signals in SQL, to count and filter without reading them ---------------------------------


def _quarter_start(index: int) -> datetime.date:
    return datetime.date(index // 4, index % 4 * 3 + 1, 1)


def _last_expired_assessment_day(on: datetime.date) -> datetime.date:
    """The latest assessment day whose stars have expired on `on` (add_months(day, valid) <= on).
    add_months never decreases as the day grows, so the days that have expired are those up to this
    one; computed here so that the month-end rounding of add_months holds in SQL too."""
    day = add_months(on, -ASSESSMENT_VALID_MONTHS)
    while add_months(day, ASSESSMENT_VALID_MONTHS) > on:
        day -= datetime.timedelta(days=1)
    while add_months(day + datetime.timedelta(days=1), ASSESSMENT_VALID_MONTHS) <= on:
        day += datetime.timedelta(days=1)
    return day


def needy_flagships(
    on: datetime.date | None = None, villages: models.QuerySet | None = None
) -> models.QuerySet:
    """The approved flagships (designations in their product's village) with at least one sign of
    needing help on `on`: the rule of flagship_help_signals, as one SQL condition, so that an area's
    villages are counted and filtered by it without reading every flagship's reasons
    (tests/assistance/test_situation_figures.py compares the two on varied data). Only those of
    `villages` when given (a Village queryset), so that an area pays for its own flagships only."""
    on = on or timezone.localdate()
    decline = settings.OVOP_DECLINE_QUARTERS
    silence = settings.OVOP_OUTCOME_SILENCE_QUARTERS
    this_quarter = _quarter_of(on)
    product = OuterRef("product")

    open_flag = HelpFlag.objects.filter(village=OuterRef("village"), cleared_at__isnull=True)
    latest_assessment = Assessment.objects.filter(product=product).order_by("-assessed_on", "-pk")
    renewed = LegalityDocument.objects.valid(on).filter(product=OuterRef("product"), kind=OuterRef("kind"))
    expired = LegalityDocument.objects.filter(expired_q(on), product=product).exclude(Exists(renewed))
    overdue = flagships_without_recent_visit(Product.objects.all(), settings.OVOP_MENTORING_DAYS, on=on)

    # Silent: no figures after the quarter `silence` quarters before the last finished one, and
    # designated no later than the quarter after it (flagship_help_signals' `quiet >= silence`).
    quiet_from = this_quarter - silence
    recent_figures = OutcomeRecord.objects.filter(product=product).filter(
        Q(year__gt=quiet_from // 4) | Q(year=quiet_from // 4, quarter__gte=quiet_from % 4 + 1)
    )
    designated = Coalesce("decree_date", TruncDate("decided_at"), Value(on), output_field=models.DateField())

    # Falling: the latest figures' quarter and the `decline` quarters before it each lower than the
    # one before, all within the quarters flagship_help_signals reads (from `first` on).
    first = this_quarter - silence - decline - 1
    records = OutcomeRecord.objects.annotate(index=F("year") * 4 + F("quarter") - 1).filter(product=product)
    latest = records.order_by("-year", "-quarter").values("index")[:1]

    def figure(back: int, name: str) -> Subquery:
        return Subquery(records.filter(index=OuterRef("latest_quarter") - back).values(name)[:1])

    figures = {
        f"{name}_{back}": figure(back, name)
        for name in ("turnover", "production_volume")
        for back in range(decline + 1)
    }

    def falling(name: str) -> Q:
        return Q(latest_quarter__gte=first + decline) & Q(
            *(Q(**{f"{name}_{back}__gt": F(f"{name}_{back - 1}")}) for back in range(1, decline + 1))
        )

    flagships = Designation.objects.approved().in_product_village()
    if villages is not None:
        flagships = flagships.filter(village__in=villages.order_by().values("pk"))
    return flagships.annotate(
        designated_day=designated,
        last_assessed_on=Subquery(latest_assessment.values("assessed_on")[:1]),
        latest_quarter=Subquery(latest),
        **figures,
    ).filter(
        Exists(open_flag)
        | Q(last_assessed_on__lte=_last_expired_assessment_day(on))
        | Exists(expired)
        | Exists(overdue.filter(pk=product))
        | (~Exists(recent_figures) & Q(designated_day__lt=_quarter_start(quiet_from + 1)))
        | falling("turnover")
        | falling("production_volume")
    )


@functools.lru_cache(maxsize=32)
def _needy_villages_sql(alias: str, on: datetime.date, rule: tuple) -> tuple[str, tuple]:
    """needy_flagships(on)'s villages as SQL and its parameters, compiled once per database, day and
    rule (`rule`: needy_rule()) in each process: building and compiling the signals' dozen
    subqueries cost 20-50 ms of Python on every page that counts or filters situations, several times
    what the database then spends on a regency's villages."""
    query = needy_flagships(on).order_by().values("village_id").query
    sql, params = query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)


def needy_rule() -> tuple:
    """What needy_flagships' SQL depends on besides the day and the database: the settings it reads and
    the time zone TruncDate converts in."""
    return (
        settings.OVOP_DECLINE_QUARTERS,
        settings.OVOP_OUTCOME_SILENCE_QUARTERS,
        settings.OVOP_MENTORING_DAYS,
        ASSESSMENT_VALID_MONTHS,
        timezone.get_current_timezone_name(),
    )


class NeedyVillage(models.Expression):
    """Whether the village column `village` (of the query this is used in) is one of needy_flagships'
    villages on `on`, in SQL compiled ahead (_needy_villages_sql). `per_village`: looked up in them per
    village (EXISTS), else the needy villages read once (IN)."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, village: str, on: datetime.date, per_village: bool):
        super().__init__()
        self.village = F(village)
        self.on = on
        self.per_village = per_village

    def get_source_expressions(self) -> list:
        return [self.village]

    def set_source_expressions(self, expressions: list) -> None:
        (self.village,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        sql, params = _needy_villages_sql(connection.alias, self.on, needy_rule())
        column, column_params = compiler.compile(self.village)
        if self.per_village:
            needy = connection.ops.quote_name("needy")
            village_id = connection.ops.quote_name("village_id")
            return (
                # Only SQL Django compiled and quoted names; the values travel as parameters.
                f"EXISTS (SELECT 1 FROM ({sql}) {needy} WHERE {needy}.{village_id} = {column})",  # noqa: S608
                (*params, *column_params),
            )
        return f"{column} IN ({sql})", (*column_params, *params)


def needs_help_expression(
    on: datetime.date | None = None, village: str = "pk", villages: models.QuerySet | None = None
) -> Q:
    """Whether the village (named as in situation_expression; one of `villages` when given) has a
    flagship needing help. Not correlated: the database reads the area's needy flagships once and
    looks each village up in them, instead of testing every signal once per village."""
    # An area within the country: each of its villages looked up by its own index; joined to the area
    # instead, the planner (which cannot guess how many flagships the signals keep) may compare each
    # flagship with each village.
    per_village = villages is not None and bool(villages.query.where)
    return Q(NeedyVillage(village, on or timezone.localdate(), per_village))


def full_situation_expression(
    on: datetime.date | None = None, village: str = "pk", villages: models.QuerySet | None = None
) -> models.Case:
    """The village's situation, one of Situation's values, in SQL (situation_expression, with a
    flagship told apart as needing help or thriving by needy_flagships; `villages`: as there)."""
    return models.Case(
        models.When(
            needs_help_expression(on, village, villages), then=models.Value(Situation.NEEDS_HELP.value)
        ),
        models.When(
            Exists(
                Designation.objects.approved().filter(
                    village=OuterRef(village), product__village=OuterRef(village)
                )
            ),
            then=models.Value(Situation.THRIVING.value),
        ),
        default=situation_expression(village),
        output_field=models.CharField(),
    )


# --- the situations of an area -------------------------------------------------------------------------


def situation_of(base: str, signals: FlagshipSignals | None) -> str:
    if base != FLAGSHIP:
        return base
    return Situation.NEEDS_HELP if signals is not None and signals.reasons else Situation.THRIVING


def reasons_for(village: Village, situation: str, signals: FlagshipSignals | None) -> list[str]:
    """Why the village (annotated by for_situation_list) is in its situation."""
    if situation == Situation.NONE:
        return [_("Belum ada produk terdaftar dan belum ada penggalian potensi")]
    if situation == Situation.EXPLORED:
        return [
            _("Potensi digali pada %(day)s; belum ada produk terdaftar")
            % {"day": _day(village.last_explored_on)}
        ]
    if situation == Situation.HAS_PRODUCTS:
        return [
            ngettext(
                "%(n)s produk terdaftar, belum ada yang diusulkan",
                "%(n)s produk terdaftar, belum ada yang diusulkan",
                village.product_count,
            )
            % {"n": village.product_count}
        ]
    if situation == Situation.PROPOSED:
        return [_("Diusulkan sebagai produk unggulan: %(product)s") % {"product": village.proposed_name}]
    if situation == Situation.THRIVING:
        return [
            _("Produk unggulan %(product)s tanpa tanda perlu bantuan") % {"product": village.flagship_name}
        ]
    return list(signals.reasons) if signals else []


class AreaSituations:
    """The situations of an area's villages (a Village queryset) for a page: the counts (one grouped
    query, the flagship signals in SQL), the filtered list, and for the villages a page shows, their
    reasons (the flagship signals of those villages only, four queries) and the help each situation
    calls for (one)."""

    def __init__(
        self, villages: models.QuerySet, on: datetime.date | None = None, *, key: tuple | None = None
    ):
        self.villages = villages
        self.on = on or timezone.localdate()
        # What `villages` depends on (an official's scope), when its counts may be built and compiled
        # once per key and day (core.prepared).
        self.key = key
        # The flagship signals of the villages placed so far (read_signals), by village code.
        self.signals: dict[str, FlagshipSignals] = {}
        self._help: dict[str, list[SituationHelp]] | None = None

    def prepared_key(self, *name) -> tuple:
        """A core.prepared key for a query of these villages: `name`, then the day, the rule of the
        signals (needy_rule) and what the villages depend on (`key`)."""
        return ("assistance.area_situations", *name, self.on, needy_rule(), *self.key)

    def read_signals(self, villages: list[Village]) -> None:
        """Read the flagship signals of those of `villages` (annotated by with_base_situation) with an
        approved flagship, unless already read: four queries, none if there is no such village."""
        codes = [v.pk for v in villages if v.base_situation == FLAGSHIP and v.pk not in self.signals]
        if codes:
            self.signals.update(
                flagship_help_signals(
                    Village.objects.filter(pk__in=codes), self.on, codes=codes if self.key else None
                )
            )

    def counts(self, level: str = "district") -> dict:
        """Villages per situation, overall and per area of the level (kecamatan unless told otherwise;
        regencies or provinces for a province or the whole country), in one grouped query."""
        code, name = SUMMARY_LEVELS[level]

        def grouped() -> models.QuerySet:
            return (
                self.villages.annotate(situation=full_situation_expression(self.on, villages=self.villages))
                .order_by()
                .values(code, name, "situation")
                .annotate(n=models.Count("pk"))
            )

        rows = grouped() if self.key is None else prepared.rows(self.prepared_key("counts", level), grouped)
        total = dict.fromkeys(Situation.values, 0)
        districts: dict[str, dict] = {}
        for row in rows:
            entry = districts.setdefault(
                row[code],
                {"code": row[code], "name": row[name], **dict.fromkeys(Situation.values, 0)},
            )
            entry[row["situation"]] += row["n"]
        for entry in districts.values():
            entry["all"] = sum(entry[s] for s in Situation.values)
            for situation in Situation.values:
                total[situation] += entry[situation]
        total["all"] = sum(total[s] for s in Situation.values)
        return {"total": total, "districts": sorted(districts.values(), key=lambda d: d["name"])}

    def filtered(self, situation: str = "", district: str = "", *, lean: bool = False) -> models.QuerySet:
        """The area's villages in a situation (all if none is given) and kecamatan, for a list. `lean`:
        with only what the filter and the order read (for a page's keys: the page's rows are then read
        by `for_situation_list`, so that a country's villages are not each described to be sorted)."""
        villages = with_base_situation(self.villages) if lean else for_situation_list(self.villages)
        # The area's kecamatan named to the planner as well (the same rows): ordered by kecamatan name,
        # it otherwise walked the country's kecamatan by name in search of the area's (32 ms → 18 ms
        # for a regency's needy villages).
        villages = villages.filter(service_area("district__code"))
        if district:
            villages = villages.filter(district_id=district)
        # Through a CASE, not a plain IN: the database then reads the area's needy flagships once into
        # a hash, where a semi-join planned on a guessed row count compared every pair (minutes
        # nationally).
        needy = models.Case(
            models.When(needs_help_expression(self.on, villages=self.villages), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )
        if situation == Situation.NEEDS_HELP:
            villages = villages.alias(needy=needy).filter(needy=True)
        elif situation == Situation.THRIVING:
            villages = villages.alias(needy=needy).filter(base_situation=FLAGSHIP, needy=False)
        elif situation in Situation.values:
            villages = villages.filter(base_situation=situation)
        return villages.order_by("district__name", "name", "code")

    def help_by_situation(self) -> dict[str, list[SituationHelp]]:
        if self._help is None:
            self._help = defaultdict(list)
            for row in prepared.rows(
                ("assistance.situation_help",), lambda: SituationHelp.objects.order_by("situation", "kind")
            ):
                self._help[row.situation].append(row)
        return self._help

    def describe(self, villages, with_deliveries: bool = True) -> list[Village]:
        """Set `situation`, `situation_label`, `reasons` and `help` on each village (annotated by
        for_situation_list), and with `with_deliveries` what each received (one query for all)."""
        villages = list(villages)
        self.read_signals(villages)
        help_rows = self.help_by_situation()
        received: dict[str, list[Delivery]] = defaultdict(list)
        if with_deliveries and villages:
            codes = [v.pk for v in villages]
            keep = self.key is not None

            def deliveries() -> models.QuerySet:
                within = prepared.in_list("village", len(codes), prepared.TEXT) if keep else codes
                return (
                    Delivery.objects.filter(**{"village__code__in" if keep else "village__in": within})
                    .exclude(status=Delivery.Status.CANCELLED)
                    .select_related("programme", "product")
                    .order_by("-delivered_on", "-pk")
                )

            rows = (
                prepared.rows(
                    self.prepared_key("received", len(codes)),
                    deliveries,
                    **prepared.in_values("village", codes),
                )
                if keep
                else deliveries()
            )
            for delivery in rows:
                received[delivery.village_id].append(delivery)
        # Each kind's label translated once (get_kind_display() translates every choice at each call).
        kinds = {row.kind: row.get_kind_display() for rows in help_rows.values() for row in rows}
        for village in villages:
            self.place(village)
            village.received = received.get(village.pk, [])
            delivered = {}
            for delivery in village.received:
                if delivery.status == Delivery.Status.DELIVERED:
                    delivered.setdefault(delivery.programme.kind, delivery.delivered_on)
            village.help = [
                {"kind": kinds[row.kind], "note": row.note, "last_received": delivered.get(row.kind)}
                for row in help_rows.get(village.situation, [])
            ]
        return villages

    def place(self, village: Village) -> None:
        """Set `situation`, `situation_label` and `reasons` (no query once read_signals has read the
        village's flagship signals, which it does here otherwise)."""
        self.read_signals([village])
        signals = self.signals.get(village.pk)
        village.situation = situation_of(village.base_situation, signals)
        village.situation_label = Situation(village.situation).label
        village.reasons = reasons_for(village, village.situation, signals)


def village_situation(village: Village, on: datetime.date | None = None) -> Village:
    """One village with its situation, reasons, its open flag (`open_flag_*`, None when it has none),
    and the help its situation calls for with the day each kind was last delivered to the village.
    Two queries, six for a flagship village."""
    villages = Village.objects.filter(pk=village.pk)
    area = AreaSituations(villages, on)  # the flagship's signals are read by place(), if it has one
    open_flag = HelpFlag.objects.filter(village=OuterRef("pk"), cleared_at__isnull=True)
    row = (
        for_situation_list(villages)
        .annotate(
            open_flag_reason=Subquery(open_flag.values("reason")[:1]),
            open_flag_raised_at=Subquery(open_flag.values("raised_at")[:1]),
            open_flag_raised_by=Subquery(open_flag.values("raised_by__username")[:1]),
        )
        .get()
    )
    area.place(row)
    delivered = Delivery.objects.filter(
        village=village.pk, programme__kind=OuterRef("kind"), status=Delivery.Status.DELIVERED
    ).order_by("-delivered_on", "-pk")
    row.help = [
        {"kind": entry.get_kind_display(), "note": entry.note, "last_received": entry.last_received}
        for entry in SituationHelp.objects.filter(situation=row.situation)
        .annotate(last_received=Subquery(delivered.values("delivered_on")[:1]))
        .order_by("kind")
    ]
    return row


def village_situation_context(village: Village) -> dict:
    """The village page's situation part (templates/assistance/partials/_village_situation.html)."""
    return {"village_situation": village_situation(village)}
