"""The flagship designation workflow outside rounds, and assessments."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.errors import Refused
from villages.models import Village

from ..models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScore,
    Decree,
    Designation,
    DesignationRound,
    Product,
    assessor_role_of,
    assessor_role_refusal,
    stars_for,
)
from ..signals import announce_decision


def _locked_designation(designation: Designation) -> Designation:
    """Lock the village first (every step on a village's designations queues behind it), then re-read
    the designation with its product, both locked (PostgreSQL locks every row a FOR UPDATE joins)."""
    Village.objects.select_for_update().get(pk=designation.village_id)
    return Designation.objects.select_for_update().select_related("product").get(pk=designation.pk)


@transaction.atomic
def designation_propose(
    *,
    product: Product,
    proposed_by,
    year: int | None = None,
    notes: str = "",
    round: DesignationRound | None = None,
) -> Designation:
    """Propose a product as its village's flagship, outside any round or within an open `round`
    (whose year the proposal takes)."""
    if round is not None:
        # The round first (round_decide and round_close lock it too): a proposal either lands before
        # the round is closed or decided, and is seen there, or waits and is refused.
        round = DesignationRound.objects.select_for_update().get(pk=round.pk)
        if round.state != DesignationRound.State.OPEN:
            raise Refused(
                _("Putaran %(round)s sudah ditutup; usulan tidak dapat ditambahkan lagi.") % {"round": round}
            )
        if year is not None and year != round.year:
            raise Refused(
                _("Usulan dalam putaran %(round)s adalah untuk tahun %(year)s.")
                % {"round": round, "year": round.year}
            )
        year = round.year
    if year is None:
        raise Refused(_("Tahun penetapan harus diisi."))
    Village.objects.select_for_update().get(pk=product.village_id)
    # The product row too (after the village, the order every designation step takes): a move being
    # saved at this moment (Product.save locks the row) either ends before, and is seen here, or waits.
    if Product.objects.select_for_update().get(pk=product.pk).village_id != product.village_id:
        raise Refused(_("Produk ini baru saja dipindahkan ke desa lain. Muat ulang halaman, lalu coba lagi."))
    if Designation.objects.proposed().filter(product=product).exists():
        raise Refused(_("Produk ini sudah diusulkan dan sedang menunggu keputusan."))
    if Designation.objects.approved().filter(product=product).exists():
        raise Refused(_("Produk ini sudah menjadi produk unggulan desanya."))
    return Designation.objects.create(
        village_id=product.village_id,
        product=product,
        proposed_by=proposed_by,
        proposed_at=timezone.now(),
        year=year,
        notes=notes,
        round=round,
    )


def designation_approve(
    *,
    designation: Designation,
    decided_by,
    decree_number: str,
    decree_date: datetime.date,
    expected_current_id: int | None,
) -> Designation:
    """Approve a proposal; the village's current flagship, if any, ends in the same transaction.

    `expected_current_id` is the approved designation the official saw when deciding (None: none).
    If another approval changed the village's flagship meanwhile, nothing is written and
    Refused says so: of two officials approving at once, exactly one wins. A proposal made in
    a round is approved only with its round (round_decide), so that the round's decree lists it.
    """
    try:
        with transaction.atomic():
            designation = _locked_designation(designation)
            _check_still_proposed(designation)
            if designation.round_id is not None:
                raise Refused(
                    _(
                        "Usulan ini diajukan dalam putaran %(round)s: tetapkan lewat keputusan putaran "
                        "itu, agar tercantum dalam lampiran SK-nya."
                    )
                    % {"round": designation.round}
                )
            current = Designation.objects.approved().filter(village_id=designation.village_id).first()
            if (current.pk if current else None) != expected_current_id:
                raise Refused(
                    _(
                        "Produk unggulan desa ini baru saja berubah (%(current)s). Periksa lagi sebelum "
                        "memutuskan; usulan ini belum ditetapkan."
                    )
                    % {"current": current.product.name if current else _("tidak ada")}
                )
            _approve_locked(
                designation,
                current,
                decided_by=decided_by,
                decree_number=decree_number,
                decree_date=decree_date,
            )
    except IntegrityError:
        # The database constraint is the last guard (a script or admin racing this service).
        raise Refused(_("Desa ini sudah memiliki produk unggulan yang ditetapkan.")) from None
    return designation


def _check_still_proposed(designation: Designation) -> None:
    if designation.status != Designation.Status.PROPOSED:
        raise Refused(
            _("Usulan ini sudah diputuskan (%(status)s).") % {"status": designation.get_status_display()}
        )
    # The product row was locked with the designation (select_related under FOR UPDATE): the
    # village read here is the one the approval is written against.
    if designation.product.village_id != designation.village_id:
        raise Refused(
            _(
                "Produk %(product)s kini tercatat di desa lain, bukan di %(village)s yang "
                "diusulkan, sehingga usulan ini tidak dapat ditetapkan. Tolak usulan ini; desa "
                "produknya dapat mengusulkannya kembali."
            )
            % {"product": designation.product.name, "village": designation.village}
        )


def _approve_locked(
    designation: Designation,
    current: Designation | None,
    *,
    decided_by,
    decree_number: str,
    decree_date: datetime.date,
    decree: Decree | None = None,
) -> None:
    """Approve a locked proposal, ending the village's current flagship (also locked) in its favour."""
    now = timezone.now()
    if current:
        current.status = Designation.Status.ENDED
        current.ended_by, current.ended_at = decided_by, now
        current.end_reason = _("Digantikan oleh penetapan %(product)s (SK %(number)s).") % {
            "product": designation.product.name,
            "number": decree_number,
        }
        current.replaced_by = designation
        current.save()
    designation.status = Designation.Status.APPROVED
    designation.decided_by, designation.decided_at = decided_by, now
    designation.decree_number, designation.decree_date = decree_number, decree_date
    designation.decree = decree
    designation.save()
    announce_decision(designation)


@transaction.atomic
def designation_reject(*, designation: Designation, decided_by, reason: str) -> Designation:
    designation = _locked_designation(designation)
    if designation.status != Designation.Status.PROPOSED:
        raise Refused(
            _("Usulan ini sudah diputuskan (%(status)s).") % {"status": designation.get_status_display()}
        )
    designation.status = Designation.Status.REJECTED
    designation.decided_by, designation.decided_at = decided_by, timezone.now()
    designation.rejection_reason = reason
    designation.save()
    announce_decision(designation)
    return designation


@transaction.atomic
def designation_end(*, designation: Designation, ended_by, reason: str) -> Designation:
    """End an approved designation without a successor: the village returns to 'has products'."""
    designation = _locked_designation(designation)
    if designation.status != Designation.Status.APPROVED:
        raise Refused(_("Hanya penetapan yang sedang berlaku yang dapat diakhiri."))
    designation.status = Designation.Status.ENDED
    designation.ended_by, designation.ended_at = ended_by, timezone.now()
    designation.end_reason = reason
    designation.save()
    return designation


@transaction.atomic
def assessment_record(
    *, product: Product, assessor, assessed_on: datetime.date, points: dict[int, int], notes: str = ""
) -> Assessment:
    """Record a scored assessment. `points` maps every active criterion's id to its points.

    The assessor's role today is stored with it (public pages name the role); only the roles of
    settings.OVOP_ASSESSOR_ROLES may assess, and the date may not lie in the future (Assessment.clean)."""
    role = assessor_role_of(assessor)
    refusal = assessor_role_refusal(role)
    if refusal:
        raise Refused(refusal)
    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    if not criteria:
        raise Refused(_("Belum ada kriteria penilaian yang dipakai."))
    if set(points) != {c.pk for c in criteria}:
        raise Refused(_("Setiap kriteria harus diberi nilai."))
    for criterion in criteria:
        if not 0 <= points[criterion.pk] <= criterion.max_points:
            raise Refused(
                _("Nilai %(criterion)s harus antara 0 dan %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_points}
            )
    maximum = sum(c.max_points for c in criteria)
    total = sum(points.values())
    assessment = Assessment(
        product=product,
        assessor=assessor,
        assessor_role=role,
        assessed_on=assessed_on,
        notes=notes,
        total_points=total,
        max_points=maximum,
        stars=stars_for(total, maximum),
    )
    try:
        assessment.full_clean(validate_constraints=False)  # the database checks those on save
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from None
    assessment.save()
    # With their history, so that a deleted assessment comes back with its scores (core.history).
    bulk_create_with_history(
        [
            AssessmentScore(assessment=assessment, criterion=c, points=points[c.pk], max_points=c.max_points)
            for c in criteria
        ],
        AssessmentScore,
        default_user=assessor,
    )
    return assessment
