from django.core.management.base import BaseCommand

from products.models import Product
from products.search import search_refresh


class Command(BaseCommand):
    help = (
        "Recompute every product's public search text (after village or kecamatan names changed "
        "through load_regions, which writes in bulk) and its stored flagship flag (after designations "
        "were written behind the models' back)."
    )

    def handle(self, *args, **options) -> None:
        changed = search_refresh()
        self.stdout.write(self.style.SUCCESS(f"Search text updated for {changed} product(s)."))
        listed = Product.objects.refresh_flagship_listing()
        self.stdout.write(self.style.SUCCESS(f"Flagship flag corrected for {listed} product(s)."))
