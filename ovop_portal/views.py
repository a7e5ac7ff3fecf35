"""Officials' pages that compose every app (the public pages are in public.py)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assistance.summaries import product_assistance, village_assistance
from products.access import product_for_official
from products.forms import PhotoForm
from products.models import (
    Designation,
    Product,
    due_for_assessment,
    legality_expiry_counts,
    status_counts,
    with_ovop_status,
)
from products.views import product_page_context, village_registry_context
from villages.access import official_required, village_for_official
from villages.models import Village
from villages.roles import scope_of


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer or process monitor: the app answers, without touching the database.
    It is also the benchmark's trivial view (bench/run.py), the ceiling of this stack."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@official_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The officials' product page: the registry, designations and assessments, and assistance."""
    product = product_for_official(scope_of(request.user), pk)
    context = {**product_page_context(product, PhotoForm()), **product_assistance(product)}
    return render(request, "products/product_detail.html", context)


@official_required
def village_registry(request: HttpRequest, code: str) -> HttpResponse:
    """The officials' village page: products, producers, designation history and assistance."""
    village = village_for_official(scope_of(request.user), code)
    context = {**village_registry_context(request, village), **village_assistance(village)}
    return render(request, "products/village_registry.html", context)


@login_required
def officials_home(request: HttpRequest) -> HttpResponse:
    """The officials' landing page: what needs doing in their area, each figure a link to its list."""
    scope = scope_of(request.user)
    context = {"scope": scope}
    if scope.is_official:
        products = Product.objects.for_scope(scope)
        context.update(
            statuses=status_counts(with_ovop_status(Village.objects.for_scope(scope)))["total"],
            awaiting=Designation.objects.for_scope(scope).proposed().count(),
            **legality_expiry_counts(scope),
            assessments_due=due_for_assessment(products).count(),
        )
    return render(request, "officials/home.html", context)
