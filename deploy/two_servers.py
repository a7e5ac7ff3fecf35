"""Two app servers behind one database behave as one portal.

Starts two gunicorn servers (ports 8101 and 8102, production settings) on the same PostgreSQL
database, the same Redis (cache and sessions) and the same media folder, then:
  1. signs in on server A and uses that session on server B;
  2. reads a public product page through B (now cached in Redis), edits the product through A,
     and reads the page through B again: the change shows at once (the cache was invalidated).
Exit code 0 when everything holds. Run from the project folder: `.venv/bin/python deploy/two_servers.py`
(PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, as on these machines; override with
DATABASE_URL and REDIS_URL).
"""

import html.parser
import http.cookiejar
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORTS = (8101, 8102)
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_two_servers")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
PASSWORD = "dua-server-2026"


def environment(media: str, static: str) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "two-servers-check-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain http on loopback; a reverse proxy does TLS
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_MEDIA_ROOT": media,
        "DJANGO_STATIC_ROOT": static,
        "OVOP_DEMO_PASSWORD": PASSWORD,
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


class FormReader(html.parser.HTMLParser):
    """The fields of the first form on a page whose action matches, with their current values."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


class Browser:
    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, str, dict]:
        with self.opener.open(url, timeout=20) as response:
            return response.status, response.read().decode(), dict(response.headers)

    def post(self, url: str, fields: list[tuple[str, str]], referer: str) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": referer})
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.geturl()

    def form(self, url: str) -> list[tuple[str, str]]:
        reader = FormReader()
        reader.feed(self.get(url)[1])
        return reader.fields


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def check(condition: bool, message: str) -> None:
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        raise SystemExit(1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="ovop-two-servers-"))
    env = environment(str(work / "media"), str(work / "static"))
    database = urllib.parse.urlparse(DATABASE_URL)
    subprocess.run(
        ["dropdb", "--if-exists", "-h", database.hostname, "-U", database.username, database.path[1:]],
        check=True,
    )
    subprocess.run(
        ["createdb", "-h", database.hostname, "-U", database.username, database.path[1:]], check=True
    )
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    print("preparing the shared database, media and static files ...")
    manage(env, "migrate", "--noinput")
    manage(env, "load_regions", "36.04")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    servers = [
        subprocess.Popen(
            [
                GUNICORN,
                "ovop_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in PORTS
    ]
    try:
        for port in PORTS:
            wait_for(port)
        a, b = (f"http://127.0.0.1:{port}" for port in PORTS)
        official = Browser()
        login = official.form(f"{a}/accounts/login/")
        fields = [(k, v) for k, v in login if k not in ("username", "password")]
        fields += [("username", "dinas"), ("password", PASSWORD)]
        status, landed = official.post(f"{a}/accounts/login/", fields, referer=f"{a}/accounts/login/")
        check(landed.endswith("/petugas/"), f"signed in on server A ({landed})")
        status, page, _ = official.get(f"{b}/petugas/")
        check(status == 200 and "Keluar (dinas)" in page, "the same session works on server B")

        visitor = Browser()
        slug = "gerabah-bumijaya"
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        check(
            "Gerabah Bumijaya" in page and headers.get("X-Cache") == "hit",
            "B serves the product page from Redis",
        )

        pk = subprocess.run(
            [
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                f"from products.models import Product; print(Product.objects.get(slug='{slug}').pk)",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1]
        edit_url = f"{a}/petugas/produk/{pk}/ubah/"
        form = official.form(edit_url)
        form = [(k, "Gerabah Bumijaya Asli" if k == "name" else v) for k, v in form]
        status, landed = official.post(edit_url, form, referer=edit_url)
        check(f"/petugas/produk/{pk}/" in landed, "the product was edited through server A")
        status, page, headers = visitor.get(f"{b}/produk/{slug}/")
        check(
            "Gerabah Bumijaya Asli" in page, f"B shows the change at once (X-Cache: {headers.get('X-Cache')})"
        )
        print("two app servers behind one database behave as one portal")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
