"""The public pages: home, kecamatan, village and map pages, the language switch, certificate checks
and what search engines read (robots.txt); the catalogue is in views_catalogue.py and the product
page in views_products.py. Only published products of the served regency and approved
flagships are shown; producers' contacts only with their consent; never officers or amounts (unless
an admin setting allows amounts)."""

import uuid

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assistance.selectors import public_assistance_summary
from core.caching import cache_public_page
from core.pagination import paginate
from products.models import (
    Category,
    Designation,
    Product,
)
from villages.models import District, Village, service_area

FEATURED_COUNT = 6


def public_flagships():
    """Approved designations of published products still in the designated village: the only
    flagships the public sees."""
    return (
        Designation.objects.approved()
        .in_product_village()
        .filter(service_area("village__code"), product__status=Product.Status.PUBLISHED)
    )


def _public_product_count() -> Coalesce:
    """How many public products a category has: counted from the area's products (their own index),
    not by joining every product of the country to the categories."""
    counted = (
        Product.objects.public()
        .filter(category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    village_counts = Village.objects.in_service_area().aggregate(
        village_count=Count("code"),
        desa_count=Count("code", filter=Q(kind=Village.Kind.DESA)),
        kelurahan_count=Count("code", filter=Q(kind=Village.Kind.KELURAHAN)),
    )
    flagship_count = public_flagships().count()
    districts = list(
        District.objects.in_service_area()
        .annotate(
            flagship_count=Count(
                "villages__designations",
                filter=Q(
                    villages__designations__status=Designation.Status.APPROVED,
                    villages__designations__product__status=Product.Status.PUBLISHED,
                    # as public_flagships(): the product must still be in the designated village
                    villages__designations__product__village=F("villages__code"),
                ),
            )
        )
        .order_by("name")
    )
    featured = (
        Product.objects.public()
        .for_catalogue()
        .filter(is_flagship=True)
        .order_by(F("stars").desc(nulls_last=True), "-flagship_year", "name")[:FEATURED_COUNT]
    )
    categories = Category.objects.annotate(product_count=_public_product_count()).filter(product_count__gt=0)
    village_total = village_counts["village_count"]
    context = {
        **village_counts,
        "district_count": len(districts),
        "districts": districts,
        "flagship_count": flagship_count,
        "coverage": 100 * flagship_count / village_total if village_total else 0,
        "featured": featured,
        "categories": categories,
    }
    return render(request, "home.html", context)


@require_safe
@cache_public_page
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District.objects.in_service_area().with_village_counts(), code=code)
    query = request.GET.get("q", "")[:100]
    flagship = public_flagships().filter(village=OuterRef("pk"))
    villages = (
        district.villages.search(query)
        .annotate(
            flagship_name=Subquery(flagship.values("product__name")[:1]),
            flagship_slug=Subquery(flagship.values("product__slug")[:1]),
        )
        .order_by("name")
    )
    flagship_count = public_flagships().filter(village__district=district).count()
    context = {
        "district": district,
        "page_obj": paginate(request, villages),
        "query": query,
        "flagship_count": flagship_count,
        "coverage": 100 * flagship_count / district.village_count if district.village_count else 0,
    }
    return render(request, "villages/district_detail.html", context)


@require_safe
@cache_public_page
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = get_object_or_404(Village.objects.in_service_area().for_detail(), code=code)
    products = list(
        Product.objects.public()
        .for_catalogue()
        .filter(village=village)
        .prefetch_related("producers")
        .order_by(F("is_flagship").desc(), "name")
    )
    flagship = products[0] if products and products[0].is_flagship else None
    producers = {p.pk: p for product in products for p in product.producers.all()}
    context = {
        "village": village,
        "flagship": flagship,
        "other_products": products[1:] if flagship else products,
        "producers": sorted(producers.values(), key=lambda p: p.business_name),
        "assistance_summary": public_assistance_summary(flagship) if flagship else [],
    }
    return render(request, "villages/village_detail.html", context)


@require_safe
@cache_public_page
def map_page(request: HttpRequest) -> HttpResponse:
    """Villages with a flagship, on a map (Leaflet, vendored) and as a list that works without it."""
    places = list(
        public_flagships()
        .select_related("village__district", "product__category")
        .order_by("village__district__name", "village__name")
    )
    points = [
        {
            "name": str(d.village),
            "district": d.village.district.name,
            "product": d.product.name,
            "url": reverse("catalogue:product", args=[d.product.slug]),
            "lat": float(d.village.latitude),
            "lng": float(d.village.longitude),
        }
        for d in places
        if d.village.latitude is not None and d.village.longitude is not None
    ]
    context = {
        "places": places,
        "map_config": {
            "points": points,
            "tiles": settings.OVOP_MAP_TILE_URL,
            "attribution": settings.OVOP_MAP_ATTRIBUTION,
            "district_label": _("Kec."),
        },
    }
    return render(request, "catalogue/map.html", context)


LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@require_safe
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """The language switch, as a plain link: keeps the page (`next`) and works without JavaScript.

    A link rather than Django's POST view, so that the public pages carry no CSRF token and can be
    cached for every visitor.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("catalogue:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /petugas/",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /bahasa/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is the designation behind this certificate valid today, ended (and when), or unknown?
    Shows only what the certificate itself shows; never names, notes, reasons or NIB."""
    try:
        parsed = uuid.UUID(code)
    except ValueError:
        parsed = None
    designation = (
        Designation.objects.verifiable().filter(verification_code=parsed).first()
        if parsed is not None
        else None
    )
    if designation is None:
        response = render(request, "catalogue/verify.html", {"designation": None}, status=404)
    else:
        context = {
            "designation": designation,
            "village": designation.village,
            "regency": designation.village.district.regency,
            "is_valid": designation.status == Designation.Status.APPROVED,
            "ended_on": timezone.localtime(designation.ended_at).date() if designation.ended_at else None,
            "checked_on": timezone.localdate(),
        }
        response = render(request, "catalogue/verify.html", context)
    # Short: an ending must show soon to whoever scans the code again.
    patch_cache_control(response, max_age=300)
    return response
