"""iCalendar text read with the icalendar library, without its process-wide memory of time
zones.

icalendar's parser keeps every VTIMEZONE with an unknown TZID it reads, for the life of the
process, and uses it for later documents naming that TZID: a client could fill the memory with
made-up zones, and one user's definition would shape another's parse. Here a document's
VTIMEZONEs stay its own: a TZID the time zone database knows (an IANA name, a Windows name,
a vendor-prefixed one) is read as that zone; another is read from the document's own
VTIMEZONE (`zone_of`), or else as floating time.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Component, Timezone
from icalendar.parser.ical.calendar import CalendarIcalParser
from icalendar.timezone import tzp


class LocalZonesParser(CalendarIcalParser):
    """CalendarIcalParser less `tzp.cache_timezone_component` at the end of a VTIMEZONE."""

    def handle_end_component(self, vals: str) -> None:
        if not self._stack:
            raise ValueError("END encountered without an accompanying BEGIN!")
        component = self._stack.pop()
        if not self._stack:
            self._components.append(component)
        else:
            self._stack[-1].add_component(component)


class LocalZonesCalendar(Calendar):
    @classmethod
    def _get_ical_parser(cls, st: str | bytes) -> CalendarIcalParser:
        return LocalZonesParser(st, cls._get_component_factory(), cls.types_factory)


def read_calendar(text: bytes | str) -> Calendar:
    """One VCALENDAR; ValueError when the text is not that."""
    found = LocalZonesCalendar.from_ical(text)
    if not isinstance(found, Calendar) or found.name != "VCALENDAR":
        raise ValueError("not a VCALENDAR")
    return found


def zone_of(calendar: Calendar, tzid: str) -> dt.tzinfo | None:
    """The zone a TZID names: the time zone database's, else the document's own VTIMEZONE."""
    known = tzp.timezone(tzid)
    if known is not None:
        return known
    for component in calendar.walk("VTIMEZONE"):
        if isinstance(component, Timezone) and component.tz_name == tzid:
            zone: dt.tzinfo = component.to_tz(tzp, lookup_tzid=False)
            return zone
    return None


def subcomponents(component: Component, name: str) -> list[Component]:
    return [each for each in component.subcomponents if each.name == name]
