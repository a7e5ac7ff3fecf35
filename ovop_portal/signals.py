"""Cache invalidation (the one use of signals the conventions accept): any write to what the public
pages show makes every cached public page stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from assistance.models import Delivery, MentoringVisit, Programme
from products.models import (
    Assessment,
    Category,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    ProductPhoto,
)
from villages.models import District, Village

from .cache import invalidate_figures, invalidate_public_pages

PUBLIC_MODELS = [
    District,
    Village,
    Category,
    Producer,
    Product,
    ProductPhoto,
    LegalityDocument,
    Designation,
    Assessment,
    Programme,
    Delivery,
]


# What the officials' figures (the dashboard) count besides.
FIGURES_MODELS = [*PUBLIC_MODELS, MentoringVisit]


def _invalidate(sender, **kwargs) -> None:
    invalidate_public_pages()


def _invalidate_figures(sender, **kwargs) -> None:
    invalidate_figures()


def connect() -> None:
    for model in PUBLIC_MODELS:
        post_save.connect(_invalidate, sender=model, dispatch_uid=f"public-cache-save-{model.__name__}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"public-cache-delete-{model.__name__}")
    m2m_changed.connect(_invalidate, sender=Product.producers.through, dispatch_uid="public-cache-m2m")
    for model in FIGURES_MODELS:
        name = model.__name__
        post_save.connect(_invalidate_figures, sender=model, dispatch_uid=f"figures-save-{name}")
        post_delete.connect(_invalidate_figures, sender=model, dispatch_uid=f"figures-delete-{name}")
    m2m_changed.connect(_invalidate_figures, sender=Product.producers.through, dispatch_uid="figures-m2m")
