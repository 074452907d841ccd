"""Acceptance: for each demo role (the accounts `seed_demo` creates), start at that role's
landing page and follow every link within the site, failing on any 5xx with the page and the
page that linked to it. Runs on PostgreSQL and on the embedded SQLite default (marker
`embedded`), on a fresh `seed_demo`, as `make run` has it.

What is followed: `href`s of the HTML pages (and the links of Wagtail's admin menu, which is
drawn from JSON), same host only. Not followed: signing out, other hosts, `mailto:`/`tel:`,
`#` fragments. Downloads (PDF, CSV, XLSX, PPTX, calendar files) are fetched, not parsed. Forms
are never submitted. Bounds, so a run stays in minutes: at most PAGES_PER_ROLE pages per role,
and at most VARIANTS_PER_PATH query strings of one path (sorting and paging links repeat the
same screen).
"""

import html
import json
import os
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command

from lms.landing import landing_for
from lms.management.commands.seed_demo import DEMO_ACCOUNTS
from lms.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

PAGES_PER_ROLE = 400
VARIANTS_PER_PATH = 3
SKIP = re.compile(
    r"^/(accounts/logout|admin/logout|django-admin/logout)"
    r"|^/static/|^/media/"
    # Wagtail's own long tails: every page's history/revision/compare screen repeats one view.
    r"|^/admin/pages/\d+/(revisions|history)/\d+"
)
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
SIDEBAR = re.compile(r'<script[^>]*id="wagtail-sidebar-props"[^>]*>(.*?)</script>', re.S | re.I)


def _sidebar_links(page: str) -> list[str]:
    found = SIDEBAR.search(page)
    if not found:
        return []
    links: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "url" and isinstance(value, str):
                    links.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(found.group(1)))
    return links


def _links(page: str, base: str) -> list[str]:
    hrefs = [html.unescape(h) for h in HREF.findall(page)] + _sidebar_links(page)
    out = []
    for href in hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
            continue
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not SKIP.search(path):
            out.append(path)
    return out


def crawl(client, start: str) -> tuple[list[str], list[str]]:
    """Breadth-first from `start`: (pages fetched, failures as "URL (status) from REFERRER")."""
    seen = {start}
    variants: Counter[str] = Counter()
    queue = deque([(start, "(landing page)")])
    fetched, failures = [], []
    while queue and len(fetched) < PAGES_PER_ROLE:
        url, referrer = queue.popleft()
        response = client.get(url)
        fetched.append(url)
        if response.status_code >= 500:
            failures.append(f"{url} ({response.status_code}) from {referrer}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [response["Location"]]
        elif response.get("Content-Type", "").startswith("text/html"):
            targets = _links(response.content.decode(errors="replace"), url)
        else:
            continue  # a download: fetched, not parsed
        for target in _links(" ".join(f'href="{t}"' for t in targets), url):
            path = urlsplit(target).path
            if target in seen or variants[path] >= VARIANTS_PER_PATH:
                continue
            seen.add(target)
            variants[path] += 1
            queue.append((target, url))
    return fetched, failures


def test_no_page_a_demo_role_can_reach_answers_5xx(client, settings, capsys):
    """One fresh `seed_demo`, then one crawl per demo account (the seed is the slow part)."""
    client.raise_request_exception = False  # a 500 is recorded with its referrer, not raised
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    failures, report = [], []
    for email, *_ in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        client.force_login(user)
        start = landing_for(user).url
        fetched, failed = crawl(client, start)
        report.append(f"{email}: {len(fetched)} pages from {start}")
        failures += [f"{email}: {line}" for line in failed]
        if len(fetched) < 2:
            failures.append(f"{email}: nothing linked from {start}")
        client.logout()
    with capsys.disabled():
        print("\n" + "\n".join(report))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
