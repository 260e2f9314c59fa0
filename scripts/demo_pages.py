"""The demo site's key pages, for `make screenshot` and `make lighthouse`.

Serves the embedded demo database (SQLite, loaded by `make demo`) with Django's development
server on a free loopback port, or reuses a running one (``PARVIS_DEMO_URL``), and finds the
addresses of one event, group, thread, organisation, commune... by following the links of the
list pages, so the scripts never hard-code demo data.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DEMO_ENV = {
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "DEBUG": "true",
    "PARVIS_STAFF_MFA_REQUIRED": "false",
    "PARVIS_FRIENDLY_ERRORS": "true",
}

#: (name, the page to read, the first link on it to follow or None for the page itself).
VISITOR_PAGES = [
    ("home", "/", None),
    ("agenda", "/agenda/", None),
    ("event", "/agenda/", r"/agenda/\d+-[\w-]+/"),
    ("group", "/groupes/", r"/groupes/(?!nouveau/|invitations/|recherche/)[\w-]+/"),
    ("thread", "@group", r"/groupes/[\w-]+/discussions/\d+/"),
    ("organisation", "/organisations/", r"/organisations/(?!nouvelle/|invitations/)[\w-]+/"),
    ("commune", "/agenda/", r"/communes/\d[\dAB]\d{3}-[\w-]+/"),
    ("official", "/elus/", r"/elus/\d+/"),
    ("search", "/recherche/?q=v%C3%A9lo", None),
    ("questions", "/questions/", None),
    ("reports", "/signalements/", None),
    ("volunteering", "/benevolat/", None),
]
#: What a member sees besides: their home, profile and messages (read with their session).
MEMBER_PAGES = [
    ("home", "/", None),
    ("event", "@event", None),
    ("thread", "@thread", None),
    ("profile", "/annuaire/?type=residents", r"/membres/\d+/"),
    ("messages", "/messages/", None),
    ("questions", "/questions/", None),
]
STAFF_PAGES = [("admin", "/admin/", None)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, cookie=""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8", "replace")


@contextlib.contextmanager
def demo_server():
    """The base URL of a demo server: ``PARVIS_DEMO_URL`` when set, else one started here."""
    if os.environ.get("PARVIS_DEMO_URL"):
        yield os.environ["PARVIS_DEMO_URL"].rstrip("/")
        return
    if not (ROOT / "var" / "parvis.sqlite3").exists():
        sys.exit("No demo database (var/parvis.sqlite3): run `make demo` once first.")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**os.environ, **DEMO_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                fetch(base + "/sante/")
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def find_pages(base, pages, cookie="", known=None):
    """``{name: path}`` for ``pages``, following the first matching link where one is given
    (``@name`` reads a page found before). A page whose link is missing is left out."""
    found = dict(known or {})
    result = {}
    for name, source, link in pages:
        source_path = found.get(source[1:]) if source.startswith("@") else source
        if source_path is None:
            continue
        path = source_path
        if link:
            match = re.search(f'href="({link})"', fetch(base + source_path, cookie))
            if match is None:
                print(f"  (no {name} page found on {source_path})", file=sys.stderr)
                continue
            path = match.group(1)
        found[name] = result[name] = path
    return result


def demo_accounts():
    """(resident e-mail, moderator e-mail, their passwords) from the demo's own data."""
    os.environ.update(DEMO_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from parvis.accounts.models import User
    from parvis.demo import people

    resident = (
        User.objects.filter(
            email__endswith="@" + people.DEMO_DOMAIN, is_staff=False, commune__isnull=False
        )
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
    return {
        "member": (resident, people.MEMBER_PASSWORD),
        "staff": (people.MODERATOR_EMAIL, people.MODERATOR_PASSWORD),
    }


def launch_chromium(playwright):
    options = {"headless": True, "args": ["--no-sandbox", "--disable-gpu"]}
    if CHROMIUM.exists():
        options["executable_path"] = str(CHROMIUM)
    return playwright.chromium.launch(**options)


def log_in(context, base, email, password):
    """Log ``email`` in through the real form; the context keeps the session cookie."""
    page = context.new_page()
    page.goto(base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.close()
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
