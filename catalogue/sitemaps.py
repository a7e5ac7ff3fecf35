from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from products.models import Category, Product
from villages.models import District, Village

from .views_producers import public_producers


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "catalogue:home",
            "catalogue:list",
            "catalogue:map",
            "villages:district_list",
            "villages:village_list",
            "regency:about",
            "regency:privacy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.9
    limit = 10000

    def items(self):
        return Product.objects.public().only("slug", "updated_at").order_by("pk")

    def location(self, item: Product) -> str:
        return item.get_public_url()

    def lastmod(self, item: Product):
        return item.updated_at


class ProducerSitemap(Sitemap):
    """Producers with a public page: consenting, with at least one public product."""

    changefreq = "weekly"
    priority = 0.6
    limit = 10000

    def items(self):
        return public_producers().only("pk", "business_name", "updated_at").order_by("pk")

    def location(self, item) -> str:
        return item.get_public_url()

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.order_by("position", "pk")


class DistrictSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return District.objects.in_service_area().only("code").order_by("code")


class VillageSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10000

    def items(self):
        return Village.objects.in_service_area().only("code").order_by("code")


SITEMAPS = {
    "pages": PagesSitemap,
    "produk": ProductSitemap,
    "produsen": ProducerSitemap,
    "kategori": CategorySitemap,
    "kecamatan": DistrictSitemap,
    "desa": VillageSitemap,
}

# Every public page has an address per language (ovop_portal.urls' i18n_patterns): each section lists
# both, each with its alternates and the Indonesian one as x-default.
for _sitemap in SITEMAPS.values():
    _sitemap.i18n = _sitemap.alternates = _sitemap.x_default = True
