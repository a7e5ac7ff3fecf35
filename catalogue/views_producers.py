"""The public profile page of a producer (UMKM) who consented to publication, and the legality a
buyer can check: the list the product page, the producer page and the stall label show."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.caching import cache_public_page
from core.links import public_url
from products.models import LegalityDocument, Producer, Product, with_producer_nibs

from .views_products import whatsapp_link


def public_producers():
    """Producers the public may see a page of: those who consented to publication and make at least
    one public product."""
    return Producer.objects.filter(contact_consent=True).filter(
        Exists(Product.objects.public().filter(producers=OuterRef("pk")))
    )


def _producer_from_slug(slug: str) -> Producer:
    """The producer the address names by its id (the name part may be stale), or 404 when it has no
    public page. A stale address of a producer without a page is a 404 too, never a redirect that
    would spell out its name."""
    pk = slug.rsplit("-", 1)[-1]
    if not pk.isdigit():
        raise Http404
    producer = (
        public_producers()
        .select_related("village__district")
        .prefetch_related(
            Prefetch(
                "legality_documents",
                queryset=LegalityDocument.objects.valid().order_by("kind", "pk"),
            )
        )
        .filter(pk=int(pk))
        .first()
    )
    if producer is None:
        raise Http404
    return producer


def producer_json_ld(producer: Producer, url: str, shops: list) -> dict:
    village = producer.village
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": producer.business_name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": village.name,
            "addressRegion": village.district.name,
            "addressCountry": "ID",
        },
    }
    if producer.profile:
        data["description"] = producer.profile[:500]
    if producer.year_started:
        data["foundingDate"] = str(producer.year_started)
    if shops:
        data["sameAs"] = [shop["link"].url for shop in shops]
    return data


@require_safe
@cache_public_page
def producer_page(request: HttpRequest, slug: str) -> HttpResponse:
    producer = _producer_from_slug(slug)
    if slug != producer.public_slug:
        return HttpResponsePermanentRedirect(producer.get_public_url())
    products = list(
        Product.objects.public()
        .for_catalogue()
        .filter(producers=producer)
        .order_by(F("is_flagship").desc(), "name")
    )
    names = {product.pk: product.name for product in products}
    # The producer's own shops, and listings of its public products (never of a draft one).
    shops = [
        {"link": link, "product": names.get(link.product_id, "")}
        for link in producer.shop_links.filter(Q(product__isnull=True) | Q(product__in=list(names))).order_by(
            "platform", "pk"
        )
    ]
    url = public_url(producer.get_public_url())
    whatsapp = ""
    if producer.public_whatsapp:
        message = _("Halo %(producer)s, saya melihat profil usaha Anda di portal OVOP: %(url)s")
        whatsapp = whatsapp_link(
            producer.public_whatsapp, message % {"producer": producer.business_name, "url": url}
        )
    context = {
        "producer": producer,
        "village": producer.village,
        "products": products,
        "shops": shops,
        "documents": with_producer_nibs([producer], producer.legality_documents.all()),
        "whatsapp": whatsapp,
        "page_url": url,
        "json_ld": producer_json_ld(producer, url, shops),
    }
    return render(request, "catalogue/producer_detail.html", context)
