from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in around django.contrib.auth: the throttled password reset, the client address and
    two-factor sign-in."""

    name = "accounts"
    verbose_name = "Akun"

    def ready(self) -> None:
        # Connects the sign-in receiver that notes in the session whether the user has two-factor.
        from . import twofactor  # noqa: F401
