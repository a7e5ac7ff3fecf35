"""The public product page, its printable stall label and its QR code."""

import io
from urllib.parse import quote, urlencode

import segno
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assistance.selectors import public_assistance_summary, public_success_story
from core import prepared
from core.caching import cache_public_page
from core.links import public_url
from core.prepared import INTEGER, TEXT, Param
from products.models import (
    ASSESSMENT_VALID_MONTHS,
    LegalityDocument,
    MarketArea,
    Producer,
    Product,
    ProductPhoto,
    ProductVariant,
    SalesPoint,
    ShopLink,
    add_months,
    assessor_role_label,
    shop_url_refusal,
    with_producer_nibs,
)

from . import showcase


def _public_product(slug: str) -> Product:
    found = prepared.rows(
        ("catalogue.product", timezone.localdate()),
        # The page loads all the photos itself: no cover prefetch.
        lambda: (
            Product.objects.public()
            .for_catalogue()
            .prefetch_related(None)
            .select_related("village__district__regency")
            .filter(slug=Param("slug", TEXT))
        ),
        slug=slug,
    )
    if not found:
        raise Http404
    return found[0]


def _of_product(product: Product, name: str, build) -> list:
    """The rows `build()` gives for the product (its Param "product"), each knowing its product as the
    related manager's rows do. The product page's queries are built and compiled once for every
    product (core.prepared)."""
    rows = prepared.rows((f"catalogue.product_{name}",), build, product=product.pk)
    for row in rows:
        row.product = product
    return rows


def _product_param() -> Param:
    return Param("product", INTEGER)


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


def variant_anchor(variant: ProductVariant) -> str:
    """The fragment naming one variant on the product page: the page is cached per URL, so a buyer's
    choice lives in the fragment, never in a query parameter."""
    return f"varian-{variant.pk}"


def weight_label(grams: int | None) -> str:
    """500 -> '500 g', 1000 -> '1 kg', 1500 -> '1,5 kg' (the interface language's grouping)."""
    if grams is None:
        return ""
    if grams < 1000:
        return f"{number_format(grams, force_grouping=True)} g"
    kilos = grams / 1000
    if kilos.is_integer():
        return f"{number_format(int(kilos), force_grouping=True)} kg"
    return f"{number_format(kilos, force_grouping=True)} kg"


def _quantity(value: int, unit: str) -> dict:
    return {"@type": "QuantitativeValue", "value": value, "unitCode": unit}


def _variant_offer(product: Product, variant: ProductVariant, url: str) -> dict:
    offer = {
        "@type": "Offer",
        "name": variant.name,
        "priceCurrency": "IDR",
        "url": f"{url}#{variant_anchor(variant)}",
        "eligibleQuantity": {
            "@type": "QuantitativeValue",
            "minValue": variant.min_order,
            "unitText": variant.unit,
        },
        # Made to order when it takes days to produce; otherwise on hand.
        "availability": "https://schema.org/PreOrder"
        if variant.lead_time_days
        else "https://schema.org/InStock",
    }
    if variant.price is not None:
        offer["price"] = variant.price
    if variant.net_weight_grams is not None:
        offer["itemOffered"] = {
            "@type": "Product",
            "name": f"{product.name} – {variant.name}",
            "weight": _quantity(variant.net_weight_grams, "GRM"),
        }
    return offer


def product_json_ld(
    product: Product,
    producers: list,
    url: str,
    image: str | None,
    variants: list[ProductVariant] | None = None,
) -> dict:
    """schema.org Product: one Offer per variant, or an AggregateOffer of the price range when the
    product has no variants."""
    variants = variants or []
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "category": product.category.display_name,
        "description": product.story[:500] or product.name,
        "countryOfOrigin": "ID",
        "brand": {"@type": "Brand", "name": product.name},
        "manufacturer": [{"@type": "Organization", "name": producer.business_name} for producer in producers],
    }
    if image:
        data["image"] = image
    weights = {variant.net_weight_grams for variant in variants}
    if len(weights) == 1 and None not in weights:
        # One weight for everything sold: it is the product's own.
        data["weight"] = _quantity(weights.pop(), "GRM")
    if variants:
        data["offers"] = [_variant_offer(product, variant, url) for variant in variants]
    elif product.price_min is not None or product.price_max is not None:
        low = product.price_min if product.price_min is not None else product.price_max
        high = product.price_max if product.price_max is not None else product.price_min
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "IDR",
            "lowPrice": low,
            "highPrice": high,
        }
    return data


