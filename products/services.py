"""Writes on the registry that touch several rows, files, or need a lock."""

import datetime
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image
from simple_history.utils import bulk_create_with_history

from core.deletion import delete_unless_used
from core.errors import Refused
from core.images import make_renditions, validate_photo
from villages.models import Village

from .models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScore,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
    stars_for,
)

RENDITION_FIELDS = ("large", "medium", "thumb")


def _photo_files(photos) -> list[str]:
    return [
        getattr(photo, name).name for photo in photos for name in RENDITION_FIELDS if getattr(photo, name)
    ]


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def product_photo_add(
    *,
    product: Product,
    upload: UploadedFile,
    caption: str = "",
    is_cover: bool = False,
    image: Image.Image | None = None,
) -> ProductPhoto:
    """Check the upload, store its renditions and record the photo; nothing is kept on failure.

    The first photo of a product becomes its cover. `image` is the image a form already checked;
    without it the upload is checked here. Files written before a failed write are removed.
    """
    image = image or validate_photo(upload)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            last_position = locked.photos.aggregate(last=Max("position"))["last"]
            is_cover = is_cover or last_position is None
            if is_cover:
                locked.photos.filter(is_cover=True).update(is_cover=False)
            photo = ProductPhoto(
                product=locked,
                caption=caption,
                is_cover=is_cover,
                position=0 if last_position is None else last_position + 1,
            )
            for name, rendition in make_renditions(image, uuid.uuid4().hex[:16]).items():
                getattr(photo, name).save(rendition.content.name, rendition.content, save=False)
                stored.append(getattr(photo, name).name)
            photo.save()
    except BaseException:
        _delete_files(stored)
        raise
    return photo


@transaction.atomic
def product_photo_set_cover(*, photo: ProductPhoto) -> None:
    Product.objects.select_for_update().get(pk=photo.product_id)
    ProductPhoto.objects.filter(product_id=photo.product_id, is_cover=True).update(is_cover=False)
    photo.is_cover = True
    photo.save(update_fields=["is_cover"])  # a save, not an update: the caches hear of it (signals)


@transaction.atomic
def product_photo_delete(*, photo: ProductPhoto) -> None:
    """Delete the photo; if it was the cover, the next photo becomes the cover.

    Its files stay (until `sweep_deleted_photos`), so that it can be restored from its history."""
    Product.objects.select_for_update().get(pk=photo.product_id)
    was_cover = photo.is_cover
    photo.delete()
    if was_cover:
        successor = (
            ProductPhoto.objects.filter(product_id=photo.product_id).order_by("position", "pk").first()
        )
        if successor:
            ProductPhoto.objects.filter(pk=successor.pk).update(is_cover=True)


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product with its photos; refused (Refused) while other records use it.

    The photos' files stay (until `sweep_deleted_photos`): restoring the product from its history
    brings its photos back (core.history.restore_deleted)."""
    delete_unless_used(product)


def producer_delete(*, producer: Producer) -> None:
    """Refused while the producer makes a product or holds documents."""
    if producer.products.exists():
        count = producer.products.count()
        raise Refused(
            ngettext(
                "%(object)s tidak dapat dihapus karena masih tercatat sebagai produsen %(count)s produk. "
                "Lepaskan dari produk itu lebih dulu.",
                "%(object)s tidak dapat dihapus karena masih tercatat sebagai produsen %(count)s produk. "
                "Lepaskan dari produk-produk itu lebih dulu.",
                count,
            )
            % {"object": producer, "count": count}
        )
    delete_unless_used(producer)


@transaction.atomic
def legality_delete(*, document: LegalityDocument) -> None:
    name = document.scan.name if document.scan else ""
    document.delete()
    if name:
        storage = document.scan.storage  # private storage, not the public media folder
        transaction.on_commit(lambda: storage.delete(name))


class WorkflowError(Exception):
    """A designation or assessment step that cannot be taken; the message is for the official."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked_designation(designation: Designation) -> Designation:
    """Lock the village first (every step on a village's designations queues behind it), then re-read
    the designation with its product, both locked (PostgreSQL locks every row a FOR UPDATE joins)."""
    Village.objects.select_for_update().get(pk=designation.village_id)
    return Designation.objects.select_for_update().select_related("product").get(pk=designation.pk)


