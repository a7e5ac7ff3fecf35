from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The public site: home, catalogue, product, category, kecamatan, village and map pages."""

    name = "catalogue"
    verbose_name = "Katalog publik"
