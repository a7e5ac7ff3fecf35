"""The products app's models, split at the domain's seams; every public name is re-exported here, so
`from products.models import ...` (code, tests and migrations) needs no change.

- registry: categories, producers (UMKM), products, product photos, held spreadsheet uploads
- legality: legality documents and their expiry
- designation: the flagship (OVOP) designation and the villages' OVOP status
- assessment: the scoring rubric, assessments and their scores, products due for assessment

The modules import each other directly (never through this package); registry, which the others
build on, imports them only inside its methods.
"""

from .registry import (
    NIB_HELD_ELSEWHERE,
    NIB_PATTERN,
    WHATSAPP_PATTERN,
    Category,
    HeldUpload,
    Producer,
    ProducerQuerySet,
    Product,
    ProductPhoto,
    ProductQuerySet,
    ProductStatus,
    normalise_whatsapp,
    photo_upload_to,
    today,
)

from .legality import (  # isort: skip (after registry, which it builds on)
    EXPIRY_WARNING_DAYS,
    LegalityDocument,
    LegalityDocumentQuerySet,
    expired_q,
    expiring_q,
    legality_expiry_counts,
    legality_upload_to,
)
from .designation import (  # isort: skip
    SUMMARY_LEVELS,
    Designation,
    DesignationQuerySet,
    DesignationStatus,
    VillageStatus,
    designation_actor,
    status_counts,
    with_ovop_status,
)
from .assessment import (  # isort: skip
    ASSESSMENT_VALID_MONTHS,
    STAR_BANDS,
    Assessment,
    AssessmentCriterion,
    AssessmentQuerySet,
    AssessmentScore,
    add_months,
    due_for_assessment,
    stars_for,
)

__all__ = [
    "ASSESSMENT_VALID_MONTHS",
    "EXPIRY_WARNING_DAYS",
    "NIB_HELD_ELSEWHERE",
    "NIB_PATTERN",
    "STAR_BANDS",
    "SUMMARY_LEVELS",
    "WHATSAPP_PATTERN",
    "Assessment",
    "AssessmentCriterion",
    "AssessmentQuerySet",
    "AssessmentScore",
    "Category",
    "Designation",
    "DesignationQuerySet",
    "DesignationStatus",
    "HeldUpload",
    "LegalityDocument",
    "LegalityDocumentQuerySet",
    "Producer",
    "ProducerQuerySet",
    "Product",
    "ProductPhoto",
    "ProductQuerySet",
    "ProductStatus",
    "VillageStatus",
    "add_months",
    "designation_actor",
    "due_for_assessment",
    "expired_q",
    "expiring_q",
    "legality_expiry_counts",
    "legality_upload_to",
    "normalise_whatsapp",
    "photo_upload_to",
    "stars_for",
    "status_counts",
    "today",
    "with_ovop_status",
]
