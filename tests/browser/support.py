"""Helpers of the browser tests: building the scenario's data and running axe-core."""

import datetime
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.images import validate_photo
from products.models import AssessmentCriterion
from products.services import (
    assessment_record,
    designation_approve,
    designation_propose,
    product_photo_add,
)

CIRUAS = "36.04.09"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CONSENTING_NUMBER = "+6281234567890"
PRIVATE_NUMBER = "+6281298765432"
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_photo(product, colour: tuple[int, int, int], caption: str):
    upload = SimpleUploadedFile("p.jpg", jpeg(colour), content_type="image/jpeg")
    return product_photo_add(product=product, upload=upload, caption=caption, image=validate_photo(upload))


def record_stars(product, assessor, percent: int):
    """An assessment made today, scoring `percent` of every criterion's points (80: 4 stars)."""
    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    assert sum(c.max_points for c in criteria) == 100
    points = {c.pk: c.max_points * percent // 100 for c in criteria}
    return assessment_record(
        product=product, assessor=assessor, assessed_on=timezone.localdate(), points=points
    )


def designate(product, officer, dinas):
    """Make the product its village's approved flagship."""
    proposal = designation_propose(product=product, proposed_by=officer, year=2026)
    return designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number="SK-1",
        decree_date=datetime.date(2026, 3, 2),
        expected_current_id=None,
    )


def run_axe(page) -> list[dict]:
    """The WCAG 2.0/2.1 level A and AA violations axe-core finds on the page.

    The script is injected inline, so the page's context must be opened with bypass_csp=True (the
    portal's CSP allows only its own scripts)."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
            }));
        }""",
        WCAG_A_AA,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        lines.extend(
            f"    {node['target']}: {' '.join(node['summary'].split())}" for node in violation["nodes"]
        )
    return "\n".join(lines)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def wait_for_images_loaded(page, selector: str) -> None:
    page.wait_for_function(
        """(selector) => {
            const images = [...document.querySelectorAll(selector)];
            return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
        }""",
        arg=selector,
    )
