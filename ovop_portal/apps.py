from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ovop_portal"
    verbose_name = "OVOP Portal"

    def ready(self) -> None:
        from . import signals

        signals.connect()
