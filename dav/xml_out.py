"""Answers as XML: a multistatus (RFC 4918 13) of responses with their propstats, an error
body with its precondition (RFC 4918 16), written by xml.etree with the usual prefixes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.responses import Response

from dav.names import PREFIXES, dav, todo

for _prefix, _namespace in PREFIXES.items():
    ET.register_namespace(_prefix, _namespace)

XML_MEDIA_TYPE = "application/xml; charset=utf-8"
STATUS_TEXT = {
    200: "OK",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    424: "Failed Dependency",
    507: "Insufficient Storage",
}

# A property's value: its text, its child elements, or nothing (an empty element).
Value = str | list[ET.Element] | None


@dataclass
class Entry:
    """One response of a multistatus: a resource's href and its properties by status."""

    href: str
    found: dict[str, Value] = field(default_factory=dict)
    other: dict[int, list[str]] = field(default_factory=dict)  # status -> property names
    status: int | None = None  # a response with a status instead of propstats (404: gone)

    def missing(self, name: str, status: int = 404) -> None:
        self.other.setdefault(status, []).append(name)


def element(tag: str, value: Value = None, **attributes: str) -> ET.Element:
    node = ET.Element(tag, attributes)
    if isinstance(value, str):
        node.text = value
    elif value is not None:
        node.extend(value)
    return node


def status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {STATUS_TEXT.get(status, '')}".rstrip()


def response_element(entry: Entry) -> ET.Element:
    node = element(dav("response"), [element(dav("href"), entry.href)])
    if entry.status is not None:
        node.append(element(dav("status"), status_line(entry.status)))
        return node
    groups: list[tuple[int, list[ET.Element]]] = []
    if entry.found or not entry.other:
        groups.append((200, [element(name, value) for name, value in entry.found.items()]))
    groups += [(status, [element(name) for name in names]) for status, names in sorted(entry.other.items())]
    for status, props in groups:
        node.append(
            element(
                dav("propstat"), [element(dav("prop"), props), element(dav("status"), status_line(status))]
            )
        )
    return node


def multistatus(
    entries: Iterable[Entry], extra: list[ET.Element] | None = None, root: str | None = None
) -> Response:
    tree = element(root or dav("multistatus"), [response_element(entry) for entry in entries])
    tree.extend(extra or [])
    return xml_response(tree, 207)


def xml_response(tree: ET.Element, status: int, headers: dict[str, str] | None = None) -> Response:
    body = ET.tostring(tree, encoding="utf-8", xml_declaration=True)
    return Response(body, status, headers, media_type=XML_MEDIA_TYPE)


def error_body(condition: str | None, message: str, href: str | None = None) -> ET.Element:
    """`<d:error>` with the precondition element (an href inside, for no-uid-conflict) and
    the reason in words."""
    children = []
    if condition is not None:
        children.append(element(condition, [element(dav("href"), href)] if href else None))
    children.append(element(todo("message"), message))
    return element(dav("error"), children)
