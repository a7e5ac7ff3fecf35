"""The public pages: home, catalogue, product, category, kecamatan, village and map pages, and what
search engines read (sitemap, robots.txt). Only published products of the served regency and approved
flagships are shown; producers' contacts only with their consent; never officers or amounts (unless
an admin setting allows amounts)."""

import io
import uuid
from urllib.parse import quote, urlencode

import segno
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

from assistance.selectors import public_assistance_summary, public_success_story
from core.caching import cache_public_page, page_shape
from core.links import public_url
from core.pagination import paginate
from products.filters import CatalogueFilter
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    Category,
    Designation,
    LegalityDocument,
    Product,
    add_months,
    assessor_role_label,
)
from villages.models import District, Village, service_area

CATALOGUE_PAGE_SIZE = 12
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


def _active_filters(request: HttpRequest, filterset: CatalogueFilter, skip: set[str]) -> list[dict]:
    """The filters in use, each with the link that removes it (and goes back to page 1)."""
    filterset.is_valid()
    cleaned = getattr(filterset.form, "cleaned_data", {})
    active = []
    for name in ("q", "kecamatan", "kategori", "jenis", "bintang", "legalitas"):
        value = cleaned.get(name)
        if not value or name in skip:
            continue
        field = filterset.form.fields[name]
        # Model choices (kecamatan, kategori) show their name; iterating them would cost a query.
        choices = {} if hasattr(value, "pk") else {str(k): v for k, v in getattr(field, "choices", [])}
        remaining = request.GET.copy()
        remaining.pop(name, None)
        remaining.pop("page", None)
        active.append(
            {
                "label": field.label,
                "value": getattr(value, "name", None) or choices.get(str(value), value),
                "remove_url": f"?{remaining.urlencode()}" if remaining else request.path,
            }
        )
    return active


def _catalogue(request: HttpRequest, category: Category | None = None) -> HttpResponse:
    data = request.GET.copy()
    products = Product.objects.public().for_catalogue()
    if category:
        data.pop("kategori", None)  # the page is the category
        products = products.filter(category=category)
    filterset = CatalogueFilter(data, queryset=products)
    page_obj = paginate(request, filterset.qs, CATALOGUE_PAGE_SIZE)
    active = _active_filters(request, filterset, skip={"kategori"} if category else set())
    context = {
        "filter": filterset,
        "page_obj": page_obj,
        "category": category,
        "active_filters": active,
        "more_filters_open": any(
            request.GET.get(name) for name in ("kategori", "jenis", "bintang", "legalitas", "urut")
        ),
        "search_query": filterset.search_query,
    }
    template = "catalogue/product_list.html"
    # One decision for the view and the cache key (core.caching.page_shape); the template adds
    # its out-of-band language switch for any htmx request, i.e. any shape but "page".
    if page_shape(request) == "fragment":
        template += "#results"
    return render(request, template, context)


@require_safe
@cache_public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue(request)


@require_safe
@cache_public_page
def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _catalogue(request, get_object_or_404(Category, slug=slug))


def _public_product(slug: str) -> Product:
    return get_object_or_404(
        # The page loads all the photos itself: no cover prefetch.
        Product.objects.public()
        .for_catalogue()
        .prefetch_related(None)
        .select_related("village__district__regency"),
        slug=slug,
    )


def whatsapp_link(number: str, text: str) -> str:
    return f"https://wa.me/{number.lstrip('+')}?{urlencode({'text': text}, quote_via=quote)}"


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    text = f"{title} {url}"
    return [
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': text}, quote_via=quote)}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("X", f"https://twitter.com/intent/tweet?{urlencode({'text': title, 'url': url}, quote_via=quote)}"),
        ("Telegram", f"https://t.me/share/url?{urlencode({'url': url, 'text': title}, quote_via=quote)}"),
        (_("Surel"), f"mailto:?{urlencode({'subject': title, 'body': text}, quote_via=quote)}"),
    ]


def product_json_ld(product: Product, producers: list, url: str, image: str | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "category": product.category.name,
        "description": product.story[:500] or product.name,
        "countryOfOrigin": "ID",
        "brand": {"@type": "Brand", "name": product.name},
        "manufacturer": [{"@type": "Organization", "name": producer.business_name} for producer in producers],
    }
    if image:
        data["image"] = image
    if product.price_min is not None or product.price_max is not None:
        low = product.price_min if product.price_min is not None else product.price_max
        high = product.price_max if product.price_max is not None else product.price_min
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "IDR",
            "lowPrice": low,
            "highPrice": high,
        }
    return data


@require_safe
@cache_public_page
def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    product = _public_product(slug)
    village = product.village
    url = public_url(product.get_public_url())
    photos = list(product.photos.order_by("-is_cover", "position", "pk"))
    producers = list(product.producers.order_by("business_name"))
    documents = (
        LegalityDocument.objects.valid()
        .filter(Q(product=product) | Q(producer__in=[p.pk for p in producers]))
        .select_related("producer")
        .order_by("kind", "expires_on")
    )
    message = _("Halo %(producer)s, saya melihat %(product)s (%(village)s) di portal OVOP: %(url)s")
    contacts = [
        {
            "producer": producer,
            "whatsapp": whatsapp_link(
                producer.public_whatsapp,
                message
                % {
                    "producer": producer.business_name,
                    "product": product.name,
                    "village": village,
                    "url": url,
                },
            )
            if producer.public_whatsapp
            else "",
        }
        for producer in producers
    ]
    cover = photos[0] if photos else None
    image = request.build_absolute_uri(cover.large.url) if cover else None
    others = (
        Product.objects.public()
        .for_catalogue()
        .filter(village=village)
        .exclude(pk=product.pk)
        .order_by(F("is_flagship").desc(), "name")[:4]
    )
    context = {
        "product": product,
        "village": village,
        "photos": photos,
        "cover": cover,
        "contacts": contacts,
        "documents": documents,
        "assistance_summary": public_assistance_summary(product),
        **public_success_story(product),
        # Who assessed, truthfully: the assessor's role then, never a name; nothing when unrecorded.
        "assessed_by": assessor_role_label(product.assessor_role) if product.stars else "",
        "stars_valid_until": add_months(product.assessed_on, ASSESSMENT_VALID_MONTHS)
        if product.stars
        else None,
        "others": others,
        "page_url": url,
        "og_image": image,
        "share_links": share_links(url, product.name),
        "json_ld": product_json_ld(product, producers, url, image),
    }
    return render(request, "catalogue/product_detail.html", context)


@require_safe
@cache_public_page
def product_label(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable label: the product, its village and a large QR code to its page."""
    product = _public_product(slug)
    return render(
        request,
        "catalogue/product_label.html",
        {"product": product, "page_url": public_url(product.get_public_url())},
    )


QR_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@require_safe
@cache_public_page
def product_qr(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """The QR code of the product page, as SVG (for print) or PNG; ?unduh=1 downloads it."""
    if kind not in QR_FORMATS:
        raise Http404
    product = _public_product(slug)
    code = segno.make(public_url(product.get_public_url()), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=10, border=4, title=product.name, xmldecl=False)
    else:
        code.save(buffer, kind="png", scale=12, border=4)
    response = HttpResponse(buffer.getvalue(), content_type=QR_FORMATS[kind])
    if request.GET.get("unduh"):
        response["Content-Disposition"] = f'attachment; filename="qr-{product.slug}.{kind}"'
    return response


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
