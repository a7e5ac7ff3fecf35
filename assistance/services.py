"""Writes on assistance: deliveries under a budget (locked), visits with photos, closing and
rescheduling their follow-ups (locked), outcome figures."""

import datetime
import uuid

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
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


def _photo_save(photo, image: Image.Image, stored: list[str]) -> None:
    """Store a checked image's renditions on a visit's or an exploration's photo row and save it; the
    names written are added to `stored`, for the caller to remove should its transaction fail."""
    renditions = make_renditions(image, uuid.uuid4().hex[:16])
    photo.image.save(renditions["large"].content.name, renditions["large"].content, save=False)
    stored.append(photo.image.name)
    photo.thumb.save(renditions["thumb"].content.name, renditions["thumb"].content, save=False)
    stored.append(photo.thumb.name)
    photo.save()


def visit_record(*, visit: MentoringVisit, photos: list[Image.Image]) -> MentoringVisit:
    """Save a visit with its (already checked) photos; no file is left behind if anything fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            visit.full_clean()
            visit.save()
            for image in photos:
                _photo_save(VisitPhoto(visit=visit), image, stored)
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


def _locked_follow_up(visit: MentoringVisit) -> MentoringVisit:
    """The visit's row, locked, if it has an agreed next action still open; Refused otherwise."""
    locked = MentoringVisit.objects.select_for_update().get(pk=visit.pk)
    if not locked.next_action:
        raise Refused(_("Kunjungan ini tidak punya tindak lanjut yang disepakati."))
    if locked.next_action_done:
        if locked.next_action_done_on:
            raise Refused(
                _("Tindak lanjut ini sudah ditutup (selesai %(day)s).")
                % {"day": date_format(locked.next_action_done_on, "j M Y")}
            )
        raise Refused(_("Tindak lanjut ini sudah ditutup."))
    return locked


@transaction.atomic
def visit_follow_up_close(
    *, visit: MentoringVisit, done_on: datetime.date, note: str, today: datetime.date | None = None
) -> MentoringVisit:
    """Mark a visit's agreed next action done on `done_on`, with a note of what was done.

    Refused when there is no open next action (e.g. closing twice), or when the date is before the
    visit or in the future. Who closed it, and when it was recorded, are in the visit's history."""
    locked = _locked_follow_up(visit)
    today = today or timezone.localdate()
    if done_on < locked.visited_on:
        raise Refused(_("Tanggal selesai tidak boleh sebelum tanggal kunjungan."))
    if done_on > today:
        raise Refused(_("Tanggal selesai tidak boleh di masa depan."))
    locked.next_action_done = True
    locked.next_action_done_on = done_on
    locked.next_action_note = note.strip()
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def visit_follow_up_reschedule(
    *, visit: MentoringVisit, due_on: datetime.date, reason: str, today: datetime.date | None = None
) -> MentoringVisit:
    """Move an open next action's due date to `due_on`, giving the reason. The first agreed date is
    kept (next_action_first_due); every later move is in the history.

    Refused when there is no open next action, when the new date is before the visit, before today or
    the same as now, or when no reason is given."""
    locked = _locked_follow_up(visit)
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise Refused(_("Tuliskan alasan penjadwalan ulang."))
    if due_on < locked.visited_on:
        raise Refused(_("Batas waktu baru tidak boleh sebelum tanggal kunjungan."))
    if due_on < today:
        raise Refused(_("Batas waktu baru tidak boleh sebelum hari ini."))
    if due_on == locked.next_action_due:
        raise Refused(_("Batas waktu baru sama dengan batas waktu sekarang."))
    if locked.next_action_first_due is None and locked.next_action_due is not None:
        locked.next_action_first_due = locked.next_action_due
    locked.next_action_due = due_on
    locked.next_action_reschedule_reason = reason
    locked.full_clean()
    locked.save()
    return locked


# --- potential exploration (issue 15, item 2) ----------------------------------------------------------

from .models import Exploration, ExplorationCandidate, ExplorationPhoto  # noqa: E402


def exploration_record(
    *, exploration: Exploration, photos: list[Image.Image], candidates=None
) -> Exploration:
    """Save an exploration with its candidate products (an inline formset, already valid) and its
    (already checked) photos, in one transaction; no photo file is left behind if anything fails."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            exploration.full_clean()
            exploration.save()
            if candidates is not None:
                candidates.instance = exploration
                candidates.save()
            for image in photos:
                _photo_save(ExplorationPhoto(exploration=exploration), image, stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return exploration


@transaction.atomic
def candidate_link(*, candidate: ExplorationCandidate, product: Product) -> ExplorationCandidate:
    """Record that a candidate became this product. The candidate row is locked, so two officials
    registering the same candidate at once cannot both link it."""
    locked = (
        ExplorationCandidate.objects.select_for_update(of=("self",))
        .select_related("exploration")
        .get(pk=candidate.pk)
    )
    if locked.product_id == product.pk:
        return locked
    if locked.product_id is not None:
        raise Refused(_("Calon produk %(name)s sudah terdaftar sebagai produk lain.") % {"name": locked.name})
    if product.village_id != locked.exploration.village_id:
        raise Refused(_("Produk ini bukan dari desa yang digali potensinya."))
    if ExplorationCandidate.objects.filter(product=product).exists():
        raise Refused(_("Produk ini sudah tercatat sebagai hasil calon produk lain."))
    locked.product = product
    locked.full_clean()
    locked.save(update_fields=["product"])
    return locked


# --- the explicit "needs help" flag of a village (issue 15; the situations are read in situations.py) ---

from products.models import Designation  # noqa: E402

from .models import HelpFlag  # noqa: E402


@transaction.atomic
def help_flag_raise(*, village: Village, reason: str, raised_by) -> HelpFlag:
    """Mark a flagship village as needing help, with the reason. Refused while it has an open flag
    (also when two officials raise one at once: the village row is locked first) or no flagship."""
    locked = Village.objects.select_for_update().get(pk=village.pk)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Tuliskan alasan mengapa desa ini perlu bantuan."))
    if HelpFlag.objects.filter(village=locked, cleared_at__isnull=True).exists():
        raise Refused(
            _("%(village)s sudah ditandai perlu bantuan. Cabut tanda itu lebih dulu bila alasannya berubah.")
            % {"village": locked.name}
        )
    flagship = Designation.objects.approved().in_product_village().filter(village=locked)
    if not flagship.exists():
        raise Refused(
            _("%(village)s belum memiliki produk unggulan; hanya desa dengan produk unggulan yang ditandai.")
            % {"village": locked.name}
        )
    flag = HelpFlag(village=locked, reason=reason, raised_by=raised_by, raised_at=timezone.now())
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def help_flag_clear(*, village: Village, note: str, cleared_by) -> HelpFlag:
    """Clear the village's open flag with a note; refused when it has none (already cleared)."""
    flag = HelpFlag.objects.select_for_update().filter(village_id=village.pk, cleared_at__isnull=True).first()
    if flag is None:
        raise Refused(_("%(village)s tidak sedang ditandai perlu bantuan.") % {"village": village.name})
    note = (note or "").strip()
    if not note:
        raise Refused(_("Tuliskan catatan mengapa tanda perlu bantuan dicabut."))
    flag.cleared_at = timezone.now()
    flag.cleared_by = cleared_by
    flag.clearing_note = note
    flag.full_clean()
    flag.save()
    return flag
