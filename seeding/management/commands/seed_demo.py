from django.core.management.base import BaseCommand
from django.utils import timezone

from seeding.demo import DEFAULT_DEMO_PASSWORD, demo_all_create, demo_password


class Command(BaseCommand):
    help = (
        "Create the demo accounts and demo data for the loaded regions (idempotent). "
        "Password: OVOP_DEMO_PASSWORD."
    )

    def handle(self, *args, **options) -> None:
        password = demo_password()
        done = demo_all_create(password=password, today=timezone.localdate())
        self.stdout.write(
            "Demo data created: {products} products, {designations} designations and proposals, "
            "{programmes} programmes, {explorations} potential explorations.".format(**done)
        )
        shown = password if password == DEFAULT_DEMO_PASSWORD else "(the value of OVOP_DEMO_PASSWORD)"
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        for username, role in done["accounts"]:
            self.stdout.write(f"  {username:<16} password: {shown:<16} {role}")
