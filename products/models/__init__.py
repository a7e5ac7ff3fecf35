"""The products app's models, split at the domain's seams; every public name is re-exported here, so
`from products.models import ...` (code, tests and migrations) needs no change.

- registry: categories, producers (UMKM), products, product photos
- legality: legality documents and their expiry
- designation: the flagship (OVOP) designation and the villages' OVOP status
- rounds: yearly designation rounds and their decrees
- market: variants, points of sale, markets reached and shop links
- synonyms: words the public search treats as one
- assessment: the scoring rubric, assessments, their scores and the assessor's role

The modules import each other directly (never through this package); registry, which the others
build on, imports them only inside its methods.
"""

from ..validators import NIB_PATTERN, normalise_nib, normalise_whatsapp, validate_nib, validate_whatsapp
from .registry import (
    NIB_HELD_ELSEWHERE,
    Category,
    Producer,
    ProducerQuerySet,
    Product,
    ProductPhoto,
    ProductQuerySet,
    ProductStatus,
    photo_upload_to,
    today,
)

from .legality import (  # isort: skip (after registry, which it builds on)
    EXPIRY_WARNING_DAYS,
    LegalityDocument,
    LegalityDocumentQuerySet,
    expired_q,
    expiring_q,
    legality_upload_to,
    with_producer_nibs,
)
from .designation import (  # isort: skip
    Designation,
    DesignationQuerySet,
    DesignationStatus,
    NEWEST_FIRST,
    VillageStatus,
    designation_actor,
)
from .rounds import (  # isort: skip
    Decree,
    DesignationRound,
    DesignationRoundQuerySet,
    RoundState,
    decree_upload_to,
    validate_decree_scan,
)
from .market import (  # isort: skip
    ONLINE_SHOP_PLATFORMS,
    PLATFORM_HOSTS,
    MarketArea,
    Platform,
    ProductVariant,
    SalesPoint,
    ShopLink,
    shop_url_refusal,
)
from .synonyms import SearchSynonym, synonym_terms  # isort: skip
from .assessment import (  # isort: skip
    ASSESSMENT_VALID_MONTHS,
    STAR_BANDS,
    Assessment,
    AssessmentCriterion,
    AssessmentQuerySet,
    AssessmentScore,
    AssessorRole,
    add_months,
    assessor_role_label,
    assessor_role_of,
    assessor_role_refusal,
    stars_for,
)

__all__ = [
    "synonym_terms",
    "SearchSynonym",
    "shop_url_refusal",
    "ShopLink",
    "SalesPoint",
    "ProductVariant",
    "Platform",
    "MarketArea",
    "PLATFORM_HOSTS",
    "ONLINE_SHOP_PLATFORMS",
    "ASSESSMENT_VALID_MONTHS",
    "EXPIRY_WARNING_DAYS",
    "NEWEST_FIRST",
    "NIB_HELD_ELSEWHERE",
    "NIB_PATTERN",
    "STAR_BANDS",
    "Assessment",
    "AssessmentCriterion",
    "AssessmentQuerySet",
    "AssessmentScore",
    "AssessorRole",
    "Category",
    "Decree",
    "Designation",
    "DesignationQuerySet",
    "DesignationRound",
    "DesignationRoundQuerySet",
    "DesignationStatus",
    "LegalityDocument",
    "LegalityDocumentQuerySet",
    "Producer",
    "ProducerQuerySet",
    "Product",
    "ProductPhoto",
    "ProductQuerySet",
    "ProductStatus",
    "RoundState",
    "VillageStatus",
    "add_months",
    "assessor_role_label",
    "assessor_role_of",
    "assessor_role_refusal",
    "decree_upload_to",
    "designation_actor",
    "expired_q",
    "expiring_q",
    "legality_upload_to",
    "normalise_nib",
    "normalise_whatsapp",
    "photo_upload_to",
    "stars_for",
    "today",
    "validate_decree_scan",
    "validate_nib",
    "validate_whatsapp",
    "with_producer_nibs",
]
