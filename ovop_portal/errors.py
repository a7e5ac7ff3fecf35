"""Error pages that never touch the database (it may be the very thing that failed)."""

import logging
import sys

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a database that cannot be reached is a 503 with a friendly page and a
    Retry-After, any other failure the 500 page. Neither renders with context processors."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
