from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Produk")

    def ready(self) -> None:
        from core.history import register_name_joins

        from . import signals  # noqa: F401
        from .models import Designation

        # A designation is named by its product and village (Designation.__str__).
        register_name_joins(Designation, "product", "village")
