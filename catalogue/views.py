"""The public pages: home, kecamatan, village and map pages, the language switch, certificate checks
and what search engines read (robots.txt); the catalogue is in views_catalogue.py and the product
page in views_products.py. Only published products of the served regency and approved
flagships are shown; producers' contacts only with their consent; never officers or amounts (unless
an admin setting allows amounts)."""

import math
import uuid
from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Avg, Count, Exists, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Floor
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assistance.models import SuccessStory
from assistance.selectors import public_assistance_summary
from core import prepared
from core.caching import cache_public_page
from core.links import CODE, SLUG, path_for_each
from core.pagination import paginate, search_query
from core.prepared import TEXT, Param
from officials import summary
from products.models import (
    Designation,
    Product,
)
from villages.models import District, Village

from . import coverage as coverage_figures
from . import showcase
from .showcase import public_flagships

STORY_COUNT = 3
AREA_ROWS_PER_PAGE = 50
MAP_PLACES_LIMIT = 1000  # markers and list entries on a regency's map page
MAP_LIST_LIMIT = 100  # list entries on a larger area's map page (its markers come from map_points)
MAP_POINTS_LIMIT = 200  # places map_points sends one by one; more are sent as clusters


@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """The programme at a glance: the coverage drawn and tabled per kecamatan (per regency or province
    in a larger area), the newest flagships and success stories, and the ways into the catalogue."""
    chosen, state = {"featured": None, "newest": None, "categories": None}, None
    if coverage_figures.area_level() != "district":  # a province or the country: summaries counted ahead
        state = summary.current_state()
        counts = state.figures.get("categories")
        chosen = {
            "featured": state.featured,
            "newest": state.newest,
            "categories": None if counts is None else dict(counts),
        }
    coverage = coverage_figures.area_coverage(state=state)
    totals = coverage.totals
    # Each list built and compiled once per day and choice (core.prepared); a province's or the
    # country's choice (ids kept on the summaries' state) is part of the key.
    today = timezone.localdate()
    featured_ids, newest_ids = (
        None if chosen[name] is None else tuple(chosen[name]) for name in ("featured", "newest")
    )
    featured = prepared.rows(
        ("catalogue.home_featured", today, featured_ids), lambda: showcase.featured(chosen["featured"])
    )
    newest = prepared.rows(
        ("catalogue.home_newest", today, newest_ids), lambda: showcase.newest(chosen["newest"])
    )
    stories = prepared.rows(
        ("catalogue.home_stories", today),
        lambda: (
            SuccessStory.objects.public()
            .select_related("product__village__district")
            .order_by("-updated_at", "-pk")[:STORY_COUNT]
        ),
    )
    categories = showcase.categories(chosen["categories"])
    context = {
        "village_count": totals["villages"],
        "desa_count": totals["desa"],
        "kelurahan_count": totals["kelurahan"],
        "district_count": len(coverage.rows),
        "flagship_count": totals[coverage_figures.FLAGSHIP],
        "coverage": totals["coverage"],
        "coverage_map": coverage,
        "coverage_totals": totals,
        "area_page": paginate(request, coverage.rows, per_page=AREA_ROWS_PER_PAGE, parameter="wilayah"),
        "featured": featured,
        "newest": newest,
        "stories": stories,
        "categories": categories,
    }
    return render(request, "home.html", context)


