"""The officials' village situations (issue 15): counts per situation and kecamatan, the filtered list
with each village's reasons and the help its situation calls for, and the explicit "needs help" flag.

The rule is assistance.situations'; these views only ask it and show the answer."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assistance.models import Situation
from assistance.services import help_flag_clear, help_flag_raise
from assistance.situations import AreaSituations, for_situation_list
from core.caching import cached_figures
from core.errors import Refused
from core.pagination import detach, paginate
from core.sorting import sort
from villages.access import official_required, village_for_official
from villages.models import Village, summary_level
from villages.roles import Scope, scope_of

from . import summary
from .forms import KecamatanFilter
from .models import SummaryState
from .selectors import COVERAGE_LEVELS


class HelpFlagRaiseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan perlu bantuan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HelpFlagClearForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Catatan pencabutan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


# The list's sortable columns (core.sorting); a village's code is its primary key.
SITUATION_COLUMNS = {
    "village": ["name"],
    "district": ["district__name", "name"],
    "situation": ["base_situation", "district__name", "name"],
}


def _situation_page(
    request: HttpRequest, scope: Scope, state: SummaryState | None, level: str, situation: str, district: str
) -> dict:
    """The counts per situation and area, and the requested page of the villages in `situation` (all:
    "") of `district` (all: ""), described. `state`: the summary rows of a province or the country."""
    area = AreaSituations(Village.objects.for_scope(scope), key=(scope,))
    # A province or the country: summed from the village summaries.
    counts = summary.area_sums(level, state)["situation_counts"] if state is not None else area.counts(level)
    # A province or the country: the page's keys read lean, then its villages described (each of the
    # country's villages was described to be sorted: 0.15 s). A regency's few hundred are read at once.
    large = state is not None
    filtered = area.filtered(situation, district, lean=large)
    villages, sorting = sort(request, filtered, SITUATION_COLUMNS, "code")
    if large:
        page_obj = paginate(
            request,
            villages,
            single_query=False,
            rows=lambda codes: for_situation_list(Village.objects.filter(pk__in=codes)),
        )
    else:
        page_obj = paginate(request, villages)
    page_obj.object_list = area.describe(page_obj.object_list)
    return {"counts": counts, "page_obj": detach(page_obj), "sorting": sorting}


@official_required
def situation_list(request: HttpRequest) -> HttpResponse:
    """Villages per situation and kecamatan (each count a link), and the list filtered by
    `?situasi=` and `?kecamatan=`: each village with its situation, why, the help it calls for and
    what it received."""
    scope = scope_of(request.user)
    level = summary_level(scope)  # kecamatan in a regency; regencies or provinces above it
    situation = request.GET.get("situasi", "")
    situation = situation if situation in Situation.values else ""
    kecamatan_filter = KecamatanFilter(request.GET, scope=scope)
    chosen = kecamatan_filter.district()  # an unknown or another area's kecamatan: the whole area
    district = chosen.code if chosen else ""
    variant, state = summary.figures_variant(scope)
    # Like the dashboard's figures, kept per area, day and list asked for until a write to the data
    # bumps the figures version (core.caching.cached_figures).
    asked = f"{variant}|{situation}|{district}|{sorted(request.GET.items())}"
    listed = cached_figures(
        "situations", asked, lambda: _situation_page(request, scope, state, level, situation, district)
    )
    counts, page_obj, sorting = listed["counts"], listed["page_obj"], listed["sorting"]
    context = {
        "counts": counts,
        "summary_state": state,
        "situations": Situation.choices,
        "situation": situation,
        "situation_label": Situation(situation).label if situation else "",
        "district": district,
        "district_name": chosen.name if chosen else "",
        "kecamatan_filter": kecamatan_filter,
        "area_heading": COVERAGE_LEVELS[level][0],
        "by_district": level == "district",
        "page_obj": page_obj,
        "sorting": sorting,
    }
    return render(request, "officials/situations/situation_list.html", context)


@official_required
@require_POST
def help_flag_raise_view(request: HttpRequest, code: str) -> HttpResponse:
    """Mark a village of the official's area as needing help, with the reason."""
    village = village_for_official(scope_of(request.user), code)
    form = HelpFlagRaiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan mengapa desa ini perlu bantuan."))
        return redirect("officials:village_registry", code=village.code)
    try:
        help_flag_raise(village=village, reason=form.cleaned_data["reason"], raised_by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(village)s ditandai perlu bantuan.") % {"village": village.name})
    return redirect("officials:village_registry", code=village.code)


@official_required
@require_POST
def help_flag_clear_view(request: HttpRequest, code: str) -> HttpResponse:
    """Clear the village's open flag with a note."""
    village = village_for_official(scope_of(request.user), code)
    form = HelpFlagClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan catatan mengapa tanda perlu bantuan dicabut."))
        return redirect("officials:village_registry", code=village.code)
    try:
        help_flag_clear(village=village, note=form.cleaned_data["note"], cleared_by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Tanda perlu bantuan %(village)s dicabut.") % {"village": village.name})
    return redirect("officials:village_registry", code=village.code)
