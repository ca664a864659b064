"""The wall's major-incident panel: the next client update of each open major incident,
and the largest type on the page once the update is overdue."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from noc_console.connectors.demo.feed import DemoFeed
from noc_console.models.cache.store import Store
from noc_console.models.clock import ManualClock
from noc_console.models.incident import IncidentKey, Priority
from noc_console.models.major_incident import DEFAULT_CADENCE, MajorIncident, MajorIncidentChild
from noc_console.services.major_incident.desk import MajorIncidentDesk
from noc_console.views.wall.scale import ROLE
from tests.views.test_wall_window import make_rig

MIN = timedelta(minutes=1)


def test_an_overdue_update_is_the_largest_type_on_the_wall(
    qtbot: QtBot, store: Store, clock: ManualClock
) -> None:
    wall, controller, _engine = make_rig(qtbot, store, clock, DemoFeed(clock))
    wall.attach_major_incidents(MajorIncidentDesk(store, DEFAULT_CADENCE, clock).clocks)
    panel = wall.major_incidents
    assert panel is not None
    controller.tick()
    assert not panel.isVisible()  # none open: no panel
    record = MajorIncident(
        "Carrier outage Oslo", Priority.P1, "Dana", "Sam", clock.now(), "Dana",
        ("acme", "globex"),
        (MajorIncidentChild(IncidentKey("demo", "DEMO-1"), "acme"),
         MajorIncidentChild(IncidentKey("demo", "DEMO-2"), "globex")),
    )  # fmt: skip
    stored, _ = store.declare_major_incident(record, [], clock.now())
    wall._refresh_major_incidents()
    qtbot.waitUntil(lambda: bool(panel._clocks), timeout=5000)
    controller.tick()
    assert panel.isVisible()
    title, countdown = panel.titles[0], panel.countdowns[0]
    assert title.text().startswith(f"⚑ {stored.reference} P1 Carrier outage Oslo · 2 incidents")
    assert countdown.text() == "next update in 15m 00s"
    assert countdown.property(ROLE) == "head"
    clock.advance(17 * MIN)
    controller.tick()
    assert countdown.text() == "update OVERDUE by 2m 00s"
    assert countdown.property(ROLE) == "number"
    sizes = [label.font().pixelSize() for label in wall.findChildren(type(countdown))
             if label.isVisible() and label is not countdown]  # fmt: skip
    assert countdown.font().pixelSize() >= max(sizes)
    wall.close()
