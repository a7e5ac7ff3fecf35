"""Pages that compose every app: the home page and the public region pages that show products."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from assistance.summaries import product_assistance, public_assistance_summary, village_assistance
from products.access import product_for_official
from products.forms import PhotoForm
from products.models import (
    Designation,
    LegalityDocument,
    Producer,
    Product,
    due_for_assessment,
    status_counts,
    with_ovop_status,
)
from products.views import product_page_context, village_registry_context
from villages.access import official_required, village_for_official
from villages.models import District, Village
from villages.roles import scope_of
from villages.views import paginate


def home(request: HttpRequest) -> HttpResponse:
    village_counts = Village.objects.in_service_area().aggregate(
        desa_count=Count("code", filter=Q(kind=Village.Kind.DESA)),
        kelurahan_count=Count("code", filter=Q(kind=Village.Kind.KELURAHAN)),
    )
    context = {"district_count": District.objects.in_service_area().count(), **village_counts}
    return render(request, "home.html", context)


def public_flagships():
    """Approved designations of published products: the only flagships the public sees."""
    return Designation.objects.approved().filter(product__status=Product.Status.PUBLISHED)


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.in_service_area().with_village_counts(), code=code)
    query = request.GET.get("q", "")[:100]
    flagship = public_flagships().filter(village=OuterRef("pk"))
    villages = (
        district.villages.search(query)
        .annotate(flagship_name=Subquery(flagship.values("product__name")[:1]))
        .order_by("name")
    )
    return render(
        request,
        "villages/district_detail.html",
        {"district": district, "page_obj": paginate(request, villages), "query": query},
    )


def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = get_object_or_404(Village.objects.in_service_area().for_detail(), code=code)
    flagship = public_flagships().filter(village=village).select_related("product__category").first()
    others = village.products.published().select_related("category").order_by("name")
    if flagship:
        others = others.exclude(pk=flagship.product_id)
    summary = public_assistance_summary(flagship.product) if flagship else []
    context = {
        "village": village,
        "flagship": flagship,
        "other_products": others,
        "assistance_summary": summary,
    }
    return render(request, "villages/village_detail.html", context)


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
        documents = LegalityDocument.objects.filter(
            Q(product__in=products) | Q(producer__in=Producer.objects.for_scope(scope))
        )
        context.update(
            statuses=status_counts(with_ovop_status(Village.objects.for_scope(scope)))["total"],
            awaiting=Designation.objects.for_scope(scope).proposed().count(),
            expiring=documents.expiring().count(),
            expired=documents.expired().count(),
            assessments_due=due_for_assessment(products).count(),
        )
    return render(request, "officials/home.html", context)