@require_safe
@cache_public_page
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = prepared.rows(
        ("catalogue.district",),
        lambda: District.objects.in_service_area().with_village_counts().filter(code=Param("code", TEXT)),
        code=code,
    )
    if not found:
        raise Http404
    district = found[0]
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
    flagship_count = prepared.count(
        ("catalogue.district_flagships",),
        lambda: public_flagships().filter(village__district=Param("district", TEXT)),
        district=district.code,
    )
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
    found = prepared.rows(
        ("catalogue.village",),
        lambda: Village.objects.in_service_area().for_detail().filter(code=Param("code", TEXT)),
        code=code,
    )
    if not found:
        raise Http404
    village = found[0]
    products = prepared.rows(
        ("catalogue.village_products", timezone.localdate()),
        lambda: showcase.village_products().prefetch_related("producers"),
        village=village.code,
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


def _with_public_products(villages):
    """Villages with what the public sees of their products, in the villages' own query: the flagship
    (name and slug) and the number of published products."""
    flagship = public_flagships().filter(village=OuterRef("pk"))
    products = (
        Product.objects.published()
        .filter(village=OuterRef("pk"))
        .order_by()
        .values("village")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return villages.annotate(
        flagship_name=Subquery(flagship.values("product__name")[:1]),
        flagship_slug=Subquery(flagship.values("product__slug")[:1]),
        product_count=Coalesce(Subquery(products), 0),
    )


def _places_filter() -> Q:
    """Villages in a situation the map shows (flagship, proposed, products), as two EXISTS the
    planner can run as semi-joins: a flagship is a published product of the village, so it needs no
    test of its own."""
    ref = OuterRef("pk")
    published = Product.objects.published().filter(village=ref)
    proposed = Designation.objects.filter(
        village=ref, product__village=ref, status=Designation.Status.PROPOSED
    )
    return Q(Exists(published)) | Q(Exists(proposed))


def _map_places():
    """Villages with a flagship, a proposal or products, with what the map says of them."""
    return _with_public_products(Village.objects.in_service_area().filter(_places_filter())).annotate(
        public_situation=coverage_figures.public_situation()
    )


def _with_paths(places: list) -> list:
    """Set `path` (the village's page) and `product_path` (its flagship's page, or None) on each of
    `places`, each kind of address reversed once for all (core.links.path_for_each)."""
    village_path = path_for_each("catalogue:village_detail", CODE)
    product_path = path_for_each("catalogue:product", SLUG)
    for village in places:
        village.path = village_path(village.code)
        village.product_path = product_path(village.flagship_slug) if village.flagship_slug else None
    return places


def _map_points(places: list) -> list[dict]:
    """The map's markers of `places` (set by _with_paths), those with coordinates."""
    labels = {situation: str(label) for situation, label in coverage_figures.LABELS.items()}
    return [
        {
            "name": str(village),
            "district": village.district.name,
            "situation": village.public_situation,
            "situation_label": labels[village.public_situation],
            "product": village.flagship_name or "",
            "url": village.product_path or village.path,
            "lat": float(village.latitude),
            "lng": float(village.longitude),
        }
        for village in places
        if village.latitude is not None and village.longitude is not None
    ]


@require_safe
@cache_public_page
def map_page(request: HttpRequest) -> HttpResponse:
    """Villages with a flagship, a proposal or products: drawn server-side (the same drawing as the
    home page, which needs neither tiles nor JavaScript), on a Leaflet map (vendored) when scripts run,
    and as a list.

    A regency's places (a few hundred at most) are all in the page's list, which the map reads its
    markers from; the drawing above it has no links of its own there. A province's or the country's
    (tens of thousands) are not: the map asks map_points for those of the area it shows, and the list
    keeps the first places in order of their codes, with a link to the village list for the rest."""
    coverage = coverage_figures.area_coverage()
    inline = coverage.is_villages
    places = _map_places().select_related("district")
    limit = MAP_PLACES_LIMIT if inline else MAP_LIST_LIMIT
    if inline:
        places = places.order_by("district__name", "name", "code")
    else:
        # A larger area's first places in code order, chosen from the village summaries (one index
        # walk): tested village by village the planner hashed every flagship and proposal of the
        # country first (0.45 s). Each is checked and described live all the same.
        places = places.filter(code__in=summary.first_public_places(limit + 1)).order_by("code")
    places = _with_paths(list(places[: limit + 1]))
    more = len(places) > limit
    places = places[:limit]
    map_config = {
        "tiles": settings.OVOP_MAP_TILE_URL,
        "attribution": settings.OVOP_MAP_ATTRIBUTION,
        "district_label": _("Kec."),
    }
    if inline:
        # The markers are read from the page's list of places (static/js/map.js), which carries each
        # place's coordinates: the same places twice, as a list and as JSON, made a regency's map 178 KB.
        map_config["points_in_list"] = True
        map_config["situation_labels"] = {s: str(label) for s, label in coverage_figures.LABELS.items()}
    else:
        map_config["points_url"] = reverse("catalogue:map_points")
        map_config["bounds"] = _area_bounds(coverage)
        map_config["cluster_label"] = _("desa dan kelurahan berproduk; perbesar peta untuk melihatnya")
    # The list, by kecamatan in the places' order, each group's items written in one pass.
    groups = [(district, list(group)) for district, group in groupby(places, key=lambda v: v.district)]
    context = {
        "places": places,
        "place_groups": [
            (district, coverage_figures.place_items(group, with_coordinates=inline))
            for district, group in groups
        ],
        "more_places": more,
        "flagship_place_count": sum(v.public_situation == coverage_figures.FLAGSHIP for v in places),
        "coverage_map": coverage,
        "map_config": map_config,
    }
    return render(request, "catalogue/map.html", context)


def _area_bounds(coverage) -> list[list[float]] | None:
    """South-west and north-east corners around the centres of the areas the drawing summarises."""
    centres = [(row.lat_sum / row.located, row.lng_sum / row.located) for row in coverage.rows if row.located]
    if not centres:
        return None
    lats, lngs = [lat for lat, _lng in centres], [lng for _lat, lng in centres]
    return [[round(min(lats), 4), round(min(lngs), 4)], [round(max(lats), 4), round(max(lngs), 4)]]


def _map_area(request: HttpRequest) -> tuple[tuple[float, float, float, float], int]:
    """The `bbox` (west,south,east,north in degrees) and `zoom` (0-18) asked for; ValueError if not."""
    parts = request.GET.get("bbox", "").split(",")
    if len(parts) != 4:
        raise ValueError
    west, south, east, north = (float(part) for part in parts)
    zoom = int(request.GET.get("zoom", ""))
    values_fit = all(math.isfinite(v) for v in (west, south, east, north))
    if not (values_fit and -180 <= west < east <= 180 and -90 <= south < north <= 90 and 0 <= zoom <= 18):
        raise ValueError
    return (west, south, east, north), zoom


@require_safe
@cache_public_page
def map_points(request: HttpRequest) -> JsonResponse:
    """The map's places within a bounding box, for the page's script: each place when there are at most
    MAP_POINTS_LIMIT, else clusters on a grid of about 64 pixels at the zoom asked for (their number,
    centre and flagships): a few KB whatever the size of the area. Two queries at most."""
    try:
        (west, south, east, north), zoom = _map_area(request)
    except ValueError:
        message = _("Parameter bbox (barat,selatan,timur,utara) atau zoom (0-18) tidak sah.")
        return JsonResponse({"error": message}, status=400)
    inside = Q(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
    places = list(
        _map_places().filter(inside).select_related("district").order_by("code")[: MAP_POINTS_LIMIT + 1]
    )
    if len(places) <= MAP_POINTS_LIMIT:
        return JsonResponse({"points": _map_points(_with_paths(places)), "clusters": []})
    cell = 360 / 2**zoom / 4  # degrees: a quarter of a 256-pixel tile
    clusters = (
        Village.objects.in_service_area()
        .filter(inside, _places_filter())
        .annotate(public_situation=coverage_figures.public_situation())
        .annotate(
            row=Floor(Cast("latitude", FloatField()) / Value(cell)),
            column=Floor(Cast("longitude", FloatField()) / Value(cell)),
        )
        .order_by()
        .values("row", "column")
        .annotate(
            count=Count("pk"),
            flagships=Count("pk", filter=Q(public_situation=coverage_figures.FLAGSHIP)),
            lat=Avg("latitude"),
            lng=Avg("longitude"),
        )
    )
    return JsonResponse(
        {
            "points": [],
            "clusters": [
                {
                    "lat": round(float(c["lat"]), 5),
                    "lng": round(float(c["lng"]), 5),
                    "count": c["count"],
                    "flagships": c["flagships"],
                }
                for c in clusters
            ],
        }
    )


def _count_of(queryset) -> Coalesce:
    """The number of rows of a correlated queryset, as a subquery of the outer row."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


@require_safe
@cache_public_page
def district_list(request: HttpRequest) -> HttpResponse:
    """The kecamatan, each with its villages, those with products and flagships, and its coverage;
    in an area larger than a regency, in order of their codes and grouped by regency."""
    query = search_query(request)
    # The page is chosen among the bare kecamatan rows (with their total, in one query), then only its
    # rows get their figures, each a subquery of the row: no join grouped over every village of the
    # area, and no figures computed for the rows a deep page skips (15 s nationally when they were).
    district = OuterRef("pk")
    flagships = public_flagships().filter(village__district=district)
    villages = Village.objects.filter(district=district)
    with_products = villages.filter(Exists(Product.objects.published().filter(village=OuterRef("pk"))))
    grouped = coverage_figures.area_level() != "district"
    order = ("code",) if grouped else ("name", "code")
    districts = District.objects.in_service_area().search(query).order_by(*order)
    with_figures = District.objects.annotate(
        village_count=_count_of(villages),
        flagship_count=_count_of(flagships),
        product_village_count=_count_of(with_products),
    ).order_by(*order)
    if grouped:  # grouped by regency: its name is shown
        with_figures = with_figures.select_related("regency")
    page_obj = paginate(request, districts, rows=lambda codes: with_figures.filter(pk__in=codes))
    for district in page_obj:
        count = district.village_count
        district.coverage = 100 * district.flagship_count / count if count else 0
    context = {"page_obj": page_obj, "query": query, "grouped": grouped}
    return render(request, "catalogue/district_list.html", context)


@require_safe
@cache_public_page
def village_list(request: HttpRequest) -> HttpResponse:
    """The villages, each with its flagship or its number of published products; `produk=1` keeps
    those with products. Larger areas show each village's regency."""
    query = search_query(request)
    only_products = request.GET.get("produk") == "1"
    villages = Village.objects.in_service_area().search(query)
    if only_products:
        villages = villages.filter(Exists(Product.objects.published().filter(village=OuterRef("pk"))))
    grouped = coverage_figures.area_level() != "district"
    villages = _with_public_products(villages).select_related("district__regency" if grouped else "district")
    context = {
        "page_obj": paginate(request, villages.order_by("name", "code")),
        "query": query,
        "only_products": only_products,
        "grouped": grouped,
    }
    return render(request, "catalogue/village_list.html", context)


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
    # The same page in the chosen language: a public page's other address (/en/...), an official's
    # page the same address (the cookie below chooses its language). The page is read in its own
    # language, the one of its address.
    with translation.override(
        translation.get_language_from_path(urlsplit(target).path) or settings.LANGUAGE_CODE
    ):
        target = translate_url(target, code)
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
        "Disallow: /en/bahasa/",
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
