"""Bad input, everywhere: hostile values in every page's query parameters and in every form's fields.

The pages and forms are taken from the URL patterns (through the expectations of test_access, which
fail when a URL has none), and a form's fields from the form the page itself shows, so that a new page,
form or field is driven without being listed here. Hypothesis draws the values (very long strings,
control characters, HTML and script, SQL fragments, huge and negative numbers, impossible dates,
malformed region codes, other scripts and emoji, empty values, several values for one name), with a
fixed seed per page so that every run tries the same ones. Whatever is drawn:

- no page answers 500 (the test client re-raises the exception, so its traceback is the report);
- what a person typed comes back escaped: the raw markup of the script and image markers never appears;
- a refused form answers with a visible message, in Indonesian, and writes nothing (every table is
  compared before and after, and so is MEDIA_ROOT);
- a redirect, after signing in or anywhere else, stays on this site.
"""

import datetime
import inspect
import re
import sys
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote_plus, urlsplit

import django_filters
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import BUMIJAYA, make_dinas
from tests.portal.test_access import EXPECTED, PERSONAS, urls_for
from tests.portal.test_access import world as world  # the fixture, under its name

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("villages", "products", "assistance", "accounts", "catalogue", "officials", "ovop_portal")


def budget(examples: int):
    """Hypothesis settings for these tests: a small, fixed budget and no example database, so a run
    takes the same time and tries the same values each time (the seed is set per page)."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def seeded(name: str):
    return seed(zlib.crc32(name.encode()))


@pytest.fixture(autouse=True)
def _upload_folder(settings, tmp_path):
    """Uploads that Django spools to disk go to a folder of the test's own, to be watched."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()


# --- hostile values ------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "'><svg/onload=alert(1)>"
# Raw markup that must never reach a page unescaped. Prefixes, so that a value cut to a field's
# length still counts.
RAW_MARKERS = ("<script>alert(", "<img src=x onerror", "<svg/onload")
NUL = "\x00"

HOSTILE_SAMPLES = [
    "",
    " ",
    SCRIPT,
    IMG,
    SVG,
    f"a{NUL}b",
    NUL,
    f"36.04.09{NUL}",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\r\n\t",
    "javascript:alert(1)",
    "' OR '1'='1",
    "1; DROP TABLE products_product; --",
    "' UNION SELECT username, password FROM auth_user --",
    "%' OR 1=1 --",
    "%",
    "_",
    "\\",
    "{{ 7*7 }}{% debug %}",
    "${7*7}",
    "../../etc/passwd",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e400",
    "NaN",
    "Infinity",
    "0x1F",
    "１２３",  # full-width digits
    "٣",  # an Arabic-Indic digit
    str(10**40),
    str(-(10**40)),
    str(2**63),
    str(2**31),
    "2026-02-30",
    "99999-01-01",
    "0000-00-00",
    "2026-13-01",
    "31/12/2026",
    "2026-02-29",
    "36.04.09.2009",  # a real village code, where a number or a date is expected
    "36.04.09",
    "36.04",
    "36.04.99.9999",
    "36..04",
    "3604092009",
    "36.04.09.2009' --",
    "36.04.05.2001",  # a village of another kecamatan
    "\u202egpj.exe",  # right-to-left override
    "مرحبا بالعالم",
    "𝕳𝖊𝖑𝖑𝖔 🏺🌾👩🏽‍🌾",
    "\ufeff\u200b\u200d",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "A" * 10_000,
]


def _long(unit: str, times: int) -> str:
    return unit * times


hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    # a marker inside other text, as a person might paste it
    st.builds(
        lambda before, marker, after: before + marker + after,
        st.text(max_size=4),
        st.sampled_from([SCRIPT, IMG, SVG]),
        st.text(max_size=8),
    ),
    st.builds(_long, st.sampled_from(["A", "é", "🏺", "<b>", "\x00", "9"]), st.integers(101, 5_000)),
    # any text at all: control characters (NUL included), other scripts, symbols
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.integers(-(10**40), 10**40).map(str),
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(str),
)
# Several values under one name: a wrong type for a field that takes one value.
hostile_value = st.one_of(hostile_text, hostile_text, st.lists(hostile_text, min_size=2, max_size=3))


