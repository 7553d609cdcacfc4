"""The documentation's own links: every relative link of README.md and docs/ names a file that
exists and, after `#`, a heading of that file (as GitHub makes anchors of headings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from settings import PROJECT_DIR

ROOT = Path(PROJECT_DIR)
PAGES = [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def prose(page: Path) -> str:
    """The page without its code (a link in a code block is an example, not a link)."""
    return INLINE_CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(prose(page)):
        slug, n = anchor(heading), 1
        while slug in found:  # a repeated heading gets -1, -2, ...
            slug, n = f"{anchor(heading)}-{n}", n + 1
        found.add(slug)
    return found


def relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(prose(page)) if not re.match(r"[a-z]+:", target)]


def test_the_anchor_of_a_heading_is_githubs() -> None:
    assert anchor("A Next.js / Better Auth frontend") == "a-nextjs--better-auth-frontend"
    assert anchor("/openapi.json and /docs") == "openapijson-and-docs"
    assert anchor("Kafka and Dapr (Phase V)") == "kafka-and-dapr-phase-v"


def test_pages_link_to_each_other() -> None:
    """Guards the check below against finding nothing to check."""
    assert len(PAGES) > 10
    assert len(relative_links(ROOT / "README.md")) > 10


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(ROOT)) for page in PAGES])
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(ROOT)}")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading #{fragment} in {linked.relative_to(ROOT)}")
    assert not broken, broken
