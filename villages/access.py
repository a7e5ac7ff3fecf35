"""Access for officials: one gate for the pages, one loader per model that checks the area."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import VILLAGE_CODE, Village
from .roles import Scope, scope_of


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, active, and a Dinas official or a kecamatan officer with an area; else 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not scope_of(request.user).is_official:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def dinas_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only Dinas officials and admins (Petugas Dinas, Admin Dinas, superusers)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not scope_of(request.user).is_dinas:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def village_for_official(scope: Scope, code: str) -> Village:
    """The village if the official may work on it; 404 otherwise (another area looks like nothing).
    A malformed code is not looked up: one with a NUL character would fail on PostgreSQL."""
    if not VILLAGE_CODE.fullmatch(code):
        raise Http404
    return get_object_or_404(Village.objects.for_scope(scope).for_detail(), code=code)
