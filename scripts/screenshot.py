"""Screenshots of the demo's key pages, for a visitor, a member and a moderator, on a phone
(390×844) and a desktop (1366×900), with axe-core's verdict on each page.

Usage (from the repository root, after `make demo` has loaded the data at least once):
    make screenshot                      # writes var/screenshots/*.png (git-ignored)
    PARVIS_DEMO_URL=http://127.0.0.1:8000 make screenshot   # against a running demo

It serves the embedded demo database with Django's development server on a free loopback
port (scripts/demo_pages.py), logs the demo resident and moderator in through the real form,
and saves full-page PNGs named <who>-<page>-<phone|desktop>.png.
"""

import sys
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from demo_pages import (
    MEMBER_PAGES,
    STAFF_PAGES,
    VISITOR_PAGES,
    demo_accounts,
    demo_server,
    find_pages,
    launch_chromium,
    log_in,
)
from playwright.sync_api import sync_playwright

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def shoot(browser, base, who, pages, output, account=None):
    """Each of ``pages`` at both sizes; returns the axe violations found (page, rule ids)."""
    problems = []
    for size, viewport in VIEWPORTS.items():
        if who == "staff" and size == "phone":
            continue  # the back office is a desktop tool
        context = browser.new_context(viewport=viewport, locale="fr-FR")
        if account:
            log_in(context, base, *account)
        page = context.new_page()
        for name, path in pages.items():
            page.goto(base + path)
            # Maps are drawn after the page's load (static/parvis/map.js): wait for them and
            # their tiles, as a visitor sees the page a moment later.
            page.wait_for_function(
                "!document.querySelector('[data-map]:not([data-ready]):not(.map-off)')"
            )
            page.wait_for_load_state("networkidle")
            target = output / f"{who}-{name}-{size}.png"
            page.screenshot(path=str(target), full_page=True)
            if size == "phone":
                results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                rules = [v["id"] for v in results.response["violations"]]
                if rules:
                    problems.append((f"{who} {path}", rules))
            print(f"  {target}")
        context.close()
    return problems


def main(output):
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    accounts = demo_accounts()
    with demo_server() as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        visitor = find_pages(base, VISITOR_PAGES)
        problems = shoot(browser, base, "visitor", visitor, output)
        context = browser.new_context()
        cookie = log_in(context, base, *accounts["member"])
        context.close()
        member = find_pages(base, MEMBER_PAGES, cookie, known=visitor)
        problems += shoot(browser, base, "member", member, output, accounts["member"])
        staff = find_pages(base, STAFF_PAGES)
        problems += shoot(browser, base, "staff", staff, output, accounts["staff"])
        browser.close()
    for where, rules in problems:
        print(f"axe-core violations on {where}: {', '.join(rules)}", file=sys.stderr)
    print(f"Saved in {output}/ ({'no' if not problems else len(problems)} axe problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"))
