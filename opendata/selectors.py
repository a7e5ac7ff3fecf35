"""The five open datasets as querysets: only what the public pages show, of the area they show.

Each is one query per page of rows (plus the paginator's count), whatever the number of rows: what a
row needs from other tables is joined or annotated, never fetched per row."""

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum

from assistance.models import Delivery
from products.models import Designation, Producer, Product
from villages.models import Village, service_area


def public_flagship_designations() -> QuerySet:
    """Approved designations of published products still in the designated village, in the served
    area: the flagships the public pages show (as catalogue.showcase.public_flagships)."""
    return (
        Designation.objects.approved()
        .in_product_village()
        .filter(service_area("village__code"), product__status=Product.Status.PUBLISHED)
    )


def villages() -> QuerySet:
    flagship = public_flagship_designations().filter(village=OuterRef("pk"))
    return (
        Village.objects.in_service_area()
        .select_related("district__regency")
        .annotate(
            has_products=Exists(Product.objects.public().filter(village=OuterRef("pk"))),
            flagship_slug=Subquery(flagship.values("product__slug")[:1]),
        )
        .order_by("code")
    )


def products() -> QuerySet:
    return (
        Product.objects.public()
        .select_related("village", "category")
        .with_public_flagship()
        .with_stars()
        .order_by("slug")
    )


def producers() -> QuerySet:
    """Producers who consented to publication and make at least one public product."""
    return (
        Producer.objects.filter(contact_consent=True)
        .filter(Exists(Product.objects.public().filter(producers=OuterRef("pk"))))
        .order_by("business_name", "pk")
    )


def designations() -> QuerySet:
    return public_flagship_designations().select_related("product").order_by("-year", "village_id")


def assistance() -> QuerySet:
    """The public products' assistance, grouped as assistance.selectors.public_assistance_summary shows
    it on a product page (delivered only, by programme kind and fiscal year), for all products at once.
    The total is read from the database only when the admin setting lets the public see amounts."""
    rows = (
        Delivery.objects.filter(
            status=Delivery.Status.DELIVERED,
            product__status=Product.Status.PUBLISHED,
        )
        .filter(service_area("product__village__code"))
        .values("product__slug", "programme__kind", "programme__fiscal_year")
        .order_by("product__slug", "-programme__fiscal_year", "programme__kind")
    )
    if settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS:
        return rows.annotate(total=Sum("value"))
    return rows.distinct()
