from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Domain-free helpers every app may use; an app only so that it can hold template tags."""

    name = "core"
    verbose_name = "Core"
