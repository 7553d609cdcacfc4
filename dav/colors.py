"""A list's named color as the hex Apple's `calendar-color` property holds (`#RRGGBBFF`), and a
client's hex color as the nearest named one (the REST API keeps nine names)."""

from __future__ import annotations

import re

from domain.schemas import Color

# The page's palette (static/app.css `.color-*`), as hex.
HEX: dict[Color, str] = {
    "red": "#D1242F",
    "orange": "#E16F24",
    "yellow": "#D4A72C",
    "green": "#2DA44E",
    "teal": "#1B998B",
    "blue": "#2F6FDE",
    "purple": "#8250DF",
    "pink": "#D6409F",
    "gray": "#6E7781",
}
HEX_COLOR = re.compile(r"#?([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?")


def hex_of(name: str | None) -> str | None:
    return None if name is None else HEX[name] + "FF"  # type: ignore[index]  # a stored Color


def rgb(hex_color: str) -> tuple[int, int, int]:
    digits = hex_color.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def nearest(value: str) -> Color | None:
    """The named color nearest a `#RRGGBB` or `#RRGGBBAA` (None: not a color)."""
    found = HEX_COLOR.fullmatch(value.strip())
    if found is None:
        return None
    wanted = rgb(found[1])

    def distance(name: Color) -> int:
        return sum((a - b) ** 2 for a, b in zip(rgb(HEX[name]), wanted, strict=True))

    return min(HEX, key=distance)