def assert_escaped(response, what: str = "") -> None:
    """The raw markup of a marker never appears in an HTML page (escaped, it may)."""
    if not response.get("Content-Type", "").startswith("text/html") or getattr(response, "streaming", False):
        return
    body = response.content.decode(errors="replace")
    for marker in RAW_MARKERS:
        assert marker not in body, f"{what}: unescaped {marker!r} in the page"


def stays_on_site(location: str) -> bool:
    """Whether a browser following this Location stays on this site. Browsers drop surrounding
    control characters and spaces, drop tabs and newlines anywhere, and read a backslash as a slash."""
    url = location.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme:
        return parts.scheme in ("http", "https") and parts.netloc == "testserver"
    return not parts.netloc


def assert_stays_on_site(response, what: str = "") -> None:
    if 300 <= response.status_code < 400:
        assert stays_on_site(response["Location"]), f"{what}: redirects off-site to {response['Location']!r}"


# --- what the project's pages read --------------------------------------------------------------------


def view_modules() -> set[str]:
    modules = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                module = pattern.callback.__module__
                if module.split(".")[0] in PROJECT_APPS:
                    modules.add(module)

    walk(get_resolver().url_patterns)
    return modules


def filtersets(cls=django_filters.FilterSet):
    for sub in cls.__subclasses__():
        if sub.__module__.split(".")[0] in PROJECT_APPS:
            yield sub
        yield from filtersets(sub)


def known_parameters() -> list[str]:
    """Every query parameter a page of the project reads: the fields of its filter sets, and the names
    its views (and the helpers in their modules) read from request.GET or request.POST."""
    names = {"page"}
    for module in view_modules():  # imports the views, and so the filter sets
        source = inspect.getsource(sys.modules[module])
        names |= set(re.findall(r"request\.(?:GET|POST)\.get\(\s*[\"'](\w+)[\"']", source))
    for filterset in filtersets():
        names |= set(filterset.base_filters)
    return sorted(names)


KNOWN_PARAMETERS = known_parameters()

parameter_name = st.one_of(
    st.sampled_from(KNOWN_PARAMETERS),
    st.sampled_from(KNOWN_PARAMETERS),
    st.sampled_from(KNOWN_PARAMETERS),
    st.text("abcdefghijklmnopqrstuvwxyz_[]%.-", min_size=1, max_size=12),
    st.sampled_from(["", SCRIPT, f"q{NUL}", "q[]", "__proto__", "page[0]", "A" * 500]),
)
query_parameters = st.dictionaries(parameter_name, hostile_value, min_size=1, max_size=5)


def persona_codes(name: str, method: str) -> dict[str, str]:
    get_codes, post_codes = EXPECTED[name][0]
    codes = get_codes if method == "GET" else post_codes
    return dict(zip(PERSONAS, codes.split(), strict=True))


def get_pages() -> list[str]:
    """Every page some persona may see (the Django admin stands for itself with two pages)."""
    return [name for name in EXPECTED if "200" in persona_codes(name, "GET").values()]


@pytest.fixture
def clients(client_class, officer_a, officer_b, dinas, admin_user):
    users = {"officer_a": officer_a, "officer_b": officer_b, "dinas": dinas, "admin": admin_user}
    made = {"anonymous": client_class()}
    for persona, user in users.items():
        made[persona] = client_class()
        made[persona].force_login(user)
    return made


def test_the_known_parameters_include_every_filter_and_the_pages_own():
    for expected in [
        "q",
        "page",
        "kecamatan",
        "kategori",
        "urut",
        "legality",
        "fiscal_year",
        "kurang",
        "tahun",
    ]:
        assert expected in KNOWN_PARAMETERS
    assert len(get_pages()) > 40


# --- every page's query parameters -------------------------------------------------------------------

SWEEP_VALUES = [f"a{NUL}b{SCRIPT}", str(10**40), "2026-02-30"]


def reads_query_parameters(view) -> bool:
    """Whether a view, or a helper of its module it passes the request to, reads request.GET. Views
    of Django and other packages count as reading (the sign-in page reads next, sitemaps p)."""
    view = inspect.unwrap(view)
    if view.__module__.split(".")[0] not in PROJECT_APPS:
        return True
    seen = set()

    def reads(function) -> bool:
        if function in seen:
            return False
        seen.add(function)
        source = inspect.getsource(function)
        if "request.GET" in source:
            return True
        module = sys.modules[function.__module__]
        for callee in re.findall(r"(\w+)\(\s*request\b", source):
            target = getattr(module, callee, None)
            if inspect.isfunction(target) and reads(inspect.unwrap(target)):
                return True
        return False

    return reads(view)


