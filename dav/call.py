"""One CalDAV request as the methods see it: who calls, what it names, its body (bounded by
MAX_BODY_BYTES, or XML_BODY_BYTES for XML), its headers, and the database calls it makes
(runtime/calls.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from starlette.requests import Request

from dav.errors import DavError
from dav.paths import Target
from dav.xml_in import XmlRefused, parse_xml
from domain.principal import Principal
from domain.versions import Condition, parse_condition
from runtime import calls
from runtime.headers import header
from runtime.request_body import BodyRefused, read_limited
from runtime.services import Services, services_of

P = ParamSpec("P")
T = TypeVar("T")
# A REPORT names resources by href: an app's first multiget of a big list may name a thousand
# (100 KB). XML bodies may be this large, or MAX_BODY_BYTES when that is larger; what expat
# reads is bounded in depth and has no entities (dav/xml_in.py).
XML_BODY_BYTES = 1 << 20


@dataclass(frozen=True)
class DavCall:
    request: Request
    principal: Principal
    target: Target
    raw_body: bytes  # read_body's: at most the larger of the two limits

    @property
    def services(self) -> Services:
        return services_of(self.request)

    @property
    def user_id(self) -> str:
        return self.principal.subject

    async def read(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await calls.read(self.request, work, *args, **kwargs)

    async def write(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        return await calls.write(self.request, work, *args, **kwargs)

    def header(self, name: bytes) -> str | None:
        return header(self.request, name)

    def condition(self, name: bytes) -> Condition | None:
        return parse_condition(self.header(name))

    def depth(self, default: int) -> int:
        """Depth: 0 or 1 (`infinity` is read as 1: no collection here holds collections)."""
        value = (self.header(b"depth") or "").strip().lower()
        if not value:
            return default
        if value not in ("0", "1", "infinity"):
            raise DavError(400, "Depth must be 0, 1 or infinity")
        return 0 if value == "0" else 1

    def body(self) -> bytes:
        """The raw body; 413 past MAX_BODY_BYTES (an XML body may be larger: `xml`)."""
        limit = self.services.settings.max_body_bytes
        if len(self.raw_body) > limit:
            raise DavError(413, f"The body is larger than {limit} bytes")
        return self.raw_body

    def xml(self) -> ET.Element | None:
        """The body as XML (None: no body); 400 for one refused (dav/xml_in.py)."""
        try:
            return parse_xml(self.raw_body)
        except XmlRefused as refused:
            raise DavError(400, str(refused)) from None


async def read_body(request: Request) -> bytes:
    """The raw body, up to the larger limit a method may allow it; 413 as soon as it is known to
    exceed it. Each method holds it to its own (`DavCall.body`)."""
    try:
        limit = max(XML_BODY_BYTES, services_of(request).settings.max_body_bytes)
        return await read_limited(request, limit)
    except BodyRefused as refused:
        raise DavError(refused.status, refused.message) from None
