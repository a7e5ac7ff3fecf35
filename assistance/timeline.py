"""A product's or a village's story in date order: designations, deliveries, visits, assessments."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_rupiah
from products.models import Assessment, Designation, Product
from villages.models import Village

from .models import Delivery, MentoringVisit


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