def test_pages_that_read_query_parameters_are_told_apart():
    from catalogue import views as public
    from catalogue import views_catalogue, views_products
    from officials import views
    from products import views as product_views

    # the catalogue through _catalogue, its filter set and paginate
    assert reads_query_parameters(views_catalogue.catalogue)
    assert reads_query_parameters(product_views.product_create)  # ?village= preselects the village
    assert reads_query_parameters(public.choose_language)
    assert not reads_query_parameters(views_products.product_page)
    assert not reads_query_parameters(views.product_detail)


def drive_page(name: str, world: dict, clients: dict) -> None:
    allowed = [p for p, code in persona_codes(name, "GET").items() if code == "200"]
    urls = urls_for(name, world)
    own = set()
    for url in urls:
        response = clients[allowed[0]].get(url)
        if not response.streaming and response["Content-Type"].startswith("text/html"):
            own |= own_parameters(response.content.decode(), url)
    names = sorted((own | set(KNOWN_PARAMETERS)) - {"csrfmiddlewaretoken"})

    def visit(persona: str, url: str, params: dict) -> None:
        cache.clear()
        response = clients[persona].get(url, params)
        what = f"{name} as {persona} with {params!r:.300}"
        assert response.status_code < 500, what
        assert_escaped(response, what)
        assert_stays_on_site(response, what)

    for url in urls:
        for value in SWEEP_VALUES:
            visit(allowed[0], url, dict.fromkeys(names, value))
        # The page's own parameters alone, too: a page may refuse an unknown parameter before it reads
        # the others (the admin does).
        for own_name in sorted(own - {"csrfmiddlewaretoken"}):
            for value in SWEEP_VALUES[:2]:
                visit(allowed[0], url, {own_name: value})
    if not any(reads_query_parameters(resolve(urlsplit(url).path).func) for url in urls):
        return
    page_parameter = st.one_of(st.sampled_from(names), parameter_name)

    @budget(6)
    @seeded(name)
    @given(
        persona=st.sampled_from(allowed),
        url=st.sampled_from(urls),
        params=st.dictionaries(page_parameter, hostile_value, min_size=1, max_size=5),
    )
    def drive(persona, url, params):
        visit(persona, url, params)

    drive()


def test_hostile_query_parameters_never_break_a_page_and_come_back_escaped(world, clients, subtests):
    """Pages that read query parameters get every known parameter at once with a few of the worst
    values, then hypothesis' draws; the others get the worst values only."""
    for name in get_pages():
        with subtests.test(page=name):
            drive_page(name, world, clients)


# Where a NUL in the address used to reach PostgreSQL (a 500 there): RefuseNulCharactersMiddleware now
# answers 400 before any view runs, on both databases.
NUL_CASES = [
    pytest.param("catalogue:district_detail", {"q": f"a{NUL}b"}, None, id="district_detail?q"),
    pytest.param("officials:recap", {"kecamatan": f"a{NUL}b"}, None, id="recap?kecamatan"),
    pytest.param("admin:*", {"status__exact": f"a{NUL}b"}, None, id="admin list filter"),
    pytest.param("catalogue:district_detail", {}, f"36.04.09{NUL}", id="district_detail/code"),
    pytest.param("catalogue:village_detail", {}, f"36.04.09.2009{NUL}", id="village_detail/code"),
]


@pytest.mark.parametrize(("name", "params", "code"), NUL_CASES)
def test_a_nul_in_the_address_is_refused_before_any_query(name, params, code, world, clients):
    persona = "admin" if name == "admin:*" else "dinas"
    url = reverse(name, kwargs={"code": code}) if code else urls_for(name, world)[-1]
    response = clients[persona].get(url, params)
    assert response.status_code == 400
    assert "Alamat ini tidak dapat dibaca" in response.content.decode()


