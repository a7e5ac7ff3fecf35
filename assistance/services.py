"""Writes on assistance: deliveries under a budget (locked), visits with photos, outcome figures."""

import datetime
import uuid

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from PIL import Image

from core.errors import Refused
from core.images import make_renditions
from core.money import format_rupiah
from products.models import Producer, Product
from villages.models import Village

from .models import Delivery, MentoringVisit, OutcomeRecord, Programme, VisitPhoto


def budget_check(programme: Programme, *, extra: int, excluding: int | None = None) -> None:
    """Raise Refused if `extra` more on top of the live deliveries passes the budget."""
    live = programme.deliveries.live()
    if excluding is not None:
        live = live.exclude(pk=excluding)
    committed = live.aggregate(total=Sum("value", default=0))["total"]
    if committed + extra > programme.budget:
        remaining = max(programme.budget - committed, 0)
        raise Refused(
            _(
                "Nilai %(value)s melebihi sisa pagu program %(programme)s: tersisa %(remaining)s dari "
                "pagu %(budget)s. Penyaluran tidak dicatat."
            )
            % {
                "value": format_rupiah(extra),
                "programme": programme.name,
                "remaining": format_rupiah(remaining),
                "budget": format_rupiah(programme.budget),
            }
        )


@transaction.atomic
def delivery_record(
    *,
    programme: Programme,
    village: Village,
    delivered_on: datetime.date,
    value: int,
    description: str,
    officer,
    status: str = Delivery.Status.DELIVERED,
    product: Product | None = None,
    producer: Producer | None = None,
) -> Delivery:
    """Record a delivery; refused when planned and delivered deliveries together would pass the budget.

    The programme row is locked first, so two officials recording at once are checked one after the
    other against the same, up-to-date total.
    """
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked.status == Programme.Status.CLOSED:
        raise Refused(
            _("Program %(programme)s sudah selesai; tidak ada penyaluran baru.") % {"programme": locked.name}
        )
    if status != Delivery.Status.CANCELLED:
        budget_check(locked, extra=value)
    delivery = Delivery(
        programme=locked,
        village=village,
        product=product,
        producer=producer,
        delivered_on=delivered_on,
        value=value,
        description=description,
        status=status,
        officer=officer,
    )
    delivery.full_clean()
    delivery.save()
    return delivery


@transaction.atomic
def delivery_update(*, delivery: Delivery, **changes) -> Delivery:
    """Change a delivery (status, value, …); the budget is checked again under the lock."""
    locked = Programme.objects.select_for_update().get(pk=delivery.programme_id)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    for field, value in changes.items():
        setattr(delivery, field, value)
    if delivery.status != Delivery.Status.CANCELLED:
        budget_check(locked, extra=delivery.value, excluding=delivery.pk)
    delivery.full_clean()
    delivery.save()
    return delivery


@transaction.atomic
def programme_save(*, programme: Programme) -> Programme:
    """Save a programme; its budget may not drop below what its deliveries already commit."""
    if programme.pk:
        Programme.objects.select_for_update().get(pk=programme.pk)
        committed = programme.deliveries.live().aggregate(total=Sum("value", default=0))["total"]
        if programme.budget < committed:
            raise Refused(
                _("Pagu tidak boleh di bawah nilai penyaluran yang sudah dicatat (%(committed)s).")
                % {"committed": format_rupiah(committed)}
            )
    programme.full_clean()
    programme.save()
    return programme


def visit_record(*, visit: MentoringVisit, photos: list[Image.Image]) -> MentoringVisit:
    """Save a visit with its (already checked) photos; no file is left behind if anything fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            visit.full_clean()
            visit.save()
            for image in photos:
                renditions = make_renditions(image, uuid.uuid4().hex[:16])
                photo = VisitPhoto(visit=visit)
                photo.image.save(renditions["large"].content.name, renditions["large"].content, save=False)
                stored.append(photo.image.name)
                photo.thumb.save(renditions["thumb"].content.name, renditions["thumb"].content, save=False)
                stored.append(photo.thumb.name)
                photo.save()
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return visit


def outcome_record(*, outcome: OutcomeRecord) -> OutcomeRecord:
    """Save a quarter's figures; a second record for the same quarter is refused (also when racing)."""
    outcome.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:
        raise Refused(_("Capaian triwulan ini sudah dicatat untuk produk ini.")) from None
    return outcome
