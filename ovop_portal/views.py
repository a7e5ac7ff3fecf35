"""Pages that compose every app: the home page and the public region pages that show products."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from products.models import Designation, Product
from villages.models import District, Village
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
    context = {"village": village, "flagship": flagship, "other_products": others}
    return render(request, "villages/village_detail.html", context)


@login_required
def officials_home(request: HttpRequest) -> HttpResponse:
    return render(request, "officials/home.html")