# The Django admin's forms are not driven above (NOT_FORMS). Its autocomplete widgets looked up whatever
# was posted when they showed a refused form again, and its choice fields queried any key posted: these
# failed, each on the databases named, until core.keys.KeyCheckingAdminMixin.
ADMIN_BUGS = [
    pytest.param(
        "admin:products_legalitydocument_add",
        {"product": "abc", "kind": "spp_irt", "number": "1", "issued_on": "2024-01-01"},
        {"sqlite", "postgresql"},
        id="autocomplete-shows-a-key-that-is-not-a-number",
    ),
    pytest.param(
        "admin:products_legalitydocument_add",
        {"product": str(10**40), "kind": "spp_irt", "number": "1", "issued_on": "2024-01-01"},
        {"sqlite"},
        id="autocomplete-shows-a-key-beyond-the-integers",
    ),
    pytest.param(
        "admin:villages_village_add",
        {"code": "36.04.09.9999", "district": f"36.04.09{NUL}", "name": "X", "kind": "desa"},
        {"postgresql"},
        id="autocomplete-shows-a-code-with-nul",
    ),
    pytest.param(
        "admin:auth_group_add",
        {"name": "Uji", "permissions": str(10**40)},
        {"sqlite"},
        id="many-to-many-key-beyond-the-integers",
    ),
]


