from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from villages.models import District, Village


def home(request: HttpRequest) -> HttpResponse:
    village_counts = Village.objects.in_service_area().aggregate(
        desa_count=Count("code", filter=Q(kind=Village.Kind.DESA)),
        kelurahan_count=Count("code", filter=Q(kind=Village.Kind.KELURAHAN)),
    )
    context = {"district_count": District.objects.in_service_area().count(), **village_counts}
    return render(request, "home.html", context)


@login_required
def officials_home(request: HttpRequest) -> HttpResponse:
    return render(request, "officials/home.html")
