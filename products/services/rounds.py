"""Yearly designation rounds and their one decree each, and past decrees recorded as they were."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Refused
from villages.models import Village

from ..models import (
    Decree,
    Designation,
    DesignationRound,
    Product,
    today,
)
from ..signals import announce_decision
from .designation import _approve_locked, _check_still_proposed


def _locked_round(round: DesignationRound) -> DesignationRound:
    return DesignationRound.objects.select_for_update().get(pk=round.pk)


@transaction.atomic
def round_open(
    *, year: int, opened_by, name: str = "", opened_on: datetime.date | None = None
) -> DesignationRound:
    """Open the designation round of a year; kecamatan officers then propose within it."""
    if not 2000 <= year <= today().year + 1:
        raise Refused(_("Tahun putaran harus antara 2000 dan %(last)s.") % {"last": today().year + 1})
    open_round = DesignationRound.objects.select_for_update().open().first()
    if open_round is not None:
        raise Refused(
            _("Putaran %(round)s masih dibuka. Tutup putaran itu lebih dulu.") % {"round": open_round}
        )
    if DesignationRound.objects.filter(year=year).exists():
        raise Refused(_("Putaran untuk tahun %(year)s sudah ada.") % {"year": year})
    round = DesignationRound(
        year=year,
        name=name.strip() or f"OVOP {year}",
        state=DesignationRound.State.OPEN,
        opened_on=opened_on or today(),
        opened_by=opened_by,
    )
    round._history_user = opened_by
    try:
        with transaction.atomic():
            round.save()
    except IntegrityError:
        # Two officials opening a round at the same moment: the constraints let one through.
        raise Refused(_("Putaran lain baru saja dibuka. Muat ulang halaman.")) from None
    return round


@transaction.atomic
def round_close(*, round: DesignationRound, closed_by) -> DesignationRound:
    """Close a round to new proposals; its proposals wait for the Dinas's decision."""
    round = _locked_round(round)
    if round.state != DesignationRound.State.OPEN:
        raise Refused(_("Putaran %(round)s sudah ditutup.") % {"round": round})
    round.state = DesignationRound.State.CLOSED
    round.closed_on, round.closed_by = today(), closed_by
    round._history_user = closed_by
    round.save()
    return round


