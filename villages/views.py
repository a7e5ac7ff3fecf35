from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.pagination import paginate, search_query

from .models import District, Village


@require_safe
def district_list(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    districts = District.objects.in_service_area().search(query).with_village_counts().order_by("name")
    return render(
        request,
        "villages/district_list.html",
        {"page_obj": paginate(request, districts), "query": query},
    )


@require_safe
def village_list(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    villages = Village.objects.in_service_area().search(query).for_list().order_by("name", "code")
    return render(
        request,
        "villages/village_list.html",
        {"page_obj": paginate(request, villages), "query": query},
    )
