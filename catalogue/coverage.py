"""The programme at a glance, for the public: each village's public situation (flagship, proposed,
has products, none), counted per kecamatan, and drawn as points on a plain SVG (no tiles, no script).

The public situations are a public reading of assistance.situations: a flagship counts only as the
public sees it (an approved designation of a published product still in the village, as
catalogue.showcase.public_flagships), a proposal is only "proposed" (never its product or officer), and
"has products" counts published products only. A village is in the first situation that holds.

At a regency every village is a point (a regency has at most a few hundred). Larger areas (a
province, the whole country: villages.models.summary_level) are drawn as one point per area of the
level below, sized by its number of villages and coloured by its coverage, so that the page stays
small and its number of queries fixed: one query either way.
"""

import html
import math
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import prepared
from core.links import CODE, path_for_each
from officials import summary
from officials.models import SummaryState
from products.selectors import PUBLIC_SITUATIONS, public_situation
from villages.models import Province, Regency, Village, summary_level
from villages.roles import Scope

FLAGSHIP, PROPOSED, PRODUCTS, NONE = PUBLIC_SITUATIONS
SITUATIONS = (FLAGSHIP, PROPOSED, PRODUCTS, NONE)
LABELS = {
    FLAGSHIP: _("Produk unggulan"),
    PROPOSED: _("Diusulkan"),
    PRODUCTS: _("Punya produk"),
    NONE: _("Belum ada produk"),
}
SHAPES = {
    FLAGSHIP: _("belah ketupat"),
    PROPOSED: _("segitiga"),
    PRODUCTS: _("lingkaran"),
    NONE: _("lingkaran kosong"),
}

# The public sees the area as the Dinas does: villages.models.summary_level decides the level.
PUBLIC_SCOPE = Scope(is_official=False, is_dinas=True, is_admin=False, district_codes=frozenset())

# The lookups from a village to the area it is summarised by: code, name and the area's own centre.
AREA_LOOKUPS = {
    "regency": ("district__regency_id", "district__regency__name"),
    "province": ("district__regency__province_id", "district__regency__province__name"),
}

LEVEL_MODELS = {"regency": Regency, "province": Province}

WIDTH = 800.0  # the drawing's width in SVG units; its height follows the area's shape
MAX_HEIGHT = 900.0
PADDING = 24.0


def area_level() -> str:
    """ "district" at a regency (villages drawn one by one), else the level below the area served."""
    return summary_level(PUBLIC_SCOPE)


@dataclass
class AreaRow:
    """One row of the table: a kecamatan (or a regency or province at a larger scale)."""

    code: str
    name: str
    url: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(SITUATIONS, 0))
    desa: int = 0
    kelurahan: int = 0
    # Sums of the coordinates known, for the area's centre.
    lat_sum: float = 0.0
    lng_sum: float = 0.0
    located: int = 0

    @property
    def villages(self) -> int:
        return sum(self.counts.values())

    @property
    def coverage(self) -> float:
        return 100 * self.counts[FLAGSHIP] / self.villages if self.villages else 0.0

    def add(self, situation: str, kind: str, n: int, lat: float | None, lng: float | None, located: int):
        self.counts[situation] += n
        if kind == Village.Kind.DESA:
            self.desa += n
        else:
            self.kelurahan += n
        if located:
            self.lat_sum += lat * located
            self.lng_sum += lng * located
            self.located += located


@dataclass
class Point:
    x: float
    y: float
    situation: str
    title: str
    url: str
    radius: float = 0.0
    band: str = ""


@dataclass
class Coverage:
    level: str  # "district": villages are points, kecamatan the rows; else the rows' level
    rows: list[AreaRow]
    points: list[Point]
    labels: list[Point]
    outline: str  # SVG points of the drawing's outline (the convex hull of the points)
    width: float
    height: float
    unlocated: int  # villages (or areas) without coordinates, not drawn

    @property
    def totals(self) -> dict:
        total = dict.fromkeys(SITUATIONS, 0)
        for row in self.rows:
            for situation in SITUATIONS:
                total[situation] += row.counts[situation]
        total["villages"] = sum(total[s] for s in SITUATIONS)
        total["desa"] = sum(row.desa for row in self.rows)
        total["kelurahan"] = sum(row.kelurahan for row in self.rows)
        total["coverage"] = 100 * total[FLAGSHIP] / total["villages"] if total["villages"] else 0.0
        return total

    @property
    def legend(self) -> list[dict]:
        return [{"situation": s, "label": LABELS[s], "shape": SHAPES[s]} for s in SITUATIONS]

    @property
    def is_villages(self) -> bool:
        return self.level == "district"

    @property
    def linked_marks(self) -> SafeString:
        """The villages' points of the drawing, each a link with its title (_coverage_map.html)."""
        return self._marks(linked=True)

    @property
    def bare_marks(self) -> SafeString:
        """The villages' points alone, where the page lists the places with their links (the map)."""
        return self._marks(linked=False)

    def _marks(self, *, linked: bool) -> SafeString:
        # Written in one pass rather than by a template loop: a regency's 326 points were 5-7 ms of
        # template time on the home and map pages (issue 19); the markup is the same, escaped alike.
        marks = []
        for p in self.points:
            situation = escape(p.situation)
            use = f'<use href="#cv-s-{situation}" class="cv-{situation}" x="{p.x}" y="{p.y}"/>'
            if linked:
                use = f'<a href="{escape(p.url)}" tabindex="-1"><title>{escape(p.title)}</title>{use}</a>'
            marks.append(use)
        return mark_safe("".join(marks))  # noqa: S308 (every value above is escaped or a number)


