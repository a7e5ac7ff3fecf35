from django.core.management.base import BaseCommand

from products.search import search_refresh


class Command(BaseCommand):
    help = (
        "Recompute every product's public search text (after village or kecamatan names changed "
        "through load_regions, which writes in bulk)."
    )

    def handle(self, *args, **options) -> None:
        changed = search_refresh()
        self.stdout.write(self.style.SUCCESS(f"Search text updated for {changed} product(s)."))
