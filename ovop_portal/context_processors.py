from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from villages.models import service_area_region


def portal(request: HttpRequest) -> dict:
    # Lazy: pages that do not show the area's name never query it.
    return {
        "OVOP_REGENCY_CODE": settings.OVOP_REGENCY_CODE,
        "cooloff_hours": settings.AXES_COOLOFF_TIME,
        "service_area": SimpleLazyObject(service_area_region),
    }
