"""Writes on the registry that touch several rows or files: photos and their renditions, deletions."""

import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import ngettext
from PIL import Image

from core.deletion import delete_unless_used
from core.errors import Refused
from core.images import make_renditions, validate_photo

from ..models import (
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
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
def product_producer_register(*, product: Product, producer: Producer) -> Producer:
    """Register a producer typed on the product's own form, in the product's village, as one of its
    makers. Its model checks run here (the form left the village out)."""
    producer.village_id = product.village_id
    producer.full_clean()
    producer.save()
    product.producers.add(producer)
    return producer


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
