"""National-scale data for benchmarks (`manage.py seed_scale`): never for a real deployment.

It loads every region of the country (or the regions asked for) and generates, deterministically from a
seed, what a national OVOP registry would hold after some years of work:

- a product in 88% of villages: an approved flagship (with its SK Bupati) in 70% of them, a proposal
  waiting in 10%, a product without designation in 8% (some with a rejected proposal); a tenth of the
  flagship villages also keep their former flagship, ended and replaced by the current one;
- about 3 producers (UMKM) per product, linked to it, with NIB numbers, WhatsApp numbers and consent;
- legality documents of mixed kinds (NIB, SPP-IRT, halal, BPOM MD, HKI, SNI, others), some expired;
- scored assessments for about three quarters of the flagships (some only old, so due again);
- 2 assistance programmes per regency per fiscal year for the current year and the two before, about
  500,000 deliveries over them (never past a programme's budget), mentoring visits, and quarterly
  outcome figures before and after a product's first assistance.

Every row respects the database constraints and the rules of the models' `clean()` and of the services
(one approved flagship per village, a product in its own village, deliveries within the budget, ...).
Generated products, producers and programmes are marked `is_demo`; the officers are inactive accounts
named `skala-<regency code>` with unusable passwords.

Speed: rows are written with `bulk_create` in batches, with primary keys chosen here (1, 2, 3, ... per
table, the sequences set afterwards), so no row is read back and the same seed gives the same rows,
keys included. `bulk_create` sends no signals, so:
- no simple-history rows are written for the generated data (the history pages show nothing for it);
- `Product.search_text` is filled here with `products.search.search_document`, as search_refresh would;
- the public page cache and the officials' figures are invalidated by ovop_portal's write listener,
  which hears every statement at the database connection, bulk_create included.
Timestamps (`created_at`, `updated_at` and the rest) are derived from the data's own dates, never from
the clock: the reference day is 30 June of `year` (default: this year).

The modules, in the order a run uses them: vocabulary (the words), plan (the state the stages share
and small helpers), tables (which tables, batched writes), regions (the villages and officers),
products (products, producers, designations), documents (legality documents, assessments),
assistance (programmes, deliveries, visits, outcomes), run (the entry point, scale_data_create).
"""

from .assistance import DELIVERIES_PER_VILLAGE
from .run import DEFAULT_SEED, ScaleReport, StageReport, scale_data_create
from .tables import data_models, existing_data

__all__ = [
    "DEFAULT_SEED",
    "DELIVERIES_PER_VILLAGE",
    "ScaleReport",
    "StageReport",
    "data_models",
    "existing_data",
    "scale_data_create",
]
