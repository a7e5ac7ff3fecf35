"""The officials' forms for a product's market network: its variants, points of sale and markets
reached (inline formsets on the product), and a producer's shop links (an inline formset on the
producer). The rules are the models' (ShopLink.clean refuses a link off its platform's domain); the
forms add the Rupiah typed the Indonesian way and limit a link's product to the producer's own."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.keys import KeyCheckingChoiceField
from core.money import RupiahField

from .models import MarketArea, Producer, Product, ProductVariant, SalesPoint, ShopLink

# Rows a formset takes at most: more than a product has, few enough that a page stays a page.
MAX_ROWS = 50


class VariantForm(forms.ModelForm):
    price = RupiahField(label=_("Harga (Rp)"), required=False)

    class Meta:
        model = ProductVariant
        fields = [
            "name",
            "price",
            "unit",
            "net_weight_grams",
            "dimensions",
            "shelf_life_days",
            "min_order",
            "lead_time_days",
            "position",
        ]


class SalesPointForm(forms.ModelForm):
    class Meta:
        model = SalesPoint
        fields = ["name", "kind", "place"]


class MarketAreaForm(forms.ModelForm):
    class Meta:
        model = MarketArea
        fields = ["name", "level", "since_year"]


class ShopLinkForm(forms.ModelForm):
    class Meta:
        model = ShopLink
        fields = ["platform", "url", "product"]
        field_classes = {"product": KeyCheckingChoiceField}
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://shopee.co.id/…"})}

    def __init__(self, *args, products: list[Product], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        field.queryset = Product.objects.filter(pk__in=[product.pk for product in products])
        # The choices from the list read once for the whole formset: no query per row to draw them.
        field.choices = [("", _("— Toko produsen (semua produk) —"))] + [
            (product.pk, product.name) for product in products
        ]


class BaseMarketFormSet(BaseInlineFormSet):
    """Two rows with the same name are named by the field's label, not its code name."""

    def get_unique_error_message(self, unique_check) -> str:
        fields = self.form.base_fields
        # The row's parent (the product or producer) is the same for every row: not named.
        labels = [str(fields[name].label) for name in unique_check if name in fields]
        return _("Ada baris yang sama untuk %(fields)s; setiap baris harus berbeda.") % {
            "fields": ", ".join(labels)
        }


class BaseShopLinkFormSet(BaseMarketFormSet):
    """Each row's product is one of the producer's products (read once for every row)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        producer: Producer = self.instance
        self.producer_products = list(producer.products.order_by("name", "pk")) if producer.pk else []

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "products": self.producer_products}


def _formset(model, form, formset=BaseMarketFormSet, parent=Product):
    return inlineformset_factory(
        parent,
        model,
        form=form,
        formset=formset,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
    )


VariantFormSet = _formset(ProductVariant, VariantForm)
SalesPointFormSet = _formset(SalesPoint, SalesPointForm)
MarketAreaFormSet = _formset(MarketArea, MarketAreaForm)
ShopLinkFormSet = _formset(ShopLink, ShopLinkForm, BaseShopLinkFormSet, parent=Producer)
