"""Reads of assistance that pages share: the assistance parts of the officials' product and village
pages, what the public may see, the flagships due a mentoring visit, before/after figures, and a
product's or a village's story in date order (designations, deliveries, visits, assessments)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core import prepared
from core.money import format_rupiah
from core.prepared import Param
from products.models import Assessment, Designation, Product
from villages.models import Village

from .models import Delivery, MentoringVisit, OutcomeRecord, Programme

# --- mentoring and outcomes --------------------------------------------------------------------------


def _approved_flagship() -> models.QuerySet:
    """The approved designation of the outer product, with its designation `day`: the decree's date,
    else the day it was decided (Designation.decided_on)."""
    return Designation.objects.filter(product=OuterRef("pk"), status=Designation.Status.APPROVED).annotate(
        day=Coalesce("decree_date", TruncDate("decided_at"), output_field=models.DateField())
    )


def _visit_cutoff(days: int, on: datetime.date | None, ahead: int) -> datetime.date:
    # Listed when the due day (start + days) is before on + ahead, i.e. when start is before the cutoff.
    return (on or timezone.localdate()) - datetime.timedelta(days=days - ahead)


def flagships_without_recent_visit(
    products: models.QuerySet, days: int, on: datetime.date | None = None, ahead: int = 0
):
    """Flagship (approved) products due a mentoring visit: no visit in the last `days` days, and
    designated more than `days` days ago, so that a new flagship's first visit is due `days` days after
    its designation, not on its first day. The designation day is the decree's date, else the day
    it was decided (Designation.decided_on).

    In other words a flagship's visit falls due `days` days after the later of its last visit and its
    designation, and is listed once that day has passed. `ahead` also lists those falling due within
    that many days (the officials' to-do list). Annotated with `last_visit` and `designated_on`."""
    cutoff = _visit_cutoff(days, on, ahead)
    recent = MentoringVisit.objects.filter(product=OuterRef("pk"), visited_on__gte=cutoff)
    last = (
        MentoringVisit.objects.filter(product=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    flagship = _approved_flagship()
    # Designated before the cutoff, tested in the semi-join that finds the flagship (a product has at
    # most one approved designation: designation_propose refuses a flagship), not by reading each
    # flagship's day again: nationally that was 58,777 lookups before anything was sorted.
    return (
        products.filter(Exists(flagship.filter(day__lt=cutoff)))
        .exclude(Exists(recent))
        .annotate(last_visit=models.Subquery(last), designated_on=models.Subquery(flagship.values("day")[:1]))
        .select_related("village__district")
    )


def flagships_due_a_visit_sortable(products: models.QuerySet, days: int, on: datetime.date | None = None):
    """flagships_without_recent_visit (the same rows and annotations) for a list that sorts or pages
    all of them, the overdue page's: the last visit is the greatest of the product's visits, joined
    and grouped, and a product visited since the cutoff is left out by it (HAVING). Sorting every
    flagship of the country by its last visit then reads the visits once, where looking up each
    flagship's latest visit took 58,777 index probes (157 → 123 ms)."""
    cutoff = _visit_cutoff(days, on, 0)
    flagship = _approved_flagship()
    return (
        products.filter(Exists(flagship.filter(day__lt=cutoff)))
        .annotate(last_visit=models.Max("visits__visited_on"))
        .filter(models.Q(last_visit__lt=cutoff) | models.Q(last_visit__isnull=True))
        .annotate(designated_on=models.Subquery(flagship.values("day")[:1]))
        .select_related("village__district")
    )


def follow_ups_due(visits: models.QuerySet, by: datetime.date, limit: int) -> list[MentoringVisit]:
    """The first `limit` open agreed next actions due on or before `by` (overdue ones first), with what
    the to-do list shows of each: the product's or producer's village and the officer. Two queries:
    the rows are chosen first, then only they are joined. Joined before choosing (even with the
    choice as a subquery), the planner, which cannot tell how few follow-ups an area has open, read
    every product and producer of the country: 0.2 s for a regency served from national data."""
    order = ("next_action_due", "pk")
    chosen = list(visits.actions_due_by(by).order_by(*order).values_list("pk", flat=True)[:limit])
    if not chosen:
        return []
    return list(
        MentoringVisit.objects.filter(pk__in=chosen)
        .select_related("product__village__district", "producer__village__district", "officer")
        .order_by(*order)
    )


def recent_visits(**subject) -> models.QuerySet:
    """The latest visits to a product (product=...) or a producer (producer=...), for its page."""
    return MentoringVisit.objects.filter(**subject).select_related("officer").prefetch_related("photos")[:5]


def producer_assistance(producer) -> dict:
    """What the officials' producer page shows of assistance: its latest mentoring visits."""
    return {"visits": recent_visits(producer=producer)}


def before_and_after(outcomes: list[OutcomeRecord], first_assistance: datetime.date | None) -> dict:
    """The last figures before the first assistance and the latest since, for comparison."""
    if first_assistance is None:
        return {"before": None, "after": None}
    before = [o for o in outcomes if o.period_start < first_assistance]
    after = [o for o in outcomes if o.period_start >= first_assistance]
    return {"before": before[-1] if before else None, "after": after[-1] if after else None}


# --- the assistance parts of pages -------------------------------------------------------------------


def product_assistance(product: Product) -> dict:
    deliveries = list(
        Delivery.objects.filter(product=product).select_related("programme").order_by("-delivered_on", "-pk")
    )
    outcomes = list(product.outcomes.order_by("year", "quarter"))
    first = min((d.delivered_on for d in deliveries if d.status != Delivery.Status.CANCELLED), default=None)
    return {
        "deliveries": deliveries,
        "visits": recent_visits(product=product),
        "outcomes": outcomes,
        "first_assistance": first,
        "comparison": before_and_after(outcomes, first),
    }


def village_assistance(village: Village) -> dict:
    return {
        "village_deliveries": Delivery.objects.filter(village=village)
        .select_related("programme", "product")
        .order_by("-delivered_on", "-pk")[:20],
        **village_explorations(village),
    }


def public_assistance_summary(product: Product) -> list[dict]:
    """Kinds and years of assistance a product received; amounts only if an admin setting allows.

    Officers' names are never part of it.
    """
    labels = dict(Programme.Kind.choices)
    rows = prepared.rows(
        ("assistance.public_summary",),
        lambda: (
            Delivery.objects.filter(
                product=Param("product", prepared.INTEGER), status=Delivery.Status.DELIVERED
            )
            .values("programme__kind", "programme__fiscal_year")
            .annotate(total=Sum("value"))
            .order_by("-programme__fiscal_year", "programme__kind")
        ),
        product=product.pk,
    )
    show_amounts = settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS
    return [
        {
            "kind": labels[row["programme__kind"]],
            "year": row["programme__fiscal_year"],
            "total": row["total"] if show_amounts else None,
        }
        for row in rows
    ]


# --- timelines ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    day: datetime.date
    kind: str  # designation | delivery | visit | assessment
    title: str
    detail: str


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _designation_events(designations) -> list[Event]:
    events = []
    for d in designations:
        # A designation recorded from a past decree has no proposal: no day is invented for one.
        if d.proposed_at is not None:
            events.append(
                Event(
                    _local_day(d.proposed_at),
                    "designation",
                    _("Diusulkan: %(p)s") % {"p": d.product.name},
                    d.notes,
                )
            )
        if d.decided_at and d.status in (Designation.Status.APPROVED, Designation.Status.ENDED):
            events.append(
                Event(
                    d.decree_date or _local_day(d.decided_at),
                    "designation",
                    _("Ditetapkan sebagai produk unggulan: %(p)s") % {"p": d.product.name},
                    _("SK %(n)s") % {"n": d.decree_number},
                )
            )
        if d.status == Designation.Status.REJECTED:
            events.append(
                Event(
                    _local_day(d.decided_at),
                    "designation",
                    _("Usulan ditolak: %(p)s") % {"p": d.product.name},
                    d.rejection_reason,
                )
            )
        if d.ended_at:
            events.append(
                Event(
                    _local_day(d.ended_at),
                    "designation",
                    _("Penetapan berakhir: %(p)s") % {"p": d.product.name},
                    d.end_reason,
                )
            )
    return events


def _other_events(deliveries, visits, assessments, show_amounts: bool = True) -> list[Event]:
    events = [
        Event(
            d.delivered_on,
            "delivery",
            _("Bantuan %(kind)s: %(programme)s")
            % {"kind": d.programme.get_kind_display(), "programme": d.programme.name},
            f"{d.description} · {format_rupiah(d.value)} · {d.get_status_display()}"
            if show_amounts
            else d.description,
        )
        for d in deliveries
    ]
    events += [
        Event(
            v.visited_on,
            "visit",
            _("Kunjungan pendampingan"),
            v.findings + (f" → {v.next_action}" if v.next_action else ""),
        )
        for v in visits
    ]
    events += [
        Event(
            a.assessed_on,
            "assessment",
            _("Penilaian: %(stars)s bintang (%(total)s/%(max)s)")
            % {"stars": a.stars, "total": a.total_points, "max": a.max_points},
            a.product.name,
        )
        for a in assessments
    ]
    return events


def _sorted(events: list[Event]) -> list[Event]:
    order = {"designation": 0, "delivery": 1, "visit": 2, "assessment": 3}
    return sorted(events, key=lambda e: (e.day, order[e.kind]), reverse=True)


def product_timeline(product: Product) -> list[Event]:
    designations = product.designations.select_related("product")
    deliveries = Delivery.objects.filter(product=product).select_related("programme")
    visits = MentoringVisit.objects.filter(product=product)
    assessments = Assessment.objects.filter(product=product).select_related("product")
    return _sorted(_designation_events(designations) + _other_events(deliveries, visits, assessments))


def village_timeline(village: Village) -> list[Event]:
    designations = Designation.objects.filter(village=village).select_related("product")
    deliveries = Delivery.objects.filter(village=village).select_related("programme")
    visits = MentoringVisit.objects.filter(product__village=village) | MentoringVisit.objects.filter(
        producer__village=village
    )
    assessments = Assessment.objects.filter(product__village=village).select_related("product")
    return _sorted(
        _designation_events(designations) + _other_events(deliveries, visits.distinct(), assessments)
    )


# --- potential exploration and success stories (issue 15, items 2 and 4) ------------------------------

from .models import Exploration, ExplorationCandidate, SuccessStory  # noqa: E402


class ExplorationState(models.TextChoices):
    """Where a village without a product stands in exploring its potential."""

    NEVER = "never", _("Belum pernah digali")
    EXPLORED = "explored", _("Sudah digali")
    REGISTERED = "registered", _("Calon produk sudah terdaftar")


def _count_per_village(candidates: models.QuerySet) -> Coalesce:
    counted = (
        candidates.filter(exploration__village=OuterRef("pk"))
        .order_by()
        .values("exploration__village")
        .annotate(n=models.Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(models.Subquery(counted), 0)


def villages_awaiting_product(villages: models.QuerySet) -> models.QuerySet:
    """The villages (of a scoped queryset) that have no product of their own yet, each annotated with
    its exploration state, the date of its last exploration and its candidate counts, in one query.

    A village whose only products were registered from its exploration's candidates stays on the
    list, as "candidate registered", until one of them is proposed or designated: the exploration's
    result shows where it was started."""
    own_products = Product.objects.filter(village=OuterRef("pk"), exploration_candidates__isnull=True)
    designations = Designation.objects.filter(
        village=OuterRef("pk"), status__in=[Designation.Status.PROPOSED, Designation.Status.APPROVED]
    )
    last = Exploration.objects.filter(village=OuterRef("pk")).order_by("-explored_on", "-pk")
    candidates = ExplorationCandidate.objects.all()
    annotated = villages.filter(~Exists(own_products), ~Exists(designations)).annotate(
        last_explored_on=models.Subquery(last.values("explored_on")[:1]),
        last_exploration_id=models.Subquery(last.values("pk")[:1]),
        candidate_count=_count_per_village(candidates),
        registered_count=_count_per_village(candidates.filter(product__isnull=False)),
    )
    return annotated.annotate(
        exploration_state=models.Case(
            models.When(registered_count__gt=0, then=models.Value(ExplorationState.REGISTERED)),
            models.When(last_explored_on__isnull=False, then=models.Value(ExplorationState.EXPLORED)),
            default=models.Value(ExplorationState.NEVER),
            output_field=models.CharField(),
        )
    )


def village_explorations(village: Village) -> dict:
    """The officials' village page: the village's explorations with their candidate counts."""
    return {
        "village_explorations": Exploration.objects.filter(village=village)
        .select_related("explored_by")
        .with_candidate_counts()[:20],
    }


def stories_to_learn_from(category_ids, limit: int = 6) -> list[SuccessStory]:
    """Published stories of flagships in these categories, anywhere in the served area."""
    if not category_ids:
        return []
    return list(
        SuccessStory.objects.public()
        .filter(product__category__in=category_ids)
        .select_related("product__village__district", "product__category")
        .order_by("-updated_at", "-pk")[:limit]
    )


def exploration_page(exploration: Exploration) -> dict:
    candidates = list(exploration.candidates.select_related("category", "product"))
    return {
        "exploration": exploration,
        "candidates": candidates,
        "photos": list(exploration.photos.order_by("pk")),
        "learn_from": stories_to_learn_from({c.category_id for c in candidates}),
    }


def flagships_for_stories(products: models.QuerySet) -> models.QuerySet:
    """Approved flagships (of a scoped product queryset), each with its story's id and status."""
    flagship = Designation.objects.approved().filter(product=OuterRef("pk"), village=OuterRef("village"))
    story = SuccessStory.objects.filter(product=OuterRef("pk"))
    return (
        products.filter(Exists(flagship))
        .select_related("village__district", "category")
        .annotate(
            story_status=models.Subquery(story.values("status")[:1]),
            story_updated_at=models.Subquery(story.values("updated_at")[:1]),
        )
    )


def _story_figures(
    story: SuccessStory, product: Product, deliveries: list[Delivery], public: bool
) -> dict | None:
    """Before and after: from the product's outcome records around its first assistance when there are
    both, else the figures the official typed in. Turnover only where amounts may be shown."""
    show_amounts = not public or settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS
    first = min((d.delivered_on for d in deliveries), default=None)
    if first is None:
        first = Delivery.objects.filter(product=product, status=Delivery.Status.DELIVERED).aggregate(
            first=models.Min("delivered_on")
        )["first"]
    comparison = before_and_after(list(product.outcomes.order_by("year", "quarter")), first)
    before, after = comparison["before"], comparison["after"]
    if before and after:
        rows = [
            (_("Produksi"), before.production_volume, after.production_volume, before.volume_unit),
            (_("Tenaga kerja"), before.workers, after.workers, _("orang")),
            (_("Pasar/kota tujuan"), before.markets_reached, after.markets_reached, ""),
        ]
        if show_amounts:
            rows.append((_("Omzet per triwulan"), before.turnover, after.turnover, "Rp"))
        return {"before_label": before.period_label, "after_label": after.period_label, "rows": rows}
    rows = []
    if story.before_production is not None and story.after_production is not None:
        rows.append((_("Produksi"), story.before_production, story.after_production, story.production_unit))
    if story.before_workers is not None and story.after_workers is not None:
        rows.append((_("Tenaga kerja"), story.before_workers, story.after_workers, _("orang")))
    if show_amounts and story.before_turnover is not None and story.after_turnover is not None:
        rows.append((_("Omzet"), story.before_turnover, story.after_turnover, "Rp"))
    if not rows:
        return None
    return {
        "before_label": story.before_label or _("Sebelum"),
        "after_label": story.after_label or _("Sesudah"),
        "rows": rows,
    }


def public_success_story(product: Product) -> dict:
    """The public product page's success story: only a published story of a published, approved
    flagship (the page's product carries `is_flagship` from `with_public_flagship`). Nothing internal:
    no officer's name, and amounts only where the setting for public amounts allows."""
    if not getattr(product, "is_flagship", False):
        return {"success_story": None}
    story = (
        SuccessStory.objects.public()
        .filter(product=product)
        .prefetch_related(
            models.Prefetch(
                "deliveries",
                queryset=Delivery.objects.filter(status=Delivery.Status.DELIVERED)
                .select_related("programme")
                .order_by("delivered_on", "pk"),
                to_attr="received",
            )
        )
        .first()
    )
    if story is None:
        return {"success_story": None}
    show_amounts = settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS
    received = [
        {
            "kind": d.programme.get_kind_display(),
            "year": d.programme.fiscal_year,
            "description": d.description,
            "value": d.value if show_amounts else None,
        }
        for d in story.received
    ]
    return {
        "success_story": story,
        "success_story_received": received,
        "success_story_figures": _story_figures(story, product, story.received, public=True),
    }


def candidate_product_draft(candidate: ExplorationCandidate) -> dict:
    """What the product form starts with: the candidate's village, name and category, and a story and
    raw materials drafted from the exploration's findings (the official edits them before saving)."""
    exploration = candidate.exploration
    story = [candidate.notes.strip()] if candidate.notes.strip() else []
    for label, text in (
        (_("Keterampilan warga"), exploration.skills),
        (_("Usaha rumahan yang sudah ada"), exploration.home_businesses),
        (_("Gagasan pasar"), exploration.market_ideas),
    ):
        if text.strip():
            story.append(f"{label}: {text.strip()}")
    return {
        "village": exploration.village_id,
        "name": candidate.name,
        "category": candidate.category_id,
        "story": "\n\n".join(story),
        "raw_materials": exploration.raw_materials.strip(),
    }
