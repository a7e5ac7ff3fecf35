from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in around django.contrib.auth: the throttled password reset and the client address."""

    name = "accounts"
    verbose_name = "Akun"
