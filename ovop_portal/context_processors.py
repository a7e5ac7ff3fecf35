from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from regency.selectors import RequestIdentity


def portal(request: HttpRequest) -> dict:
    # Lazy: pages that show neither the area's name nor the regency's identity never query them; pages
    # that show both ask once between them (regency.selectors).
    identity = RequestIdentity()
    return {
        "OVOP_REGENCY_CODE": settings.OVOP_REGENCY_CODE,
        "cooloff_hours": settings.AXES_COOLOFF_TIME,
        "service_area": SimpleLazyObject(identity.area),
        "regency_profile": SimpleLazyObject(identity.profile),
    }
