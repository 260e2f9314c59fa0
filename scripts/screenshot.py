"""Take a screenshot of the demo's home page for the README.

Usage (from the repository root, after `make demo` has loaded the data at least once):
    make screenshot            # writes docs/img/home.png

It serves the embedded demo database with Django's development server on a free loopback
port, opens the home page in headless Chromium (Debian's when present) and saves a PNG.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(output):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": "", "REDIS_URL": "", "DEBUG": "true"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            options = {
                "headless": True,
                "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            }
            if CHROMIUM.exists():
                options["executable_path"] = str(CHROMIUM)
            browser = playwright.chromium.launch(**options)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
            page.goto(url)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output, full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Saved {output}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/img/home.png")
