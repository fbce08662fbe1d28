"""Every relative link in generated docs leads somewhere: the file exists, and an anchor
(`page.md#create`) is a heading of that page, spelt as GitHub spells heading anchors.

Checked on a stand-alone package of each corpus spec (specs/names.yml has schemas named
by keywords and by the names generated code imports), and on this SDK's own docs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from generator.__main__ import PROJECT_ROOT, generate_package

SPECS = Path(__file__).parent / "specs"
CORPUS = [*sorted(SPECS.glob("*.yml")), SPECS / "multifile" / "openapi.yml"]

#: `[text](target)`: the target up to its closing parenthesis (no spaces in generated links).
_LINK = re.compile(r"\]\(([^()\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a markdown page (outside code blocks):
    lower case, punctuation but `-` and `_` dropped, spaces as `-`, repeats numbered."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
            continue
        heading = _HEADING.match(line)
        if in_code or heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        seen = counts.get(slug, 0)
        counts[slug] = seen + 1
        found.add(slug if seen == 0 else f"{slug}-{seen}")
    return found


def broken_links(docs: Path) -> list[str]:
    """`page: target` for each relative link under `docs` that leads nowhere."""
    broken = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # code is not linked
        for target in _LINK.findall(text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.is_file() or (anchor and anchor not in anchors(linked)):
                broken.append(f"{page.relative_to(docs)}: {target}")
    return broken


def test_anchors_are_spelt_as_github_spells_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Images\n## create\n```\n# not a heading\n```\n## create\n### `x` (a.b)\n")
    assert anchors(page) == {"images", "create", "create-1", "x-ab"}


@pytest.mark.parametrize("spec", CORPUS, ids=lambda p: p.relative_to(SPECS).as_posix())
def test_generated_docs_have_no_broken_links(tmp_path: Path, spec: Path) -> None:
    generate_package(spec, tmp_path, "linked", None)
    assert broken_links(tmp_path / "docs") == []


def test_this_sdks_docs_have_no_broken_links() -> None:
    assert broken_links(PROJECT_ROOT / "docs") == []
