"""Yearly designation rounds, their decrees, the designation certificates and their public verification.

Officials: the round list, opening and closing a round (Dinas), proposing in the open round, a
round's page (proposals grouped by kecamatan, an officer sees only their area), deciding a round
and recording its decree (Dinas), the printable decree attachment (lampiran), the private decree
scan, and the printable certificate of an approved designation. The public verification page the
certificate's QR code leads to is the public site's (catalogue.views.certificate_verify).

The forms live here with their pages: they are used nowhere else.
"""

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.errors import Refused
from core.forms import DateInput, ErrorsAlwaysShown
from core.scans import scan_file_name, validate_scan
from core.storage import STORAGE_FAILURE_MESSAGE, is_storage_failure, log_storage_failure
from villages.access import dinas_required, official_required
from villages.roles import Scope, scope_of

from . import services
from .models import Decree, Designation, DesignationRound, Product

# --- forms -----------------------------------------------------------------------------------------------


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Tahun"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=gettext_lazy("Nama putaran"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Kosongkan untuk memakai “OVOP <tahun>”."),
    )


class ProductInVillageField(forms.ModelChoiceField):
    def label_from_instance(self, product: Product) -> str:
        return f"{product.village.district.name} · {product.village.name} · {product.name}"


class RoundProposeForm(forms.Form):
    product = ProductInVillageField(
        label=gettext_lazy("Produk yang diusulkan"), queryset=Product.objects.none()
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan usulan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            Product.objects.for_scope(scope)
            .select_related("village__district")
            .order_by("village__district__name", "village__name", "name")
        )


APPROVE, REJECT = "approve", "reject"


class RoundDecideForm(ErrorsAlwaysShown, forms.Form):
    """A decision for every waiting proposal of the round, and the decree that records the approvals."""

    number = forms.CharField(label=gettext_lazy("Nomor SK Bupati"), max_length=120)
    decree_date = forms.DateField(label=gettext_lazy("Tanggal SK"), widget=DateInput())
    signed_by_name = forms.CharField(label=gettext_lazy("Nama penanda tangan"), max_length=200)
    signed_by_title = forms.CharField(
        label=gettext_lazy("Jabatan penanda tangan"),
        max_length=200,
        help_text=gettext_lazy("Misalnya: Bupati Serang."),
    )
    scan = forms.FileField(
        label=gettext_lazy("Pindaian SK (PDF)"),
        required=False,
        help_text=gettext_lazy(
            "PDF, paling besar 10 MB. Disimpan tertutup; hanya petugas yang dapat mengunduhnya."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, proposals: list[Designation], **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        for proposal in proposals:
            self.fields[f"decision_{proposal.pk}"] = forms.ChoiceField(
                label=proposal.product.name,
                choices=[(APPROVE, _("Tetapkan")), (REJECT, _("Tolak"))],
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{proposal.pk}"] = forms.CharField(
                label=_("Alasan penolakan"), required=False, max_length=4000
            )

    def rows(self) -> list[tuple[Designation, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"decision_{p.pk}"], self[f"reason_{p.pk}"]) for p in self.proposals]

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not isinstance(scan, UploadedFile):
            return None
        kind = validate_scan(scan)
        if kind != "pdf":
            raise ValidationError(_("Pindaian SK harus berkas PDF."))
        scan.name = scan_file_name(kind)  # the uploaded name says nothing we keep
        return scan

    def clean_decree_date(self):
        day = self.cleaned_data["decree_date"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal SK tidak boleh di masa depan."))
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        for proposal in self.proposals:
            decision = cleaned.get(f"decision_{proposal.pk}")
            if decision == REJECT and not (cleaned.get(f"reason_{proposal.pk}") or "").strip():
                self.add_error(f"reason_{proposal.pk}", _("Tuliskan alasan penolakan."))
        if (
            self.proposals
            and not any(cleaned.get(f"decision_{p.pk}") == APPROVE for p in self.proposals)
            and not self.errors
        ):
            raise ValidationError(_("SK memerlukan paling sedikit satu produk yang ditetapkan."))
        return cleaned

    def decisions(self) -> tuple[list[int], dict[int, str]]:
        approve = [p.pk for p in self.proposals if self.cleaned_data[f"decision_{p.pk}"] == APPROVE]
        reject = {
            p.pk: self.cleaned_data[f"reason_{p.pk}"]
            for p in self.proposals
            if self.cleaned_data[f"decision_{p.pk}"] == REJECT
        }
        return approve, reject


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


def verification_url(request: HttpRequest, designation: Designation) -> str:
    return request.build_absolute_uri(
        reverse("catalogue:verify", kwargs={"code": designation.verification_code})
    )


@official_required
@require_safe
def designation_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 certificate of an approved designation, with the QR code of its verification."""
    designation = get_object_or_404(
        Designation.objects.for_scope(scope_of(request.user)).for_certificate(), pk=pk
    )
    url = verification_url(request, designation)
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
