"""The API's defaults named in settings.REST_FRAMEWORK: the rate per visitor and the pages of rows.

Kept apart from the views: DRF imports these while it defines its APIView, so this module must not
import DRF's views or generics itself."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class VisitorRateThrottle(AnonRateThrottle):
    """OVOP_API_RATE requests per visitor address (REST_FRAMEWORK["NUM_PROXIES"] reads it behind a
    proxy), counted in the configured cache. The rate is read per request, not once at import."""

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class OpenDataPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
