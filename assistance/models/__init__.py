"""Assistance: programmes and what they delivered, mentoring visits, outcomes, potential explorations,
success stories, and the villages' help flags and the help each situation calls for.

Split at the domain's seams; every name is importable from `assistance.models` as before."""

from .exploration import (
    Exploration,
    ExplorationCandidate,
    ExplorationPhoto,
    ExplorationQuerySet,
    exploration_photo_upload_to,
)
from .mentoring import MentoringVisit, MentoringVisitQuerySet, VisitPhoto, visit_photo_upload_to
from .outcomes import OutcomeRecord
from .programmes import (
    Delivery,
    DeliveryQuerySet,
    DeliveryStatus,
    Programme,
    ProgrammeFunding,
    ProgrammeKind,
    ProgrammeQuerySet,
    ProgrammeStatus,
)
from .situations import HelpFlag, Situation, SituationHelp
from .stories import SuccessStory, SuccessStoryQuerySet, SuccessStoryStatus

__all__ = [
    "Delivery",
    "DeliveryQuerySet",
    "DeliveryStatus",
    "Exploration",
    "ExplorationCandidate",
    "ExplorationPhoto",
    "ExplorationQuerySet",
    "HelpFlag",
    "MentoringVisit",
    "MentoringVisitQuerySet",
    "OutcomeRecord",
    "Programme",
    "ProgrammeFunding",
    "ProgrammeKind",
    "ProgrammeQuerySet",
    "ProgrammeStatus",
    "Situation",
    "SituationHelp",
    "SuccessStory",
    "SuccessStoryQuerySet",
    "SuccessStoryStatus",
    "VisitPhoto",
    "exploration_photo_upload_to",
    "visit_photo_upload_to",
]
