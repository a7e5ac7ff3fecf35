"""Writes of a product's market network (variants, points of sale, markets reached) and of a
producer's shop links: every formset of a page saved together, or none of them."""

from collections.abc import Iterable

from django.db import transaction
from django.forms import BaseInlineFormSet

from ..models import Producer, Product


@transaction.atomic
def product_market_save(*, product: Product, formsets: Iterable[BaseInlineFormSet]) -> None:
    """Save the product's validated market formsets. The product row is locked first: two officials
    saving the same product's lists take turns, and each checks its names against what the other saved."""
    Product.objects.select_for_update().filter(pk=product.pk).exists()
    for formset in formsets:
        formset.save()


@transaction.atomic
def producer_shop_links_save(*, producer: Producer, formset: BaseInlineFormSet) -> None:
    """Save the producer's validated shop-link formset, the producer row locked (as above)."""
    Producer.objects.select_for_update().filter(pk=producer.pk).exists()
    formset.save()
