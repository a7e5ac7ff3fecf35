"""Views that belong to no app of the portal."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer or process monitor: the app answers, without touching the database.
    It is also the benchmark's trivial view (bench/run.py), the ceiling of this stack."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
