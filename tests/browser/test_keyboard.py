"""Keyboard only: the skip link comes first, the form is in reading order, Enter logs in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samvard.demo.personas import CITIZEN
from tests.browser.flows import path_is

pytestmark = pytest.mark.browser

_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  const id = el.id ? "#" + el.id : "";
  const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
  const text = (el.innerText || el.value || "").trim().split("\\n")[0].slice(0, 40);
  return `${el.tagName.toLowerCase()}${id}${cls} ${text}`.trim();
}"""


def focused(page: Page) -> str:
    """The focused element as `tag#id.class text`."""
    return str(page.evaluate(_DESCRIBE_FOCUS))


def test_tab_order_and_enter_logs_in(page: Page) -> None:
    page.goto("/login/test")
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order == [
        "a.skip Hoppa till innehållet",
        "a.brand Samvård",
        f"input#p1 {CITIZEN.person_id}",  # the radio group: one stop, on the checked person
        "button Logga in",
        "input#pnr",
        "button.secondary Logga in med numret",
    ], order

    # Back to the submit button with Shift+Tab, and Enter submits (no mouse anywhere).
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "button Logga in"
    page.keyboard.press("Enter")
    expect(page).to_have_url(path_is("/mina-sidor"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hej Sara!")


def test_skip_link_is_visible_on_focus_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/login/test")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"skip link off screen: {box}"
    page.keyboard.press("Enter")
    assert focused(page).startswith("main#innehall")
    # The next Tab goes into the content, past the header: the chosen test person.
    page.keyboard.press("Tab")
    assert focused(page) == f"input#p1 {CITIZEN.person_id}"


def test_arrow_keys_choose_another_person(page: Page) -> None:
    page.goto("/login/test")
    page.locator("#p1").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#p2")).to_be_checked()
    expect(page.locator("#p2")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#p1")).to_be_checked()