@transaction.atomic
def designation_propose(*, product: Product, proposed_by, year: int, notes: str = "") -> Designation:
    Village.objects.select_for_update().get(pk=product.village_id)
    # The product row too (after the village, the order every designation step takes): a move being
    # saved at this moment (Product.save locks the row) either ends before, and is seen here, or waits.
    if Product.objects.select_for_update().get(pk=product.pk).village_id != product.village_id:
        raise WorkflowError(
            _("Produk ini baru saja dipindahkan ke desa lain. Muat ulang halaman, lalu coba lagi.")
        )
    if Designation.objects.proposed().filter(product=product).exists():
        raise WorkflowError(_("Produk ini sudah diusulkan dan sedang menunggu keputusan."))
    if Designation.objects.approved().filter(product=product).exists():
        raise WorkflowError(_("Produk ini sudah menjadi produk unggulan desanya."))
    return Designation.objects.create(
        village_id=product.village_id,
        product=product,
        proposed_by=proposed_by,
        proposed_at=timezone.now(),
        year=year,
        notes=notes,
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
    WorkflowError says so: of two officials approving at once, exactly one wins.
    """
    try:
        with transaction.atomic():
            designation = _locked_designation(designation)
            if designation.status != Designation.Status.PROPOSED:
                raise WorkflowError(
                    _("Usulan ini sudah diputuskan (%(status)s).")
                    % {"status": designation.get_status_display()}
                )
            # The product row was locked with the designation (select_related under FOR UPDATE): the
            # village read here is the one the approval is written against.
            if designation.product.village_id != designation.village_id:
                raise WorkflowError(
                    _(
                        "Produk %(product)s kini tercatat di desa lain, bukan di %(village)s yang "
                        "diusulkan, sehingga usulan ini tidak dapat ditetapkan. Tolak usulan ini; desa "
                        "produknya dapat mengusulkannya kembali."
                    )
                    % {"product": designation.product.name, "village": designation.village}
                )
            current = Designation.objects.approved().filter(village_id=designation.village_id).first()
            if (current.pk if current else None) != expected_current_id:
                raise WorkflowError(
                    _(
                        "Produk unggulan desa ini baru saja berubah (%(current)s). Periksa lagi sebelum "
                        "memutuskan; usulan ini belum ditetapkan."
                    )
                    % {"current": current.product.name if current else _("tidak ada")}
                )
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
            designation.save()
    except IntegrityError:
        # The database constraint is the last guard (a script or admin racing this service).
        raise WorkflowError(_("Desa ini sudah memiliki produk unggulan yang ditetapkan.")) from None
    return designation


@transaction.atomic
def designation_reject(*, designation: Designation, decided_by, reason: str) -> Designation:
    designation = _locked_designation(designation)
    if designation.status != Designation.Status.PROPOSED:
        raise WorkflowError(
            _("Usulan ini sudah diputuskan (%(status)s).") % {"status": designation.get_status_display()}
        )
    designation.status = Designation.Status.REJECTED
    designation.decided_by, designation.decided_at = decided_by, timezone.now()
    designation.rejection_reason = reason
    designation.save()
    return designation


@transaction.atomic
def designation_end(*, designation: Designation, ended_by, reason: str) -> Designation:
    """End an approved designation without a successor: the village returns to 'has products'."""
    designation = _locked_designation(designation)
    if designation.status != Designation.Status.APPROVED:
        raise WorkflowError(_("Hanya penetapan yang sedang berlaku yang dapat diakhiri."))
    designation.status = Designation.Status.ENDED
    designation.ended_by, designation.ended_at = ended_by, timezone.now()
    designation.end_reason = reason
    designation.save()
    return designation


@transaction.atomic
def assessment_record(
    *, product: Product, assessor, assessed_on: datetime.date, points: dict[int, int], notes: str = ""
) -> Assessment:
    """Record a scored assessment. `points` maps every active criterion's id to its points."""
    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    if not criteria:
        raise WorkflowError(_("Belum ada kriteria penilaian yang dipakai."))
    if set(points) != {c.pk for c in criteria}:
        raise WorkflowError(_("Setiap kriteria harus diberi nilai."))
    for criterion in criteria:
        if not 0 <= points[criterion.pk] <= criterion.max_points:
            raise WorkflowError(
                _("Nilai %(criterion)s harus antara 0 dan %(max)s.")
                % {"criterion": criterion.name, "max": criterion.max_points}
            )
    maximum = sum(c.max_points for c in criteria)
    total = sum(points.values())
    assessment = Assessment.objects.create(
        product=product,
        assessor=assessor,
        assessed_on=assessed_on,
        notes=notes,
        total_points=total,
        max_points=maximum,
        stars=stars_for(total, maximum),
    )
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
