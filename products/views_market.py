"""The officials' pages for a product's market network (variants; points of sale and markets reached)
and a producer's shop links: inline formsets, saved all together or not at all."""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villages.access import official_required
from villages.roles import scope_of

from .access import producer_for_official, product_for_official
from .forms_market import MarketAreaFormSet, SalesPointFormSet, ShopLinkFormSet, VariantFormSet
from .services.market import producer_shop_links_save, product_market_save

# Said when the database refuses what the forms let through (another official saved the same name
# a moment before): nothing of the page was saved.
SAVED_MEANWHILE = gettext_lazy(
    "Data yang sama baru saja disimpan orang lain; isian Anda belum disimpan. Periksa lalu simpan lagi."
)


def _save_all(request: HttpRequest, formsets: list, save) -> bool:
    """Validate every formset of the page (all, so that every error shows at once) and save them
    together; False, with the reason on the first formset, when nothing was saved."""
    if request.method != "POST":
        return False
    valid = [formset.is_valid() for formset in formsets]  # every one, so that every error shows
    if not all(valid):
        return False
    try:
        save()
    except IntegrityError:
        formsets[0]._non_form_errors.append(str(SAVED_MEANWHILE))
        return False
    return True


@official_required
def variant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A product's variants: each size, flavour or motif with its price and measures."""
    product = product_for_official(scope_of(request.user), pk)
    variants = VariantFormSet(request.POST or None, instance=product, prefix="varian")
    if _save_all(request, [variants], lambda: product_market_save(product=product, formsets=[variants])):
        messages.success(request, _("Varian %(name)s tersimpan.") % {"name": product.name})
        return redirect(product)
    return render(request, "products/variant_form.html", {"product": product, "formset": variants})


@official_required
def market_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A product's points of sale and the cities and regions it reaches, on one page."""
    product = product_for_official(scope_of(request.user), pk)
    sales_points = SalesPointFormSet(request.POST or None, instance=product, prefix="tempat")
    areas = MarketAreaFormSet(request.POST or None, instance=product, prefix="wilayah")
    formsets = [sales_points, areas]
    if _save_all(request, formsets, lambda: product_market_save(product=product, formsets=formsets)):
        messages.success(request, _("Pemasaran %(name)s tersimpan.") % {"name": product.name})
        return redirect(product)
    context = {"product": product, "sales_points": sales_points, "areas": areas}
    return render(request, "products/market_form.html", context)


@official_required
def shop_link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A producer's shops on marketplaces and social pages, each checked against its platform's domain."""
    producer = producer_for_official(scope_of(request.user), pk)
    links = ShopLinkFormSet(request.POST or None, instance=producer, prefix="tautan")
    if _save_all(request, [links], lambda: producer_shop_links_save(producer=producer, formset=links)):
        messages.success(request, _("Tautan toko %(name)s tersimpan.") % {"name": producer.business_name})
        return redirect(producer)
    return render(request, "products/shop_link_form.html", {"producer": producer, "formset": links})
