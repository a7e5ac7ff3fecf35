"""Assistance: programmes planned per fiscal year, what they delivered, mentoring visits, outcomes.

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
from .stories import SuccessStory, SuccessStoryQuerySet, SuccessStoryStatus

__all__ = [
    "Exploration",
    "ExplorationCandidate",
    "ExplorationPhoto",
    "ExplorationQuerySet",
    "SuccessStory",
    "SuccessStoryQuerySet",
    "SuccessStoryStatus",
    "exploration_photo_upload_to",
    "Delivery",
    "DeliveryQuerySet",
    "DeliveryStatus",
    "MentoringVisit",
    "MentoringVisitQuerySet",
    "OutcomeRecord",
    "Programme",
    "ProgrammeFunding",
    "ProgrammeKind",
    "ProgrammeQuerySet",
    "ProgrammeStatus",
    "VisitPhoto",
    "visit_photo_upload_to",
]

# Village situations (issue 15): the explicit "needs help" flag and the help matched to each situation.
from .situations import HelpFlag, Situation, SituationHelp  # noqa: E402

__all__ += ["HelpFlag", "Situation", "SituationHelp"]
