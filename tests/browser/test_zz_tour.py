import pytest
from samvard.demo.personas import CITIZEN, NURSE, ADMINISTRATOR, LOG_REVIEWER, VARDCENTRAL_UNIT, ADMINISTRATION_UNIT, DOCTOR
from tests.browser.flows import login_citizen, login_staff
pytestmark = pytest.mark.browser

def test_tour(new_page, live_server):
    anon = new_page(viewport={"width": 1280, "height": 800})
    for name, path in [("home", "/"), ("login", "/login"), ("logintest", "/login/test"), ("stafflogintest", "/personal/login/test"), ("404", "/finns-inte")]:
        anon.goto(path); anon.screenshot(path=f"/tmp/bx/{name}.png", full_page=True)
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login_staff(phone, NURSE, VARDCENTRAL_UNIT)
    phone.screenshot(path="/tmp/bx/staffhome-phone.png", full_page=True)
    doc = new_page(viewport={"width": 1280, "height": 800})
    doc.goto("/personal/login/test"); doc.locator(f'input[value="{DOCTOR.hsa_id}"]').check(); doc.get_by_role("button", name="Logga in", exact=True).click()
    doc.screenshot(path="/tmp/bx/choose-unit.png", full_page=True)
    c = new_page(viewport={"width": 1280, "height": 800})
    login_citizen(c, CITIZEN); c.screenshot(path="/tmp/bx/minasidor.png", full_page=True)
    c.goto("/mina-sidor/uppgifter"); c.screenshot(path="/tmp/bx/uppgifter.png", full_page=True)
    a = new_page(viewport={"width": 1280, "height": 800})
    login_staff(a, ADMINISTRATOR, ADMINISTRATION_UNIT)
    a.screenshot(path="/tmp/bx/admin-home.png", full_page=True)
    a.goto("/admin/katalog"); a.screenshot(path="/tmp/bx/katalog.png")
    a.goto("/admin/katalog/region/01"); a.screenshot(path="/tmp/bx/region.png")
    a.goto("/admin/katalog/ny-enhet"); a.screenshot(path="/tmp/bx/nyenhet.png", full_page=True)
    a.get_by_role("button", name="Registrera").click(); a.screenshot(path="/tmp/bx/nyenhet-err.png", full_page=True)
    r = new_page(viewport={"width": 1280, "height": 800})
    login_staff(r, LOG_REVIEWER, ADMINISTRATION_UNIT)
    r.goto("/personal/logg"); r.screenshot(path="/tmp/bx/logg.png")
