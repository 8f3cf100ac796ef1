"""axe-core on the main pages of every kind of user: no WCAG 2.0/2.1 A or AA violations.

axe is injected with `page.evaluate` (the script bundled in axe-playwright-python, no network).
That runs through the DevTools protocol, which our `script-src 'self'` CSP does not govern, so
the contexts here do NOT need `bypass_csp`; `test_csp_is_in_force_while_axe_runs` keeps it so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from samvard.demo.personas import (
    ADMINISTRATION_UNIT,
    ADMINISTRATOR,
    CITIZEN,
    LOG_REVIEWER,
    NURSE,
    VARDCENTRAL_UNIT,
)
from tests.browser.flows import TIMEOUT_MS, LiveServer, login_citizen, login_staff, person_pk

pytestmark = pytest.mark.browser

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}

# (who, path, expected HTTP status); {citizen} is the CITIZEN persona's patient page id.
PAGES = [
    ("anonymous", "/", 200),
    ("anonymous", "/login", 200),
    ("anonymous", "/login/test", 200),
    ("anonymous", "/personal/login", 200),
    ("anonymous", "/personal/login/test", 200),
    ("anonymous", "/finns-inte", 404),
    ("citizen", "/mina-sidor", 200),
    ("citizen", "/mina-sidor/uppgifter", 200),
    ("citizen", "/mina-sidor/vem-har-last", 200),
    ("citizen", "/mina-sidor/samtycken", 200),
    ("citizen", "/mina-sidor/sparrar", 200),
    ("citizen", "/mina-sidor/sparrar/ny?vardgivare=SE2321000016-VG", 200),
    ("citizen", "/mina-sidor/vem-kan-se", 200),
    ("citizen", "/mina-sidor/bedomning", 200),
    ("citizen", "/mina-sidor/kontakter", 200),
    ("citizen", "/finns-inte", 404),
    ("nurse", "/personal/enhet", 200),
    ("nurse", "/personal", 200),
    ("nurse", "/personal/patient/{citizen}", 200),
    ("nurse", "/personal/patient/{citizen}/journal?mangd=diagnosis", 200),
    ("nurse", "/personal/patient/{citizen}/sammanhallen?mangd=diagnosis", 200),
    ("nurse", "/personal/kontakter", 200),
    ("administrator", "/admin/katalog", 200),
    ("administrator", "/admin/katalog/region/01", 200),
    ("administrator", "/admin/katalog/ny-enhet", 200),
    ("administrator", "/admin/styrning", 200),
    ("administrator", "/personal/uppfoljning", 200),
    ("log_reviewer", "/personal/logg", 200),
    ("log_reviewer", "/personal/granskning", 200),
]

_LOGINS: dict[str, Callable[[Page], None]] = {
    "anonymous": lambda page: None,
    "citizen": lambda page: login_citizen(page, CITIZEN),
    "nurse": lambda page: login_staff(page, NURSE, VARDCENTRAL_UNIT),
    "administrator": lambda page: login_staff(page, ADMINISTRATOR, ADMINISTRATION_UNIT),
    "log_reviewer": lambda page: login_staff(page, LOG_REVIEWER, ADMINISTRATION_UNIT),
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module")
def logged_in(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str], Page]]:
    """A page per person, logged in once and reused by the module's tests."""
    pages: dict[str, Page] = {}
    contexts: list[BrowserContext] = []

    def page_for(who: str) -> Page:
        if who not in pages:
            context = browser.new_context(
                base_url=live_server.base_url, locale="sv-SE", viewport=VIEWPORTS["desktop"]
            )
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
            page = context.new_page()
            _LOGINS[who](page)
            pages[who] = page
        return pages[who]

    yield page_for
    for context in contexts:
        context.close()


def _report(path: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {path}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{', '.join(v['tags'])}]")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize(("who", "path", "status"), PAGES, ids=[f"{w}:{p}" for w, p, _ in PAGES])
def test_no_wcag_a_or_aa_violations(
    logged_in: Callable[[str], Page],
    axe: Axe,
    live_server: LiveServer,
    who: str,
    path: str,
    status: int,
) -> None:
    """At desktop and at phone width (tables scroll sideways there, headers wrap)."""
    page = logged_in(who)
    target = path.format(citizen=person_pk(live_server.database_url, CITIZEN.person_id))
    page.set_viewport_size(VIEWPORTS["desktop"])
    response = page.goto(target)
    assert response is not None and response.status == status, (target, response)
    assert page.url.endswith(target), f"{target} redirected to {page.url}"
    problems = []
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            problems.append(_report(f"{target} ({name} {size['width']}px)", violations))
    assert not problems, "\n".join(problems)


def test_csp_is_in_force_while_axe_runs(logged_in: Callable[[str], Page], axe: Axe) -> None:
    """The pages keep their CSP (no bypass), and axe still runs: injection is not blocked."""
    page = logged_in("anonymous")
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener("securitypolicyviolation", () => resolve(true));
            const s = document.createElement("script");
            s.textContent = "window.__inline_ran = true";
            document.body.appendChild(s);
            setTimeout(() => resolve(false), 500);
        })"""
    )
    assert blocked, "an inline <script> should be refused by the page's CSP"
    assert page.evaluate("() => window.__inline_ran === undefined")
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["testEngine"]["name"] == "axe-core"
