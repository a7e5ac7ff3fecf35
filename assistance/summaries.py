"""What the officials' product and village pages show of assistance, and what the public may see."""

from django.conf import settings
from django.db.models import Sum

from products.models import Product
from villages.models import Village

from .models import Delivery, MentoringVisit, Programme, before_and_after


def product_assistance(product: Product) -> dict:
    deliveries = list(
        Delivery.objects.filter(product=product).select_related("programme").order_by("-delivered_on", "-pk")
    )
    outcomes = list(product.outcomes.order_by("year", "quarter"))
    first = min((d.delivered_on for d in deliveries if d.status != Delivery.Status.CANCELLED), default=None)
    return {
        "deliveries": deliveries,
        "visits": MentoringVisit.objects.filter(product=product)
        .select_related("officer")
        .prefetch_related("photos")[:5],
        "outcomes": outcomes,
        "first_assistance": first,
        "comparison": before_and_after(outcomes, first),
    }


def village_assistance(village: Village) -> dict:
    return {
        "village_deliveries": Delivery.objects.filter(village=village)
        .select_related("programme", "product")
        .order_by("-delivered_on", "-pk")[:20],
    }


def public_assistance_summary(product: Product) -> list[dict]:
    """Kinds and years of assistance a product received; amounts only if an admin setting allows.

    Officers' names are never part of it.
    """
    labels = dict(Programme.Kind.choices)
    rows = (
        Delivery.objects.filter(product=product, status=Delivery.Status.DELIVERED)
        .values("programme__kind", "programme__fiscal_year")
        .annotate(total=Sum("value"))
        .order_by("-programme__fiscal_year", "programme__kind")
    )
    show_amounts = settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS
    return [
        {
            "kind": labels[row["programme__kind"]],
            "year": row["programme__fiscal_year"],
            "total": row["total"] if show_amounts else None,
        }
        for row in rows
    ]
