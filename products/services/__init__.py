"""Writes that touch several rows or models, or that a view and a command both need (see the
conventions: keyword-only, atomic, locking); split at the domain's seams, every name importable from
`products.services` as before."""

from .designation import (
    assessment_record,
    designation_approve,
    designation_end,
    designation_propose,
    designation_reject,
)
from .registry import (
    RENDITION_FIELDS,
    legality_delete,
    producer_delete,
    product_delete,
    product_photo_add,
    product_photo_delete,
    product_photo_set_cover,
    product_producer_register,
)
from .rounds import decree_record, round_close, round_decide, round_open, round_record_historical

__all__ = [
    "RENDITION_FIELDS",
    "assessment_record",
    "decree_record",
    "designation_approve",
    "designation_end",
    "designation_propose",
    "designation_reject",
    "legality_delete",
    "producer_delete",
    "product_delete",
    "product_photo_add",
    "product_photo_delete",
    "product_photo_set_cover",
    "product_producer_register",
    "round_close",
    "round_decide",
    "round_open",
    "round_record_historical",
]
