"""Legality documents of products and producers, and scored assessments of the flagships."""

import datetime
import random
from collections.abc import Iterator

from products.models import Assessment, AssessmentScore, LegalityDocument, stars_for

from .plan import Plan, day_between, moment, nib_number
from .tables import BATCH, Writer

# -- legality documents ----------------------------------------------------------------------------


def documents_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("documents")
    writer = Writer(LegalityDocument)
    kinds = dict.fromkeys(LegalityDocument.Kind.values, 0)
    expired = 0
    for document in _documents(plan, rng):
        writer.add(document)
        kinds[document.kind] += 1
        expired += document.expires_on is not None and document.expires_on < plan.reference
    writer.flush()
    return {"documents": writer.written, **{k: n for k, n in kinds.items() if n}, "expired": expired}


def _documents(plan: Plan, rng: random.Random) -> Iterator[LegalityDocument]:
    pk = 0
    Kind = LegalityDocument.Kind
    oss_start = datetime.date(2018, 7, 1)  # NIB numbers come from OSS since mid-2018
    seen_producers = 0
    for product in plan.products:
        code = product.village.code.replace(".", "")
        # Each producer's NIB once (a former flagship shares its producers with the current one).
        last = product.producer_first + product.producer_count - 1
        for producer_id in range(max(product.producer_first, seen_producers + 1), last + 1):
            if plan.producer_has_nib[producer_id]:
                pk += 1
                issued = day_between(rng, oss_start, plan.reference)
                yield _document(
                    pk, rng, Kind.NIB, nib_number(producer_id), issued, None, producer=producer_id
                )
        seen_producers = max(seen_producers, last)
        expected = {
            "makanan-olahan": [(Kind.SPP_IRT, 0.8, 5), (Kind.HALAL, 0.55, 0), (Kind.BPOM_MD, 0.1, 5)],
            "minuman": [(Kind.SPP_IRT, 0.75, 5), (Kind.HALAL, 0.5, 0), (Kind.BPOM_MD, 0.15, 5)],
            "herbal-kosmetik": [(Kind.OTHER, 0.5, 3), (Kind.HALAL, 0.3, 0), (Kind.HKI, 0.2, 10)],
            "kerajinan": [(Kind.HKI, 0.35, 10), (Kind.SNI, 0.05, 4)],
            "fesyen-tekstil": [(Kind.HKI, 0.35, 10), (Kind.SNI, 0.08, 4)],
            "pertanian-perikanan": [(Kind.OTHER, 0.3, 3), (Kind.HALAL, 0.2, 0)],
            "jasa-wisata": [(Kind.OTHER, 0.3, 3)],
        }[product.kind.category]
        for kind, share, years in expected:
            if rng.random() >= share:
                continue
            pk += 1
            issued = day_between(rng, plan.reference - datetime.timedelta(days=6 * 365), plan.reference)
            expires = issued + datetime.timedelta(days=365 * years) if years else None
            number = {
                Kind.SPP_IRT: f"P-IRT 2{code[:4]}01{pk % 10**6:06d}-{(expires or issued).year % 100:02d}",
                Kind.HALAL: f"ID{code[:4]}{pk:012d}",
                Kind.BPOM_MD: f"BPOM RI MD {2 * 10**11 + pk:012d}",
                Kind.HKI: f"IDM000{pk:07d}",
                Kind.SNI: f"SNI-{code[:4]}-{pk:07d}",
                Kind.OTHER: f"REG/{code[:4]}/{issued.year}/{pk:07d}",
            }[kind]
            yield _document(pk, rng, kind, number, issued, expires, product=product.id)


def _document(pk, rng, kind, number, issued, expires, *, product=None, producer=None):
    created = moment(issued, rng)
    return LegalityDocument(
        id=pk,
        product_id=product,
        producer_id=producer,
        kind=kind,
        number=number,
        issued_on=issued,
        expires_on=expires,
        created_at=created,
        updated_at=created,
    )


# -- assessments -----------------------------------------------------------------------------------


def assessments_create(plan: Plan) -> dict[str, int]:
    rng = plan.rng("assessments")
    assessments, scores = Writer(Assessment, auto=False), Writer(AssessmentScore, auto=False)
    if not plan.criteria:
        return {"assessments": 0, "scores": 0}
    maximum = sum(c.max_points for c in plan.criteria)
    pk = score_pk = 0
    for product in plan.products:
        if product.role != "flagship":
            continue
        draw = rng.random()
        if draw >= 0.75:
            continue
        dates = []
        if draw < 0.60:  # a recent one, still valid (36 months)
            dates.append(plan.reference - datetime.timedelta(days=rng.randint(0, 900)))
        if draw >= 0.60 or rng.random() < 0.2:  # an old one: alone, the product is due again
            dates.append(plan.reference - datetime.timedelta(days=rng.randint(1150, 2200)))
        quality = rng.triangular(0.3, 0.98, 0.7)
        officer = plan.officers[product.village.regency]
        for assessed_on in sorted(dates):
            pk += 1
            points = [
                min(c.max_points, max(0, round(c.max_points * (quality + rng.uniform(-0.15, 0.15)))))
                for c in plan.criteria
            ]
            total = sum(points)
            assessments.add(
                Assessment(
                    id=pk,
                    product_id=product.id,
                    assessed_on=assessed_on,
                    assessor_id=officer,
                    notes="Penilaian berkala produk unggulan.",
                    total_points=total,
                    max_points=maximum,
                    stars=stars_for(total, maximum),
                    created_at=moment(assessed_on, rng),
                )
            )
            for criterion, given in zip(plan.criteria, points, strict=True):
                score_pk += 1
                scores.add(
                    AssessmentScore(
                        id=score_pk,
                        assessment_id=pk,
                        criterion_id=criterion.pk,
                        points=given,
                        max_points=criterion.max_points,
                    )
                )
            quality = min(0.98, quality + rng.uniform(0, 0.1))
        if len(scores.pending) >= BATCH:
            assessments.flush()
            scores.flush()
    assessments.flush()
    scores.flush()
    return {"assessments": assessments.written, "scores": scores.written}
