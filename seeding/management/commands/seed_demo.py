from django.core.management.base import BaseCommand
from django.utils import timezone

from seeding.demo import (
    DEFAULT_DEMO_PASSWORD,
    demo_accounts_create,
    demo_assistance_create,
    demo_designations_create,
    demo_password,
    demo_registry_create,
)


class Command(BaseCommand):
    help = (
        "Create the demo accounts and demo data for the loaded regions (idempotent). "
        "Password: OVOP_DEMO_PASSWORD."
    )

    def handle(self, *args, **options) -> None:
        password = demo_password()
        accounts = demo_accounts_create(password=password)
        created = demo_registry_create(today=timezone.localdate())
        designations = demo_designations_create(today=timezone.localdate())
        programmes = demo_assistance_create(today=timezone.localdate())
        self.stdout.write(
            f"Demo products created: {created}, designations: {designations}, programmes: {programmes}"
        )
        shown = password if password == DEFAULT_DEMO_PASSWORD else "(the value of OVOP_DEMO_PASSWORD)"
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        for username, role in accounts:
            self.stdout.write(f"  {username:<16} password: {shown:<16} {role}")
