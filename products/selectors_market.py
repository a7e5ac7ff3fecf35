"""What the officials' product and producer pages show of the market network (templates/products/
partials/_market.html): one query per list, whatever its length."""

from django.db.models import Q

from .models import Producer, Product, ShopLink


def product_market(product: Product) -> dict:
    """The product's variants, points of sale and markets reached, and the shop links that sell it:
    its own listings and its producers' shops."""
    links = ShopLink.objects.filter(
        Q(product=product) | Q(product__isnull=True, producer__in=product.producers.values("pk"))
    )
    return {
        "market_product": product,
        "market_variants": product.variants.all(),
        "market_sales_points": product.sales_points.all(),
        "market_areas": product.market_areas.all(),
        "market_shop_links": links.select_related("producer", "product").order_by("platform", "pk"),
    }


def producer_market(producer: Producer) -> dict:
    """The producer's shop links, each with the product it lists, if one."""
    return {
        "market_producer": producer,
        "market_shop_links": producer.shop_links.select_related("product").order_by("platform", "pk"),
    }
