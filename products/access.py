"""Loading registry objects for an official: another area's objects answer 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from villages.roles import Scope

from .models import Designation, LegalityDocument, Producer, Product, ProductPhoto


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
