"""Request bodies as XML, read by expat with namespaces resolved, and refused when they could
hurt: a document type declaration (where entities, external ones and billion laughs live: no
CalDAV body needs one), nesting deeper than MAX_DEPTH, or anything that is not well-formed.

Expat itself (2.4.1 and later) also caps entity amplification; refusing the declaration up
front means no entity is ever defined. The tree is built here from expat's events, so no
parser's internals are reached into.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

MAX_DEPTH = 32


class XmlRefused(ValueError):
    """A body that is not XML the service reads (its message says why)."""


def parse_xml(body: bytes) -> ET.Element | None:
    """The document's root element; None for an empty body."""
    if not body.strip():
        return None
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise XmlRefused(f"The body is not well-formed XML: {expat.errors.messages[exc.code]}") from None
    if builder.root is None:
        raise XmlRefused("The body has no XML element")
    return builder.root


def refuse_doctype(*_: object) -> None:
    raise XmlRefused("A document type declaration (DOCTYPE) is not accepted")


def refuse_entity(*_: object) -> None:
    raise XmlRefused("An entity declaration is not accepted")


class TreeBuilder:
    """Elements from expat's events; text is kept where no child element is (CalDAV's values
    are leaves: an href, a token, a text to match)."""

    def __init__(self) -> None:
        self.root: ET.Element | None = None
        self.stack: list[ET.Element] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise XmlRefused(f"The XML nests deeper than {MAX_DEPTH} levels")
        element = ET.Element(clark(name), {clark(key): value for key, value in attributes.items()})
        if self.stack:
            self.stack[-1].append(element)
        else:
            self.root = element
        self.stack.append(element)

    def end(self, _: str) -> None:
        self.stack.pop()

    def data(self, text: str) -> None:
        if self.stack:
            element = self.stack[-1]
            element.text = (element.text or "") + text


def clark(name: str) -> str:
    """expat's "namespace local" as `{namespace}local`."""
    namespace, _, local = name.rpartition(" ")
    return f"{{{namespace}}}{local}" if namespace else local


def text_of(element: ET.Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()