@pytest.mark.parametrize(("name", "data", "fails_on"), ADMIN_BUGS)
def test_the_admin_refuses_hostile_keys_without_failing(name, data, fails_on, admin_client):
    response = admin_client.post(reverse(name), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


# --- path parameters ---------------------------------------------------------------------------------------

PATH_VALUES = [
    f"a{NUL}b",
    f"{BUMIJAYA}{NUL}",
    "<script>alert(1)<",
    IMG,
    "9" * 40,
    str(2**63),
    str(2**31),
    "-1",
    "0",
    "36.04.99.9999",
    "36.04.05.2001",
    "..",
    "%",
    "🏺\u202e",
    "A" * 300,
    "36.04.09.2009' --",
]


def test_hostile_path_values_never_break_a_page(world, clients):
    """Every URL with parameters in its path (codes, keys, slugs), with each parameter replaced by each
    hostile value its converter lets through, as the Dinas; POST-only URLs are posted to, rolled back."""
    for name, ((get_codes, _post_codes), kwargs_for) in EXPECTED.items():
        if kwargs_for is None or name == "admin:*":
            continue
        kwargs = kwargs_for(world)
        method = "post" if get_codes.split()[PERSONAS.index("dinas")] == "405" else "get"
        for key in kwargs:
            for value in PATH_VALUES:
                try:
                    url = reverse(name, kwargs={**kwargs, key: value})
                except NoReverseMatch:
                    continue  # the converter refuses it: the URL cannot even be asked for
                with transaction.atomic():
                    response = getattr(clients["dinas"], method)(url)
                    transaction.set_rollback(True)
                what = f"{method.upper()} {name} with {key}={value!r:.60}"
                assert response.status_code < 500, what
                assert_escaped(response, what)
                assert_stays_on_site(response, what)


# --- every form ----------------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, choice, multiple, checkbox, file, multiple-file, csrf
    values: list[str] = field(default_factory=list)  # what the page offers or holds
    input_type: str = ""  # of a text field: text, date, number, email, password, hidden, textarea...


@dataclass
class ParsedForm:
    action: str
    method: str
    fields: dict[str, FormField] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page, with each field's kind and the values the page offers for it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[ParsedForm] = []
        self.links: list[str] = []
        self._form: ParsedForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def _add(self, name: str, kind: str, value: str | None = None) -> FormField:
        assert self._form is not None
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = FormField(name, kind)
        elif existing.kind != kind and kind in ("multiple",):
            existing.kind = kind
        if value is not None:
            existing.values.append(value)
        return existing

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            self._form = ParsedForm(
                attributes.get("action") or "", (attributes.get("method") or "get").lower()
            )
            self.forms.append(self._form)
            return
        if self._form is None or not attributes.get("name"):
            if tag == "option" and self._select is not None:
                self._select.values.append(attributes.get("value") or "")
            return
        name = attributes["name"]
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if name == "csrfmiddlewaretoken":
                self._add(name, "csrf", attributes.get("value"))
            elif kind == "file":
                self._add(name, "multiple-file" if "multiple" in attributes else "file")
            elif kind == "checkbox":
                box = self._add(name, "checkbox", attributes.get("value") or "on")
                if len(box.values) > 1:
                    box.kind = "multiple"
            elif kind == "radio":
                self._add(name, "choice", attributes.get("value") or "")
            else:
                self._add(name, "text", attributes.get("value") or "").input_type = kind
        elif tag == "select":
            self._select = self._add(name, "multiple" if "multiple" in attributes else "choice")
        elif tag == "textarea":
            self._textarea = self._add(name, "text")
            self._textarea.input_type = "textarea"
        elif tag == "option" and self._select is not None:
            self._select.values.append(attributes.get("value") or "")

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea.values.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def own_parameters(html: str, url: str) -> set[str]:
    """The query parameters a page itself offers: its filter forms' fields and its links to itself
    with a query (the Django admin's filters, say)."""
    parser = FormParser()
    parser.feed(html)
    path = urlsplit(url).path
    names = {name for form in parser.forms if form.method == "get" for name in form.fields}
    for link in parser.links:
        parts = urlsplit(link)
        if (parts.path or path) == path and parts.query:
            names |= {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}
    return {unquote_plus(name) for name in names}


def post_form_of(html: str, url: str) -> ParsedForm | None:
    """The form of the page that posts to `url` (an empty action posts to the page itself)."""
    parser = FormParser()
    parser.feed(html)
    path = urlsplit(url).path
    for form in parser.forms:
        if form.method == "post" and (urlsplit(form.action).path or path) == path:
            return form
    return None


# Forms posted to a URL that shows no page of its own: the page that holds the form.
FORM_PAGES = {"officials:photo_add": "officials:product_detail"}
# URLs that answer a POST with 200 and show no form: sitemaps, and the password reset link (its form
# appears for a valid link only: test_the_set_password_form_refuses_hostile_values). The Django admin's
# forms are left out while ADMIN_BUGS stand.
NOT_FORMS = {"sitemap-index", "django.contrib.sitemaps.views.sitemap", "password_reset_confirm", "admin:*"}
PREFERRED_PERSONAS = ["anonymous", "officer_a", "dinas"]


def post_targets() -> list[str]:
    """Every URL that answers a POST with a page (200 or 400) rather than a redirect, for some persona:
    the forms, and lists that ignore what is posted to them."""
    return [
        name
        for name in EXPECTED
        if name not in NOT_FORMS and {"200", "400"} & set(persona_codes(name, "POST").values())
    ]


def post_persona(name: str) -> str:
    codes = persona_codes(name, "POST")
    return next(p for p in PREFERRED_PERSONAS if codes[p] in ("200", "400"))


def form_on_page(name: str, world: dict, client) -> ParsedForm | None:
    url = urls_for(name, world)[0]
    page = urls_for(FORM_PAGES[name], world)[0] if name in FORM_PAGES else url
    response = client.get(page)
    assert response.status_code == 200, f"{name}: {page} answers {response.status_code}"
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return None  # a file (an export, a template)
    return post_form_of(response.content.decode(), url)


def test_every_form_is_found_on_its_page(world, clients):
    """The forms are read from their pages: this guards the reading, with the forms there are today."""
    found = {name for name in post_targets() if form_on_page(name, world, clients[post_persona(name)])}
    assert found >= {
        "login",
        "password_change",
        "password_reset",
        "products:product_create",
        "products:product_update",
        "officials:photo_add",
        "products:legality_add_to_product",
        "products:legality_add_to_producer",
        "products:legality_update",
        "products:assessment_create",
        "products:producer_create",
        "products:producer_update",
        "products:designation_propose",
        "products:designation_approve",
        "products:designation_reject",
        "products:designation_end",
        "assistance:programme_create",
        "assistance:programme_update",
        "assistance:delivery_create",
        "assistance:delivery_update",
        "assistance:visit_create_for_product",
        "assistance:visit_create_for_producer",
        "assistance:outcome_create",
        "officials:import",
    }
    # A form posted to a URL without a page of its own must say which page holds it.
    for name in post_targets():
        if "405" in persona_codes(name, "GET").values():
            assert name in FORM_PAGES, f"add the page that holds the form of {name} to FORM_PAGES"


# Tables whose rows are not the form's doing: the sign-in lockout's record of failed attempts is
# written on purpose when a sign-in is refused, and the session table holds the test clients' sign-ins.
NOT_SNAPSHOTTED = {"axes.accessattempt", "axes.accessfailurelog", "axes.accesslog", "sessions.session"}


def snapshot() -> dict:
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_SNAPSHOTTED and model._meta.managed
    }


