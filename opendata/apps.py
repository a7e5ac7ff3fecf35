from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The open data: a read-only public API, CSV downloads and the page that describes them."""

    name = "opendata"
    verbose_name = "Data terbuka"
