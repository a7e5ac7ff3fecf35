"""Loading registry objects for an official: another area's objects answer 404."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from villages.roles import Scope

from .models import Decree, Designation, DesignationRound, LegalityDocument, Producer, Product, ProductPhoto


def product_for_official(scope: Scope, pk: int) -> Product:
    return get_object_or_404(
        Product.objects.for_scope(scope).select_related("village__district", "category"), pk=pk
    )


def producer_for_official(scope: Scope, pk: int) -> Producer:
    return get_object_or_404(Producer.objects.for_scope(scope).select_related("village__district"), pk=pk)


def photo_for_official(scope: Scope, pk: int) -> ProductPhoto:
    return get_object_or_404(ProductPhoto.objects.filter(product__in=Product.objects.for_scope(scope)), pk=pk)


def legality_for_official(scope: Scope, pk: int) -> LegalityDocument:
    in_scope = LegalityDocument.objects.filter(
        Q(product__in=Product.objects.for_scope(scope)) | Q(producer__in=Producer.objects.for_scope(scope))
    )
    return get_object_or_404(in_scope.select_related("product", "producer"), pk=pk)


def designation_for_official(scope: Scope, pk: int) -> Designation:
    return get_object_or_404(
        Designation.objects.for_scope(scope).select_related("village__district", "product", "proposed_by"),
        pk=pk,
    )


def decree_for_official(scope: Scope, pk: int) -> Decree:
    """The decree of a round, for the Dinas; for an officer only when it designates a product of
    their area (else 404, as every other area's object)."""
    # The round by its own key first: a lookup through the foreign key has no guard against a key
    # beyond the database's integers.
    round_id = get_object_or_404(DesignationRound.objects.values_list("pk", flat=True), pk=pk)
    decree = get_object_or_404(Decree.objects.select_related("round"), round_id=round_id)
    if not scope.is_dinas and not Designation.objects.for_scope(scope).filter(decree=decree).exists():
        raise Http404
    return decree