@transaction.atomic
def decree_record(
    *,
    round: DesignationRound,
    number: str,
    decree_date: datetime.date,
    signed_by_name: str,
    signed_by_title: str,
    recorded_by,
    scan: UploadedFile | None = None,
) -> Decree:
    """Record the one decree (SK) of a round. Its designations point to it (round_decide and
    round_record_historical, which call this), so its attachment lists exactly them."""
    round = _locked_round(round)
    if Decree.objects.filter(round=round).exists():
        raise Refused(_("SK putaran %(round)s sudah dicatat.") % {"round": round})
    if decree_date > today():
        raise Refused(_("Tanggal SK tidak boleh di masa depan."))
    number = number.strip()
    if Decree.objects.filter(number=number).exists():
        raise Refused(_("SK nomor %(number)s sudah tercatat.") % {"number": number})
    decree = Decree(
        round=round,
        number=number,
        decree_date=decree_date,
        signed_by_name=signed_by_name.strip(),
        signed_by_title=signed_by_title.strip(),
        recorded_by=recorded_by,
    )
    if scan is not None:
        decree.scan = scan
    try:
        decree.full_clean(exclude=["round"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None
    decree._history_user = recorded_by
    decree.save()
    return decree


def _removing_stored_scan_on_failure(service):
    """Run `service`; if it fails after the decree's scan was stored, remove the stored file (the row
    that would have named it was rolled back)."""
    stored: list[Decree] = []

    def remember(decree: Decree) -> Decree:
        stored.append(decree)
        return decree

    try:
        return service(remember)
    except BaseException:
        for decree in stored:
            if decree.scan:
                decree.scan.storage.delete(decree.scan.name)
        raise


def round_decide(
    *,
    round: DesignationRound,
    decided_by,
    approve: list[int],
    reject: dict[int, str],
    number: str,
    decree_date: datetime.date,
    signed_by_name: str,
    signed_by_title: str,
    scan: UploadedFile | None = None,
) -> Decree:
    """Decide every proposal of a round at once and record its decree.

    `approve` lists the proposals designated (the decree's attachment lists exactly these), `reject`
    maps every other proposal to its reason. Every proposal still waiting must be in one of them: one
    proposed after the official opened the page makes the decision refused, not silently skipped. An
    open round is closed by its decision. Each village's current flagship, if any, ends in favour of
    the round's designation, with the decree named as the reason.
    """

    def decide(remember) -> Decree:
        with transaction.atomic():
            locked = _locked_round(round)
            if locked.state == DesignationRound.State.DECIDED:
                raise Refused(_("Putaran %(round)s sudah diputuskan.") % {"round": locked})
            approved_ids, rejected = set(approve), dict(reject)
            if approved_ids & set(rejected):
                raise Refused(_("Satu usulan tidak dapat sekaligus ditetapkan dan ditolak."))
            if not approved_ids:
                raise Refused(
                    _(
                        "SK memerlukan paling sedikit satu produk yang ditetapkan. Bila semua usulan "
                        "ditolak, tolak satu per satu tanpa SK."
                    )
                )
            if any(not (reason or "").strip() for reason in rejected.values()):
                raise Refused(_("Setiap usulan yang ditolak memerlukan alasan."))
            waiting = {d.pk: d for d in locked.designations.proposed().only("pk", "village_id")}
            if set(waiting) - approved_ids - set(rejected):
                raise Refused(
                    _(
                        "Ada usulan baru atau belum diputuskan dalam putaran ini. Muat ulang halaman, lalu "
                        "putuskan setiap usulan."
                    )
                )
            if (approved_ids | set(rejected)) - set(waiting):
                raise Refused(
                    _(
                        "Sebagian usulan sudah tidak menunggu keputusan lagi. Muat ulang halaman, lalu "
                        "coba lagi."
                    )
                )
            villages = [waiting[pk].village_id for pk in approved_ids]
            if len(set(villages)) != len(villages):
                raise Refused(_("Hanya satu produk per desa yang dapat ditetapkan dalam satu putaran."))
            # Villages in a fixed order (every step on a village's designations queues behind its row),
            # then the designations with their products.
            list(Village.objects.select_for_update().filter(pk__in=villages).order_by("pk"))
            if locked.state == DesignationRound.State.OPEN:
                locked.closed_on, locked.closed_by = today(), decided_by
            decree = remember(
                decree_record(
                    round=locked,
                    number=number,
                    decree_date=decree_date,
                    signed_by_name=signed_by_name,
                    signed_by_title=signed_by_title,
                    recorded_by=decided_by,
                    scan=scan,
                )
            )
            for pk in sorted(approved_ids):
                designation = Designation.objects.select_for_update().select_related("product").get(pk=pk)
                _check_still_proposed(designation)
                current = (
                    Designation.objects.select_for_update()
                    .approved()
                    .filter(village_id=designation.village_id)
                    .first()
                )
                designation._history_user = decided_by
                if current:
                    current._history_user = decided_by
                _approve_locked(
                    designation,
                    current,
                    decided_by=decided_by,
                    decree_number=decree.number,
                    decree_date=decree.decree_date,
                    decree=decree,
                )
            for pk, reason in sorted(rejected.items()):
                designation = Designation.objects.select_for_update().get(pk=pk)
                designation.status = Designation.Status.REJECTED
                designation.decided_by, designation.decided_at = decided_by, timezone.now()
                designation.rejection_reason = reason.strip()
                designation._history_user = decided_by
                designation.save()
                announce_decision(designation)
            locked.state = DesignationRound.State.DECIDED
            locked._history_user = decided_by
            locked.save()
            return decree

    try:
        return _removing_stored_scan_on_failure(decide)
    except IntegrityError:
        raise Refused(_("Desa ini sudah memiliki produk unggulan yang ditetapkan.")) from None


def _decree_moment(day: datetime.date) -> datetime.datetime:
    """The decision of a past decree, as a moment: the start of its day in the portal's time zone.
    The day is the decree's; the time of day is unknown and is not made up beyond midnight."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def round_record_historical(
    *,
    year: int,
    products: list[Product],
    number: str,
    decree_date: datetime.date,
    signed_by_name: str,
    signed_by_title: str,
    recorded_by,
    name: str = "",
    scan: UploadedFile | None = None,
) -> Decree:
    """Record a past round from its decree (e.g. Bangka Barat 2016): the round, the decree and one
    approved designation per product, decided on the decree's date.

    Nothing is made up: the round has no opening or closing dates and the designations no proposal
    (no proposer, proposed_at NULL), all marked recorded_from_decree. A village that has a current
    flagship already is refused: which of the two holds today is for the Dinas to sort out first.
    """
    if decree_date >= today():
        raise Refused(_("SK lama harus bertanggal sebelum hari ini."))
    if decree_date.year < year:
        raise Refused(_("Tanggal SK tidak boleh sebelum tahun putarannya."))
    if not products:
        raise Refused(_("SK memerlukan paling sedikit satu produk yang ditetapkan."))
    village_ids = [p.village_id for p in products]
    if len(set(village_ids)) != len(village_ids):
        raise Refused(_("Hanya satu produk per desa yang dapat ditetapkan dalam satu putaran."))

    def record(remember) -> Decree:
        with transaction.atomic():
            if DesignationRound.objects.filter(year=year).exists():
                raise Refused(_("Putaran untuk tahun %(year)s sudah ada.") % {"year": year})
            round = DesignationRound(
                year=year,
                name=name.strip() or f"OVOP {year}",
                state=DesignationRound.State.DECIDED,
                recorded_from_decree=True,
            )
            round._history_user = recorded_by
            round.save()
            decree = remember(
                decree_record(
                    round=round,
                    number=number,
                    decree_date=decree_date,
                    signed_by_name=signed_by_name,
                    signed_by_title=signed_by_title,
                    recorded_by=recorded_by,
                    scan=scan,
                )
            )
            list(Village.objects.select_for_update().filter(pk__in=village_ids).order_by("pk"))
            locked = Product.objects.select_for_update().in_bulk([p.pk for p in products])
            for product in products:
                product = locked[product.pk]
                current = Designation.objects.approved().filter(village_id=product.village_id).first()
                if current is not None:
                    raise Refused(
                        _("%(village)s sudah memiliki produk unggulan yang ditetapkan (%(product)s).")
                        % {"village": product.village, "product": current.product.name}
                    )
                if Designation.objects.proposed().filter(product=product).exists():
                    raise Refused(
                        _("%(product)s sedang diusulkan. Putuskan usulan itu lebih dulu.")
                        % {"product": product.name}
                    )
                designation = Designation(
                    village_id=product.village_id,
                    product=product,
                    status=Designation.Status.APPROVED,
                    year=year,
                    proposed_at=None,
                    recorded_from_decree=True,
                    round=round,
                    decree=decree,
                    decree_number=decree.number,
                    decree_date=decree.decree_date,
                    decided_at=_decree_moment(decree.decree_date),
                )
                designation._history_user = recorded_by
                designation.save()
            return decree

    try:
        return _removing_stored_scan_on_failure(record)
    except IntegrityError:
        raise Refused(_("Data putaran ini baru saja berubah. Muat ulang halaman, lalu coba lagi.")) from None
