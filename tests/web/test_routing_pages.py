"""The routing administration pages: read, edit, preview, publish, and the error paths."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from samvard.demo import personas
from samvard.routing.models import RoutingConfigVersion
from samvard.routing.queries import get_active_config
from tests.conftest import Database
from tests.support.web import client_for, login_staff

PAGE = "/admin/styrning"


class _FormFields(HTMLParser):
    """The fields a browser would submit from the form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = values.get("action") == self.action
        elif self.inside and tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")
        elif self.inside and tag == "select":
            self.select = values["name"]
            self.fields.setdefault(self.select, "")
        elif self.inside and tag == "option" and "selected" in values:
            self.fields[self.select] = values["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = _FormFields(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def admin(world: Database) -> TestClient:
    client = client_for(world)
    login_staff(client, personas.ADMINISTRATOR.hsa_id)
    return client


def edit_fields(client: TestClient) -> dict[str, str]:
    return form_fields(client.get(PAGE).text, "/admin/styrning/forhandsgranska")


def row_of(fields: dict[str, str], channel_id: str) -> int:
    return next(
        int(k.split("-")[1]) for k, v in fields.items() if k.endswith("-id") and v == channel_id
    )


def versions(world: Database) -> list[tuple[int, bool]]:
    with world.sessions() as session:
        rows = session.scalars(
            select(RoutingConfigVersion)
            .where(RoutingConfigVersion.region_code == "01")
            .order_by(RoutingConfigVersion.version)
        )
        return [(row.version, row.active) for row in rows]


def preview_and_publish(client: TestClient, fields: dict[str, str]) -> str:
    shown = client.post("/admin/styrning/forhandsgranska", data=fields)
    assert shown.status_code == 200, shown.text
    publish = form_fields(shown.text, "/admin/styrning/publicera")
    response = client.post("/admin/styrning/publicera", data=publish)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_the_admin_sees_the_active_routing(sqlite_world: Database) -> None:
    page = admin(sqlite_world).get(PAGE)
    assert page.status_code == 200
    text = unescape(page.text)
    assert '<a href="/admin/styrning">Styrning</a>' in text
    assert "Styrning av vårdkontakter, Region Stockholm" in text
    assert "Gäller nu: version 1" in text
    assert "måndag–söndag 07:00–22:00" in text
    assert "måndag–fredag 08:00–17:00<br>lördag–söndag stängd" in text
    assert "30 väntande" in text
    assert "Vårdcentralen Stockholm Centrum" in text
    assert 'href="/admin/styrning/version/1"' in text


def test_preview_shows_the_differences_and_publishes_nothing(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    chat = row_of(fields, "sjukskoterskechatt")
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        fields[f"kanal-{chat}-{day}"] = "08:00–20:00"
    shown = client.post("/admin/styrning/forhandsgranska", data=fields)
    assert shown.status_code == 200
    text = unescape(shown.text)
    assert "Ändrad kanal: Sjuksköterskechatten (sjukskoterskechatt): öppettider." in text
    # At 21:00 on a weekday the chat is now closed: care today has nowhere to go.
    changed = re.findall(r'<td data-label="Vardag 21:00" class="changed">(.*?)</td>', text)
    assert "<del>Sjuksköterskechatten</del> → <ins>Ingen kanal kan ta emot</ins>" in "".join(
        changed
    )
    assert 'data-label="Vardag 10:00" class="changed"' not in text
    assert "Publiceras som version 2." in text
    assert versions(sqlite_world) == [(1, True)]


def test_publish_makes_a_new_version_and_a_retry_changes_nothing(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    fields[f"kanal-{row_of(fields, 'video')}-kapacitet"] = "5"
    shown = client.post("/admin/styrning/forhandsgranska", data=fields)
    publish = form_fields(shown.text, "/admin/styrning/publicera")
    first = client.post("/admin/styrning/publicera", data=publish)
    assert first.headers["location"] == "/admin/styrning?publicerad=2"
    page = unescape(client.get(first.headers["location"]).text)
    assert "Version 2 är publicerad och gäller från och med nu." in page
    assert "Gäller nu: version 2" in page
    again = client.post("/admin/styrning/publicera", data=publish)
    assert again.headers["location"] == "/admin/styrning?publicerad=oforandrad"
    assert "Inget publicerades" in client.get(again.headers["location"]).text
    assert versions(sqlite_world) == [(1, False), (2, True)]
    with sqlite_world.sessions() as session:
        config = get_active_config(session, "01")
        assert config is not None
        assert config.channel("video").capacity == 5
    old = client.get("/admin/styrning/version/1")
    assert "Ersatt av en senare version." in old.text
    assert "15 väntande" in old.text


def test_invalid_input_is_explained_and_keeps_the_old_version(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    chat, video = row_of(fields, "sjukskoterskechatt"), row_of(fields, "video")
    fields[f"kanal-{chat}-mon"] = "8-17"
    fields[f"kanal-{video}-kapacitet"] = "många"
    fields[f"kanal-{video}-enhet"] = "SE2321000016-E9999"
    fields["vag-care_today"] = "sjukskoterskechatt, egenvard"
    response = client.post("/admin/styrning/forhandsgranska", data=fields)
    assert response.status_code == 400
    text = unescape(response.text)
    assert "Ändringen kan inte förhandsgranskas ännu" in text
    where = f'<a href="#kanal-{chat}-mon">Kanal {chat + 1}, öppettider måndag</a>'
    assert f"{where}: ”8-17” är inte en tid" in text
    assert (
        f'<a href="#kanal-{video}-kapacitet">Kanal {video + 1}, kapacitet</a>: Ange ett heltal.'
        in text
    )
    assert f'id="kanal-{video}-kapacitet" name="kanal-{video}-kapacitet" value="många"' in text
    assert f'aria-describedby="e-kanal-{chat}-mon"' in text
    assert versions(sqlite_world) == [(1, True)]
    # With the structure right, the route rule and the unknown unit are reported.
    fields[f"kanal-{chat}-mon"] = "07:00-22:00"
    fields[f"kanal-{video}-kapacitet"] = "15"
    text = unescape(client.post("/admin/styrning/forhandsgranska", data=fields).text)
    where = '<a href="#vag-care_today">Kontakta vården i dag</a>'
    assert f"{where}: ”Kontakta vården i dag” får aldrig leda till egenvård." in text
    fields["vag-care_today"] = "sjukskoterskechatt"
    text = unescape(client.post("/admin/styrning/forhandsgranska", data=fields).text)
    assert f"Kanal {video + 1}, enhet (HSA-id)</a>: Det finns ingen enhet med det HSA-id:t." in text
    assert versions(sqlite_world) == [(1, True)]


def test_a_channel_is_added_and_another_removed(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    new = int(fields["antal"]) - 1
    fields.update(
        {
            f"kanal-{new}-id": "video-kvall",
            f"kanal-{new}-typ": "video",
            f"kanal-{new}-namn": "Kvällsvideo",
            f"kanal-{new}-enhet": personas.VARDCENTRAL_UNIT,
            f"kanal-{new}-kapacitet": "4",
            f"kanal-{new}-mon": "17:00-21:00",
        }
    )
    video = row_of(fields, "video")
    fields[f"kanal-{video}-id"] = fields[f"kanal-{video}-namn"] = ""
    for key in ("care_now", "care_today", "care_within_days", "dental_care"):
        fields[f"vag-{key}"] = fields[f"vag-{key}"].replace("video", "video-kvall")
    assert preview_and_publish(client, fields) == "/admin/styrning?publicerad=2"
    with sqlite_world.sessions() as session:
        config = get_active_config(session, "01")
        assert config is not None
        assert [c.id for c in config.channels if c.kind.value == "video"] == ["video-kvall"]
        assert config.channel("video-kvall").hours == {"mon": ["17:00-21:00"]}


def test_a_stale_publish_is_refused(sqlite_world: Database) -> None:
    first, second = admin(sqlite_world), admin(sqlite_world)
    mine, theirs = edit_fields(first), edit_fields(second)
    mine[f"kanal-{row_of(mine, 'video')}-kapacitet"] = "5"
    theirs[f"kanal-{row_of(theirs, 'video')}-kapacitet"] = "7"
    shown = first.post("/admin/styrning/forhandsgranska", data=mine)
    assert preview_and_publish(second, theirs) == "/admin/styrning?publicerad=2"
    late = first.post(
        "/admin/styrning/publicera", data=form_fields(shown.text, "/admin/styrning/publicera")
    )
    assert late.status_code == 409
    assert "Styrningen har ändrats sedan du började (nu version 2)" in unescape(late.text)
    assert versions(sqlite_world) == [(1, False), (2, True)]


def test_a_tampered_configuration_is_refused(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    shown = client.post("/admin/styrning/forhandsgranska", data=fields)
    publish = form_fields(shown.text, "/admin/styrning/publicera")
    bad = client.post("/admin/styrning/publicera", data={**publish, "config": "{not json"})
    assert bad.status_code == 400
    assert "Förhandsgranska ändringen igen." in unescape(bad.text)
    listed = client.post("/admin/styrning/publicera", data={**publish, "config": "[1, 2]"})
    assert listed.status_code == 400
    versions_before = versions(sqlite_world)
    other = publish["config"].replace('"region_code": "01"', '"region_code": "03"')
    refused = client.post("/admin/styrning/publicera", data={**publish, "config": other})
    assert refused.status_code == 400
    assert "Konfigurationen gäller en annan region." in unescape(refused.text)
    assert versions(sqlite_world) == versions_before == [(1, True)]


@pytest.mark.parametrize("persona", [personas.NURSE, personas.PLANNER])
def test_other_roles_are_refused(sqlite_world: Database, persona: personas.StaffPersona) -> None:
    client = client_for(sqlite_world)
    login_staff(client, persona.hsa_id)
    assert client.get(PAGE).status_code == 403
    assert "/admin/styrning" not in client.get("/personal").text


def test_unknown_version_is_404(sqlite_world: Database) -> None:
    assert admin(sqlite_world).get("/admin/styrning/version/99").status_code == 404


def test_always_open_channels_show_no_hours_unless_some_are_typed(sqlite_world: Database) -> None:
    client = admin(sqlite_world)
    fields = edit_fields(client)
    call, video = row_of(fields, "ring-112"), row_of(fields, "video")
    assert f"kanal-{call}-mon" not in fields
    assert f"kanal-{call}-kapacitet" not in fields
    fields[f"kanal-{video}-typ"] = "emergency_department"
    response = client.post("/admin/styrning/forhandsgranska", data=fields)
    assert response.status_code == 400
    text = unescape(response.text)
    assert "alltid öppna: ange inga öppettider eller kapacitet" in text
    # The hours stay on the page, so the administrator can empty them.
    assert f'id="kanal-{video}-mon" name="kanal-{video}-mon" value="08:00-17:00"' in text
