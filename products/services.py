"""Writes on the registry that touch several rows, files, or need a lock."""

import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from PIL import Image

from villages.deletion import DeletionRefused, delete_unless_used

from .images import make_renditions, validate_photo
from .models import LegalityDocument, Producer, Product, ProductPhoto

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
    ProductPhoto.objects.filter(pk=photo.pk).update(is_cover=True)


@transaction.atomic
def product_photo_delete(*, photo: ProductPhoto) -> None:
    """Delete the photo and its files; if it was the cover, the next photo becomes the cover."""
    Product.objects.select_for_update().get(pk=photo.product_id)
    names = _photo_files([photo])
    was_cover = photo.is_cover
    photo.delete()
    if was_cover:
        successor = (
            ProductPhoto.objects.filter(product_id=photo.product_id).order_by("position", "pk").first()
        )
        if successor:
            ProductPhoto.objects.filter(pk=successor.pk).update(is_cover=True)
    transaction.on_commit(lambda: _delete_files(names))


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product with its photos; refused (DeletionRefused) while other records use it."""
    names = _photo_files(product.photos.all())
    delete_unless_used(product)
    transaction.on_commit(lambda: _delete_files(names))


def producer_delete(*, producer: Producer) -> None:
    """Refused while the producer makes a product or holds documents."""
    if producer.products.exists():
        raise DeletionRefused(
            _(
                "%(object)s tidak dapat dihapus karena masih tercatat sebagai produsen %(count)s produk. "
                "Lepaskan dari produk itu lebih dulu."
            )
            % {"object": producer, "count": producer.products.count()}
        )
    delete_unless_used(producer)


@transaction.atomic
def legality_delete(*, document: LegalityDocument) -> None:
    name = document.scan.name if document.scan else ""
    document.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