def media_files(settings) -> set[str]:
    # Legality scans live in PRIVATE_MEDIA_ROOT: a refused scan must leave nothing there either.
    roots = [
        Path(settings.MEDIA_ROOT),
        Path(settings.PRIVATE_MEDIA_ROOT),
        Path(settings.FILE_UPLOAD_TEMP_DIR),
    ]
    return {str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def describe_difference(before: dict, after: dict) -> str:
    changed = [label for label in before if before[label] != after.get(label)]
    return ", ".join(f"{label}: {len(before[label])} -> {len(after[label])} rows" for label in changed)


hostile_file = st.builds(
    lambda stem, extension, content: SimpleUploadedFile(f"{stem}.{extension}", content),
    st.sampled_from(["berkas", SCRIPT.replace("/", ""), "a" * 200, "..", "ﾃｽﾄ", "foto.jpg"]),
    st.sampled_from(["jpg", "png", "webp", "pdf", "xlsx", "csv", "exe", "svg", "JPG", "jpg.php"]),
    st.one_of(
        st.binary(max_size=64),
        st.sampled_from(
            [
                b"",
                b"\xff\xd8\xff\xe0" + b"\x00" * 40,  # a JPEG's start, nothing after
                b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                b"%PDF-1.4\n" + SCRIPT.encode(),
                b"PK\x03\x04" + b"\x00" * 40,  # a ZIP's (and so an XLSX's) start
                b"MZ\x90\x00",  # a Windows program
                f"Nama usaha,Kode desa\n{SCRIPT},{BUMIJAYA}\n".encode(),
                b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            ]
        ),
    ),
)

ENGLISH_MESSAGES = re.compile(
    r"This field|Enter a |Select a valid|Ensure this|Null characters|is not a valid|The submitted|"
    r"No file was|Upload a valid|Please |must be|is required",
)
ERROR_BLOCK = re.compile(
    r'<(?:div|span|p|ul)[^>]*class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</(?:div|span|p|ul)>',
    re.S,
)


def assert_refusal_is_explained(response, what: str) -> None:
    body = response.content.decode(errors="replace")
    messages = ERROR_BLOCK.findall(body)
    assert messages, f"{what}: refused (HTTP {response.status_code}) without a visible message"
    assert response["Content-Language"] == "id", what
    english = [m for m in messages if ENGLISH_MESSAGES.search(m)]
    assert not english, f"{what}: a message in English: {english[0][:200]!r}"


# A value a person could have typed, for a field the page leaves empty, so that a hostile value in
# another field is what the form has to refuse.
PLAUSIBLE = {
    "date": "2025-01-15",
    "number": "1",
    "email": "petugas@example.invalid",
    "password": "gerabah-bumijaya-2026!",
    "tel": "081234567890",
    "hidden": "",
}


@st.composite
def form_data(draw, form: ParsedForm):
    """Values for the form's fields: each the page's own value (or one of its choices, or a plausible
    value), a hostile one, or left out. One field is always hostile; in half the examples it is the
    only one, so that it alone decides. Sometimes a field the form lacks comes too."""
    names = [name for name, f in form.fields.items() if f.kind != "csrf"]
    target = draw(st.sampled_from(names))
    focused = draw(st.booleans())
    data: dict = {}
    for name in names:
        spec = form.fields[name]
        offered = [v for v in spec.values if v != ""] or [PLAUSIBLE.get(spec.input_type, "Contoh isian")]
        if name == target:
            mode = "hostile"
        elif focused:
            mode = "page"
        else:
            mode = draw(st.sampled_from(["page", "page", "hostile", "missing"]))
        if mode == "missing":
            continue
        if spec.kind in ("file", "multiple-file"):
            if mode == "page":
                continue
            files = draw(
                st.lists(hostile_file, min_size=1, max_size=2 if spec.kind == "multiple-file" else 1)
            )
            data[name] = files if len(files) > 1 else files[0]
        elif spec.kind == "multiple":
            choice = st.sampled_from(offered)
            data[name] = draw(
                st.lists(choice if mode == "page" else st.one_of(choice, hostile_text), max_size=3)
            )
        elif mode == "page":
            data[name] = draw(st.sampled_from(offered))
        else:
            data[name] = draw(hostile_value)
    if draw(st.booleans()):
        data[draw(parameter_name)] = draw(hostile_text)
    return data


def post_and_check(client, url: str, data: dict, what: str, settings, form: bool = True) -> None:
    """Post inside a savepoint rolled back afterwards, so every example starts from the same data."""
    cache.clear()
    with transaction.atomic():
        before, files_before = snapshot(), media_files(settings)
        response = client.post(url, data)
        what = f"{what} with {data!r:.400}"
        assert response.status_code < 500, what
        assert_escaped(response, what)
        assert_stays_on_site(response, what)
        if response.status_code in (301, 302, 303):
            followed = client.get(response["Location"])  # what was saved, shown on the next page
            assert followed.status_code < 500, what
            assert_escaped(followed, what)
        else:
            assert 200 <= response.status_code < 500, what
            after = snapshot()
            assert after == before, f"{what}: refused, yet wrote {describe_difference(before, after)}"
            assert media_files(settings) == files_before, f"{what}: refused, yet left files"
            if form and response.status_code != 429:  # the sign-in lockout's page explains itself
                assert_refusal_is_explained(response, what)
        transaction.set_rollback(True)


def sweep_data(form: ParsedForm, value: str) -> dict:
    data = {}
    for name, spec in form.fields.items():
        if spec.kind == "csrf":
            continue
        if spec.kind in ("file", "multiple-file"):
            data[name] = SimpleUploadedFile(f"{value[:20]}.jpg", value.encode("utf-8", "replace")[:200])
        else:
            data[name] = value
    return data


def drive_form(name: str, world: dict, clients: dict, settings) -> None:
    persona = post_persona(name)
    client = clients[persona]
    url = urls_for(name, world)[0]
    what = f"{name} as {persona}"
    form = form_on_page(name, world, client)
    if form is None:  # a list answering a POST: whatever is posted is ignored
        for value in SWEEP_VALUES:
            post_and_check(client, url, dict.fromkeys(KNOWN_PARAMETERS, value), what, settings, form=False)
        return
    for value in SWEEP_VALUES:  # every field at once, with each of a few of the worst values
        post_and_check(client, url, sweep_data(form, value), what, settings)

    @budget(6)
    @seeded(name)
    @given(data=form_data(form))
    def drive(data):
        post_and_check(client, url, data, what, settings)

    drive()


def test_hostile_form_input_is_refused_with_a_message_and_writes_nothing(world, clients, settings, subtests):
    for name in post_targets():
        with subtests.test(form=name):
            drive_form(name, world, clients, settings)


def test_the_set_password_form_refuses_hostile_values(client, officer_a, settings):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(officer_a.pk))
    token = default_token_generator.make_token(officer_a)
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert response.status_code == 302  # to the same page without the token in the address
    url = response["Location"]
    form = post_form_of(client.get(url).content.decode(), url)
    assert form is not None and {"new_password1", "new_password2"} <= set(form.fields)
    for value in SWEEP_VALUES:
        post_and_check(client, url, sweep_data(form, value), "password_reset_confirm", settings)

    @budget(10)
    @seeded("password_reset_confirm")
    @given(data=form_data(form))
    def drive(data):
        post_and_check(client, url, data, "password_reset_confirm", settings)

    drive()


