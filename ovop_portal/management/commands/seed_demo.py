from django.core.management.base import BaseCommand

from ovop_portal.demo import DEFAULT_DEMO_PASSWORD, demo_accounts_create, demo_password


class Command(BaseCommand):
    help = "Create the demo accounts and demo data (idempotent). Password: OVOP_DEMO_PASSWORD."

    def handle(self, *args, **options) -> None:
        password = demo_password()
        usernames = demo_accounts_create(password=password)
        shown = password if password == DEFAULT_DEMO_PASSWORD else "(the value of OVOP_DEMO_PASSWORD)"
        self.stdout.write(
            self.style.SUCCESS("Demo accounts ready. Sign in at http://127.0.0.1:8000/accounts/login/")
        )
        for username in usernames:
            self.stdout.write(f"  {username:<16} password: {shown}")
