"""Reads that span the products app's models and that pages outside it share: the registry parts of
the officials' product and village pages (composed by officials.views, which adds assistance),
villages' OVOP status and its counts, and the legality documents to renew."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from core import prepared
from core.history import change_history
from villages.models import Village
from villages.roles import Scope

from .models import Designation, LegalityDocument, Producer, Product, VillageStatus
from .models.legality import expired_q, expiring_q


def product_registry(product: Product) -> dict:
    """What the officials' product page shows of the registry, designations and assessments."""
    return {
        "product": product,
        "photos": product.photos.all(),
        "producers": product.producers.select_related("village").all(),
        "documents": product.legality_documents.all(),
        "assessments": product.assessments.for_product_page(),
        "designations": product.designations.for_history(),
        "change_history": change_history(
            Product.history.filter(id=product.pk),
            LegalityDocument.history.filter(product_id=product.pk),
            Designation.history.filter(product_id=product.pk),
        ),
    }


def producer_registry(producer: Producer) -> dict:
    """What the officials' producer page shows of the registry (officials.views adds the visits)."""
    return {
        "producer": producer,
        "products": producer.products.select_related("village", "category").all(),
        "documents": producer.legality_records(),  # its NIB among them (one source: the producer)
        "change_history": change_history(
            Producer.history.filter(id=producer.pk),
            LegalityDocument.history.filter(producer_id=producer.pk),
        ),
    }


def village_registry(village: Village) -> dict:
    """What the officials' village page shows of the registry and designations."""
    documents = Prefetch("legality_documents", queryset=LegalityDocument.objects.order_by("expires_on", "pk"))
    history = list(village.designations.for_history())
    return {
        "village": village,
        "products": village.products.select_related("category").prefetch_related(documents, "producers"),
        "producers": village.producers.prefetch_related(documents),
        "history": history,
        "current": next((d for d in history if d.status == Designation.Status.APPROVED), None),
        "proposals": [d for d in history if d.status == Designation.Status.PROPOSED],
        "change_history": change_history(Designation.history.filter(village_id=village.code)),
    }


def with_ovop_status(villages: models.QuerySet) -> models.QuerySet:
    """Annotate a Village queryset with `ovop_status` (one of VillageStatus) in the same query."""
    # A designation counts only while its product is in the village (see in_product_village).
    approved = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.APPROVED
    )
    proposed = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.PROPOSED
    )
    products = Product.objects.filter(village=OuterRef("pk"))
    return villages.annotate(
        ovop_status=models.Case(
            models.When(Exists(approved), then=models.Value(VillageStatus.DESIGNATED)),
            models.When(Exists(proposed), then=models.Value(VillageStatus.PROPOSED)),
            models.When(Exists(products), then=models.Value(VillageStatus.HAS_PRODUCTS)),
            default=models.Value(VillageStatus.NONE),
            output_field=models.CharField(),
        )
    )


# A village's public situation (catalogue.coverage draws them): a flagship as the public sees it (an
# approved designation of a published product still in the village), a proposal (never its product),
# published products, or none; the first that holds.
PUBLIC_SITUATIONS = ("flagship", "proposed", "products", "none")


def public_situation() -> models.Case:
    """The village's public situation, in the village query itself (three EXISTS)."""
    flagship, proposed, products, none = PUBLIC_SITUATIONS
    ref = OuterRef("pk")
    approved = Designation.objects.filter(
        village=ref,
        product__village=ref,
        status=Designation.Status.APPROVED,
        product__status=Product.Status.PUBLISHED,
    )
    open_proposal = Designation.objects.filter(
        village=ref, product__village=ref, status=Designation.Status.PROPOSED
    )
    return models.Case(
        models.When(Exists(approved), then=models.Value(flagship)),
        models.When(Exists(open_proposal), then=models.Value(proposed)),
        models.When(Exists(Product.objects.published().filter(village=ref)), then=models.Value(products)),
        default=models.Value(none),
        output_field=models.CharField(),
    )


# The areas a summary of villages can be grouped by: (code lookup, name lookup) from a village.
SUMMARY_LEVELS = {
    "district": ("district_id", "district__name"),
    "regency": ("district__regency_id", "district__regency__name"),
    "province": ("district__regency__province_id", "district__regency__province__name"),
}


def _status_rows(villages: models.QuerySet, level: str) -> models.QuerySet:
    code, name = SUMMARY_LEVELS[level]
    return villages.order_by().values(code, name, "ovop_status").annotate(n=models.Count("pk"))


def status_counts(villages, level: str = "district", *, key: tuple | None = None) -> dict:
    """Counts per OVOP status for the villages (annotated by with_ovop_status), overall and per area
    of the level (kecamatan unless told otherwise).

    One query, grouped by area and status. With `key` (core.prepared: everything the villages'
    query depends on), `villages` is a function that builds the queryset, built and compiled once
    per key.
    """
    code, name = SUMMARY_LEVELS[level]
    if key is None:
        rows = list(_status_rows(villages, level))
    else:
        rows = prepared.rows(("products.status_counts", level, *key), lambda: _status_rows(villages(), level))
    total = dict.fromkeys(VillageStatus.values, 0)
    districts: dict[str, dict] = {}
    for row in rows:
        entry = districts.setdefault(
            row[code],
            {"code": row[code], "name": row[name], **dict.fromkeys(VillageStatus.values, 0)},
        )
        entry[row["ovop_status"]] += row["n"]
        total[row["ovop_status"]] += row["n"]
    for entry in districts.values():
        entry["all"] = sum(entry[s] for s in VillageStatus.values)
    total["all"] = sum(total[s] for s in VillageStatus.values)
    return {"total": total, "districts": sorted(districts.values(), key=lambda d: d["name"])}


def legality_expiry_counts(scope: Scope) -> dict:
    """How many legality documents of the scope's products and producers have expired, and how many
    expire soon. A document belongs to a product or to a producer, never both: each side is counted
    through its own index and the two added (an OR of the two would read every document). Each side
    built and compiled once per scope and day (core.prepared)."""
    counts = {"expired": 0, "expiring": 0}
    today = timezone.localdate()
    for owner, model in (("product__in", Product), ("producer__in", Producer)):
        side = prepared.aggregate(
            ("products.legality_expiry", owner, scope, today),
            lambda owner=owner, model=model: LegalityDocument.objects.filter(
                **{owner: model.objects.for_scope(scope)}
            ),
            expired=models.Count("pk", filter=expired_q(today)),
            expiring=models.Count("pk", filter=expiring_q(today)),
        )
        counts = {key: counts[key] + side[key] for key in counts}
    return counts
