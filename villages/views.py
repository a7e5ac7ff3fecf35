from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import District, Village

PAGE_SIZE = 30


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a missing, malformed or out-of-range number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def district_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    districts = District.objects.in_service_area().search(query).with_village_counts().order_by("name")
    return render(
        request,
        "villages/district_list.html",
        {"page_obj": paginate(request, districts), "query": query},
    )


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.in_service_area().with_village_counts(), code=code)
    query = request.GET.get("q", "")[:100]
    villages = district.villages.search(query).order_by("name")
    return render(
        request,
        "villages/district_detail.html",
        {"district": district, "page_obj": paginate(request, villages), "query": query},
    )


def village_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    villages = Village.objects.in_service_area().search(query).for_list().order_by("name", "code")
    return render(
        request,
        "villages/village_list.html",
        {"page_obj": paginate(request, villages), "query": query},
    )


def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = get_object_or_404(Village.objects.in_service_area().for_detail(), code=code)
    return render(request, "villages/village_detail.html", {"village": village})