def test_a_hostile_import_reference_is_sent_back_to_the_upload_form(dinas_client, settings):
    url = reverse("officials:import_preview")

    @budget(10)
    @seeded("officials:import_preview")
    @given(ref=hostile_value)
    def drive(ref):
        with transaction.atomic():
            before = snapshot()
            response = dinas_client.post(url, {"ref": ref})
            assert response.status_code == 302 and response["Location"] == reverse("officials:import")
            page = dinas_client.get(response["Location"])
            assert "Unggahan ini tidak ditemukan" in page.content.decode()
            assert snapshot() == before
            transaction.set_rollback(True)

    drive()


# --- focused cases: the marker is shown escaped where it is shown ------------------------------------


def test_a_search_for_script_is_shown_escaped_in_the_catalogue(client):
    response = client.get(reverse("catalogue:list"), {"q": SCRIPT})
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    assert SCRIPT not in response.content.decode()


def test_a_refused_product_form_shows_the_typed_name_escaped(officer_a_client):
    response = officer_a_client.post(reverse("products:product_create"), {"name": SCRIPT, "village": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and SCRIPT not in html


def test_a_saved_name_with_markup_is_shown_escaped_to_the_public(client, officer_a_client):
    from tests.products.test_views import product_data

    response = officer_a_client.post(reverse("products:product_create"), product_data(name=IMG))
    assert response.status_code == 302
    from products.models import Product

    product = Product.objects.get()
    for url in [
        product.get_public_url(),
        reverse("catalogue:list"),
        reverse("catalogue:village_detail", args=[BUMIJAYA]),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.content.decode()
        assert_escaped(page, url)


# --- redirects after signing in stay on this site ---------------------------------------------------

OFF_SITE_PREFIXES = [
    "//",
    "///",
    "////",
    "/\\",
    "\\\\",
    "\\/",
    "/\t/",
    " //",
    "\t//",
    "\x00//",
    "https://",
    "http://",
    "https:",
    "https:/",
    "http:\\\\",
    "HTTPS://",
    "ftp://",
    "//:@",
    "/%2F",
    "%2F%2F",
    "%5C%5C",
    "/%5C",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "data:text/html,",
    "",
]
OFF_SITE_HOSTS = [
    "evil.example",
    "testserver@evil.example",
    "evil.example#@testserver",
    "evil.example\\@testserver",
    "testserver.evil.example",
    "evil。example",
    "ｅｖｉｌ.example",
    "alert(1)",
    "0x7f.1",
    "[::1]",
]
OFF_SITE_SUFFIXES = ["", "/", "/petugas/", "?next=/", ":443/", "#/petugas/", "/%2e%2e/"]


def _encoded(url: str, times: int) -> str:
    for _ in range(times):
        url = quote(url, safe="")
    return url


next_values = st.one_of(
    st.builds(
        lambda prefix, host, suffix, times: _encoded(prefix + host + suffix, times),
        st.sampled_from(OFF_SITE_PREFIXES),
        st.sampled_from(OFF_SITE_HOSTS),
        st.sampled_from(OFF_SITE_SUFFIXES),
        st.sampled_from([0, 0, 0, 1, 2]),
    ),
    hostile_text,
)


@pytest.fixture
def signer(db):
    """A Dinas official whose password (hashed with the fast hasher) the sign-in form checks."""
    return make_dinas("penanda-tangan")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
    ],
)
def test_signing_in_with_an_off_site_next_lands_on_the_officials_home(client, signer, target):
    response = client.post(
        reverse("login") + "?next=" + quote(target, safe=""),
        {"username": "penanda-tangan", "password": "pw-test-12345", "next": target},
    )
    assert response.status_code == 302
    assert stays_on_site(response["Location"])


def test_no_next_value_sends_a_signed_in_official_off_this_site(client_class, signer):
    login, language = reverse("login"), reverse("catalogue:choose_language", args=["en"])

    @budget(30)
    @seeded("next")
    @given(target=next_values, where=st.sampled_from(["post", "query", "both"]))
    def drive(target, where):
        cache.clear()
        client = client_class()
        # A NUL in the address is refused at once (400, RefuseNulCharactersMiddleware): no redirect at all.
        in_address = 400 if NUL in target else None
        page = client.get(login, {"next": target})
        assert page.status_code == (in_address or 200)
        assert_escaped(page, f"login page with next={target!r}")
        url = login + ("" if where == "post" else "?next=" + quote(target, safe=""))
        data = {"username": "penanda-tangan", "password": "pw-test-12345"}
        if where != "query":
            data["next"] = target
        response = client.post(url, data)
        assert response.status_code == ((where != "post" and in_address) or 302), target
        if response.status_code == 400:
            client.post(login, {"username": "penanda-tangan", "password": "pw-test-12345"})
        else:
            assert stays_on_site(response["Location"]), f"next={target!r} -> {response['Location']!r}"
        switched = client.get(language, {"next": target})
        assert switched.status_code == (in_address or 302)
        if in_address is None:
            assert stays_on_site(switched["Location"]), (
                f"language next={target!r} -> {switched['Location']!r}"
            )
        signed_out = client.post(reverse("logout") + "?next=" + quote(target, safe=""), {"next": target})
        assert signed_out.status_code == (in_address or 302)
        if in_address is None:
            assert stays_on_site(signed_out["Location"]), (
                f"logout next={target!r} -> {signed_out['Location']!r}"
            )

    drive()


def test_the_on_site_check_itself_tells_off_site_from_on_site():
    for off in [
        "//evil.example",
        "/\\evil.example",
        " //evil.example",
        "https://evil.example/",
        "javascript:x",
    ]:
        assert not stays_on_site(off), off
    for on in ["/petugas/", "http://testserver/petugas/", "petugas/", "/%2F%2Fevil.example"]:
        assert stays_on_site(on), on
