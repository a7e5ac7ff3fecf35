"""The public product page, its printable stall label and its QR code."""

import io
from urllib.parse import quote, urlencode

import segno
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assistance.selectors import public_assistance_summary, public_success_story
from core.caching import cache_public_page
from core.links import public_url
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    LegalityDocument,
    Product,
    add_months,
    assessor_role_label,
)


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
