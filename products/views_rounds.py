"""Yearly designation rounds, their decrees, the designation certificates and their public verification.

Officials: the round list, opening and closing a round (Dinas), proposing in the open round, a
round's page (proposals grouped by kecamatan, an officer sees only their area), deciding a round
and recording its decree (Dinas), the printable decree attachment (lampiran), the private decree
scan, and the printable certificate of an approved designation. The public verification page the
certificate's QR code leads to is the public site's (catalogue.views.certificate_verify).

"""

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import Refused
from core.links import public_url
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from villages.access import dinas_required, official_required
from villages.roles import scope_of

from . import services
from .forms import RoundDecideForm, RoundOpenForm, RoundProposeForm
from .models import Decree, Designation, DesignationRound

# --- loaders ----------------------------------------------------------------------------------------------


def _round(pk: int) -> DesignationRound:
    """Rounds are the regency's, not an area's: every official may open one's page, where the
    designations are scoped."""
    return get_object_or_404(DesignationRound.objects.select_related("decree"), pk=pk)


# --- rounds -------------------------------------------------------------------------------------------------


@official_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    rounds = list(DesignationRound.objects.for_list(scope))
    context = {
        "rounds": rounds,
        "open_round": next((r for r in rounds if r.is_open), None),
        "can_open": scope.is_dinas,
    }
    return render(request, "products/rounds/round_list.html", context)


@dinas_required
def round_open(request: HttpRequest) -> HttpResponse:
    form = RoundOpenForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_open(
                year=form.cleaned_data["year"], name=form.cleaned_data["name"], opened_by=request.user
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Putaran %(round)s dibuka. Petugas kecamatan kini dapat mengusulkan produk.")
                % {"round": round},
            )
            return redirect(round)
    return render(request, "products/rounds/round_form.html", {"form": form, "action": "open"})


@official_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    round = _round(pk)
    designations = list(Designation.objects.for_scope(scope).filter(round=round).for_round_page())
    decree = getattr(round, "decree", None)
    context = {
        "round": round,
        "designations": designations,
        "waiting": sum(d.status == Designation.Status.PROPOSED for d in designations),
        "decree": decree,
        "can_decide": scope.is_dinas and not round.is_decided,
        "can_propose": round.is_open,
        "is_dinas": scope.is_dinas,
    }
    return render(request, "products/rounds/round_detail.html", context)


@official_required
def round_propose(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    round = _round(pk)
    if not round.is_open:
        messages.error(
            request,
            _("Putaran %(round)s sudah ditutup; usulan tidak dapat ditambahkan lagi.") % {"round": round},
        )
        return redirect(round)
    form = RoundProposeForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.designation_propose(
                product=form.cleaned_data["product"],
                proposed_by=request.user,
                notes=form.cleaned_data["notes"],
                round=round,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Usulan terkirim dalam putaran %(round)s.") % {"round": round})
            return redirect(round)
    return render(
        request, "products/rounds/round_form.html", {"form": form, "round": round, "action": "propose"}
    )


@dinas_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    try:
        services.round_close(round=round, closed_by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Putaran %(round)s ditutup untuk usulan baru.") % {"round": round})
    return redirect(round)


@dinas_required
def round_decide(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    if round.is_decided:
        messages.info(request, _("Putaran %(round)s sudah diputuskan.") % {"round": round})
        return redirect(round)
    proposals = list(round.designations.proposed().for_round_page())
    form = RoundDecideForm(request.POST or None, request.FILES or None, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        approve, reject = form.decisions()
        try:
            services.round_decide(
                round=round,
                decided_by=request.user,
                approve=approve,
                reject=reject,
                number=form.cleaned_data["number"],
                decree_date=form.cleaned_data["decree_date"],
                signed_by_name=form.cleaned_data["signed_by_name"],
                signed_by_title=form.cleaned_data["signed_by_title"],
                scan=form.cleaned_data["scan"],
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        except OSError as error:
            if not is_storage_failure(error):
                raise
            log_storage_failure(error, "a decree scan")
            form.add_error(None, STORAGE_FAILURE_MESSAGE)
        else:
            messages.success(
                request,
                _("Putaran %(round)s diputuskan: %(count)s produk ditetapkan dengan SK %(number)s.")
                % {"round": round, "count": len(approve), "number": form.cleaned_data["number"]},
            )
            return redirect(round)
    return render(request, "products/rounds/round_decide.html", {"form": form, "round": round})


@dinas_required
@require_safe
def round_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The decree's attachment (lampiran), printable on A4: every designation the decree made."""
    # By the round's own key first: a lookup through the foreign key has no guard against a key
    # beyond the database's integers.
    decree = get_object_or_404(Decree.objects.select_related("round"), round=_round(pk))
    designations = list(decree.attachment_designations())
    regency = designations[0].village.district.regency if designations else None
    context = {"decree": decree, "round": decree.round, "designations": designations, "regency": regency}
    return render(request, "products/rounds/round_attachment.html", context)


# --- certificates and their public verification ---------------------------------------------------------


def verification_url(designation: Designation) -> str:
    """The certificate's QR target: the portal's public address (core.links), whoever prints it."""
    return public_url(reverse("catalogue:verify", kwargs={"code": designation.verification_code}))


@official_required
@require_safe
def designation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 certificate of an approved designation, with the QR code of its verification."""
    designation = get_object_or_404(
        Designation.objects.for_scope(scope_of(request.user)).for_certificate(), pk=pk
    )
    url = verification_url(designation)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    context = {
        "designation": designation,
        "village": designation.village,
        "regency": designation.village.district.regency,
        "decree": designation.decree,
        "verification_url": url,
        "qr": qr,
    }
    return render(request, "products/certificate.html", context)
