from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    """The officials' composed pages: home, dashboard, recap, product and village pages, spreadsheets."""

    name = "officials"
    verbose_name = "Halaman petugas"