def variant_rows(product: Product, variants: list, producers: list, url: str) -> list[dict]:
    """Each variant with its anchor, weight in words and a ready WhatsApp order to every producer who
    agreed to publish their number; the message names the product and the variant."""
    message = _(
        "Halo %(producer)s, saya ingin memesan %(product)s, varian %(variant)s (%(village)s), "
        "dari portal OVOP: %(url)s"
    )
    reachable = [producer for producer in producers if producer.public_whatsapp]
    rows = []
    for variant in variants:
        anchor = variant_anchor(variant)
        rows.append(
            {
                "variant": variant,
                "anchor": anchor,
                "weight": weight_label(variant.net_weight_grams),
                "orders": [
                    {
                        "producer": producer,
                        "whatsapp": whatsapp_link(
                            producer.public_whatsapp,
                            message
                            % {
                                "producer": producer.business_name,
                                "product": product.name,
                                "variant": variant.name,
                                "village": product.village,
                                "url": f"{url}#{anchor}",
                            },
                        ),
                    }
                    for producer in reachable
                ],
            }
        )
    return rows


def public_shop_links(product: Product) -> list[ShopLink]:
    """The shops and pages of the product's producers who consented to publication, the product's own
    listings first; a link off its platform's domain (written behind the forms' back) is left out, so
    a link never leads elsewhere than its label says."""
    links = prepared.rows(
        ("catalogue.product_shop_links",),
        lambda: (
            ShopLink.objects.filter(producer__products=_product_param(), producer__contact_consent=True)
            .filter(Q(product=None) | Q(product=_product_param()))
            .select_related("producer")
            .order_by(F("product").asc(nulls_last=True), "platform", "producer__business_name", "pk")
        ),
        product=product.pk,
    )
    return [link for link in links if shop_url_refusal(link.platform, link.url) is None]


@require_safe
@cache_public_page
def product_page(request: HttpRequest, slug: str) -> HttpResponse:
    product = _public_product(slug)
    village = product.village
    url = public_url(product.get_public_url())
    photos = _of_product(
        product,
        "photos",
        lambda: ProductPhoto.objects.filter(product=_product_param()).order_by("-is_cover", "position", "pk"),
    )
    producers = prepared.rows(
        ("catalogue.product_producers",),
        lambda: Producer.objects.filter(products=_product_param()).order_by("business_name"),
        product=product.pk,
    )
    documents = with_producer_nibs(
        producers,
        LegalityDocument.objects.valid()
        .filter(Q(product=product) | Q(producer__in=[p.pk for p in producers]))
        .select_related("producer")
        .order_by("kind", "expires_on"),
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
    variants = _of_product(
        product, "variants", lambda: ProductVariant.objects.filter(product=_product_param())
    )
    shop_links = public_shop_links(product)
    cover = photos[0] if photos else None
    image = request.build_absolute_uri(cover.large.url) if cover else None
    others = prepared.rows(
        ("catalogue.product_others", timezone.localdate()),
        lambda: showcase.village_products().exclude(pk=_product_param())[:4],
        village=village.pk,
        product=product.pk,
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
        "variant_rows": variant_rows(product, variants, producers, url),
        "online_shops": [link for link in shop_links if link.is_online_shop],
        "social_pages": [link for link in shop_links if not link.is_online_shop],
        "sales_points": _of_product(
            product, "sales_points", lambda: SalesPoint.objects.filter(product=_product_param())
        ),
        "market_areas": _of_product(
            product, "market_areas", lambda: MarketArea.objects.filter(product=_product_param())
        ),
        "page_url": url,
        "og_image": image,
        "share_links": share_links(url, product.name),
        "json_ld": product_json_ld(product, producers, url, image, variants=variants),
    }
    return render(request, "catalogue/product_detail.html", context)


@require_safe
@cache_public_page
def product_label(request: HttpRequest, slug: str) -> HttpResponse:
    """A printable label for a stall or a package: the product, its makers, its village, kecamatan and
    regency (with the regency's mark), the numbers of its valid legality, and a large QR code to its
    page."""
    product = _public_product(slug)
    producers = list(product.producers.order_by("business_name"))
    documents = (
        LegalityDocument.objects.valid()
        .filter(Q(product=product) | Q(producer__in=[p.pk for p in producers]))
        .order_by("kind", "number")
    )
    return render(
        request,
        "catalogue/product_label.html",
        {
            "product": product,
            "producers": producers,
            "documents": with_producer_nibs(producers, documents),
            "page_url": public_url(product.get_public_url()),
        },
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
