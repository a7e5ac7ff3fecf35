"""Loaders of assistance records for officials: one per model, checking the official's area (another
area's object is a 404, as everywhere)."""

from django.shortcuts import get_object_or_404

from villages.roles import Scope

from .models import Exploration, ExplorationCandidate


def exploration_for_official(scope: Scope, pk: int) -> Exploration:
    return get_object_or_404(
        Exploration.objects.for_scope(scope).select_related("village__district", "explored_by"), pk=pk
    )


def candidate_for_official(scope: Scope, pk: int) -> ExplorationCandidate:
    return get_object_or_404(
        ExplorationCandidate.objects.filter(
            exploration__in=Exploration.objects.for_scope(scope)
        ).select_related("exploration__village", "category", "product"),
        pk=pk,
    )