MIN_SPAN = 0.05  # degrees: one point, or points in a line, still get a drawing around them


def _widened(low: float, high: float) -> tuple[float, float]:
    if high - low >= MIN_SPAN:
        return low, high
    middle = (low + high) / 2
    return middle - MIN_SPAN / 2, middle + MIN_SPAN / 2


class Projection:
    """Longitude and latitude to the drawing's x and y: equirectangular, scaled at the area's middle
    latitude, fitted to the points' own extent (an honest sketch, not a survey map)."""

    def __init__(self, coordinates: list[tuple[float, float]]):
        lats = [lat for lat, _lng in coordinates] or [0.0]
        lngs = [lng for _lat, lng in coordinates] or [0.0]
        self.south, self.north = _widened(min(lats), max(lats))
        self.west, self.east = _widened(min(lngs), max(lngs))
        self.squeeze = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.squeeze, 1e-6)
        span_y = max(self.north - self.south, 1e-6)
        self.scale = min((WIDTH - 2 * PADDING) / span_x, (MAX_HEIGHT - 2 * PADDING) / span_y)
        self.width = WIDTH
        self.height = round(min(span_y * self.scale + 2 * PADDING, MAX_HEIGHT), 1)
        self.offset_x = (WIDTH - span_x * self.scale) / 2

    def __call__(self, lat: float, lng: float) -> tuple[float, float]:
        x = self.offset_x + (lng - self.west) * self.squeeze * self.scale
        y = PADDING + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull (Andrew's monotone chain), counter-clockwise."""
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _band(coverage: float) -> str:
    """A larger area's colour: the share of its villages with a flagship."""
    if coverage >= 50:
        return "high"
    if coverage >= 10:
        return "mid"
    return "low" if coverage > 0 else "zero"


def area_coverage(villages: models.QuerySet | None = None, state: SummaryState | None = None) -> Coverage:
    """The coverage of the served area (or of `villages`), in one query. A province or the whole
    country is summed from the village summaries counted ahead (officials.summary), not from every
    village's designations and products; `state`: theirs, when the caller has read it already."""
    level = area_level()
    if level == "district":
        return _village_coverage(villages)
    if villages is None:
        # counted first when there are none yet, or of another area
        state = state or summary.current_state()
        return _grouped_coverage(summary.public_area_counts(level, state), level)
    return _grouped_coverage(_counted_by_area(villages, level), level)


def _counted_by_area(villages: models.QuerySet, level: str) -> list[dict]:
    """officials.summary.public_area_counts' rows, counted live from `villages`."""
    code, _name = AREA_LOOKUPS[level]
    return list(
        villages.annotate(public_situation=public_situation(), area=models.F(code))
        .order_by()
        .values("area", "public_situation", "kind")
        .annotate(
            n=models.Count("pk"),
            lat=models.Avg("latitude"),
            lng=models.Avg("longitude"),
            located=models.Count("latitude"),
        )
    )


def _village_coverage(villages: models.QuerySet | None) -> Coverage:
    """The villages' coverage (the served area's when None: its query built and compiled once a day,
    core.prepared)."""

    def described() -> models.QuerySet:
        return (
            (Village.objects.in_service_area() if villages is None else villages)
            .annotate(public_situation=public_situation())
            .order_by("district__name", "name", "code")
            .values(
                "code",
                "name",
                "kind",
                "latitude",
                "longitude",
                "district_id",
                "district__name",
                "public_situation",
            )
        )

    if villages is None:
        rows = prepared.rows(("catalogue.area_coverage", timezone.localdate()), described)
    else:
        rows = list(described())
    areas: dict[str, AreaRow] = {}
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    project = Projection([(float(r["latitude"]), float(r["longitude"])) for r in located])
    points = []
    district_path = path_for_each("catalogue:district_detail", CODE)
    village_path = path_for_each("catalogue:village_detail", CODE)
    # Each label translated once, not once a village.
    kinds = {kind: str(label) for kind, label in Village.Kind.choices}
    labels = {situation: str(label) for situation, label in LABELS.items()}
    for r in rows:
        area = areas.get(r["district_id"])
        if area is None:
            area = areas[r["district_id"]] = AreaRow(
                r["district_id"], r["district__name"], district_path(r["district_id"])
            )
        has_place = r["latitude"] is not None and r["longitude"] is not None
        lat, lng = (float(r["latitude"]), float(r["longitude"])) if has_place else (None, None)
        area.add(r["public_situation"], r["kind"], 1, lat, lng, int(has_place))
        if has_place:
            x, y = project(lat, lng)
            title = f"{kinds.get(r['kind'], '')} {r['name']}: {labels[r['public_situation']]}"
            points.append(Point(x, y, r["public_situation"], title, village_path(r["code"])))
    return _finish("district", list(areas.values()), points, project, len(rows) - len(located))


def _grouped_coverage(grouped: list[dict], level: str) -> Coverage:
    """`grouped`: villages counted per area, public situation and kind, with their mean coordinates."""
    names = dict(LEVEL_MODELS[level].objects.values_list("code", "name"))
    district_list = reverse("villages:district_list")
    areas: dict[str, AreaRow] = {}
    for r in grouped:
        # An area has no page of its own: its row opens the kecamatan list searched by its code.
        area = areas.get(r["area"])
        if area is None:
            url = f"{district_list}?q={r['area']}"
            area = areas[r["area"]] = AreaRow(r["area"], names.get(r["area"], r["area"]), url)
        lat = float(r["lat"]) if r["lat"] is not None else None
        lng = float(r["lng"]) if r["lng"] is not None else None
        area.add(r["public_situation"], r["kind"], r["n"], lat, lng, r["located"] if lat is not None else 0)
    rows = sorted(areas.values(), key=lambda a: (a.name, a.code))
    located = [a for a in rows if a.located]
    project = Projection([(a.lat_sum / a.located, a.lng_sum / a.located) for a in located])
    largest = max((a.villages for a in rows), default=1)
    points, labels = [], []
    for area in located:
        x, y = project(area.lat_sum / area.located, area.lng_sum / area.located)
        radius = round(4 + 22 * math.sqrt(area.villages / largest), 1)
        title = _("%(name)s: %(flagships)s dari %(villages)s desa/kelurahan memiliki produk unggulan") % {
            "name": area.name,
            "flagships": area.counts[FLAGSHIP],
            "villages": area.villages,
        }
        points.append(
            Point(
                x,
                y,
                "",
                title,
                area.url,
                radius=radius,
                band=_band(area.coverage),
            )
        )
        labels.append(Point(x, round(y + radius + 12, 1), "", area.name, area.url))
    return _finish(level, rows, points, project, len(rows) - len(located), labels)


def _finish(
    level: str,
    rows: list[AreaRow],
    points: list[Point],
    project: Projection,
    unlocated: int,
    labels: list[Point] | None = None,
) -> Coverage:
    if labels is None:  # kecamatan names at the centre of their villages
        labels = [
            Point(*project(area.lat_sum / area.located, area.lng_sum / area.located), "", area.name, area.url)
            for area in rows
            if area.located
        ]
    hull = _hull([(p.x, p.y) for p in points])
    outline = " ".join(f"{x},{y}" for x, y in hull) if len(hull) >= 3 else ""
    return Coverage(
        level=level,
        rows=rows,
        points=points,
        labels=labels,
        outline=outline,
        width=project.width,
        height=project.height,
        unlocated=unlocated,
    )


def place_items(places: list, *, with_coordinates: bool) -> SafeString:
    """The map page's list items of `places` (villages from its query, their paths set), as its
    template wrote them place by place: a link to the village, then its flagship (linked), its
    proposal or its number of products. `with_coordinates`: each item carries `data-ll`, which the
    map reads its markers from (static/js/map.js). Written in one pass: a regency's 326 places, each
    with a translated count, were most of the map page's template time (issue 19)."""
    flagship_note = _escape(gettext("produk unggulan"))
    proposed = _escape(gettext("diusulkan menjadi produk unggulan"))
    counted: dict[int, str] = {}  # each number of products translated once
    items = []
    for place in places:
        located = with_coordinates and place.latitude is not None and place.longitude is not None
        ll = f' data-ll="{place.latitude:f},{place.longitude:f}"' if located else ""
        if place.product_path:
            what = (
                f'<a href="{_escape(place.product_path)}">{_escape(place.flagship_name)}</a> '
                f'<span class="cv-note">({flagship_note})</span>'
            )
        elif place.public_situation == PROPOSED:
            what = proposed
        else:
            count = place.product_count
            what = counted.get(count)
            if what is None:
                text = ngettext("%(counter)s produk", "%(counter)s produk", count) % {"counter": count}
                what = counted[count] = _escape(text)
        items.append(
            f'<li class="cv-place-{_escape(place.public_situation)}"{ll}>'
            f'<a href="{_escape(place.path)}">{_escape(place)}</a>: {what}</li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above is escaped or a number)


def _escape(value) -> str:
    """django.utils.html.escape's text (it is html.escape of the value's text) without its lazy-string
    wrapper, which cost more than the escaping over a map's hundreds of places."""
    return html.escape(str(value))
