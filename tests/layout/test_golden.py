"""Visual regression: the golden charter's key pages look as their reference PNGs (tests/golden/).

After a layout change made on purpose, `make golden` writes new references: look at them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import golden
import pytest
from PIL import Image


@pytest.mark.parametrize("theme", golden.THEMES)
def test_the_key_pages_look_as_their_references(theme: str) -> None:
    changed = []
    for name, image in golden.pages(theme).items():
        reference = Image.open(golden.GOLDEN / f"{theme}-{name}.png").convert("RGB")
        mean, far = golden.difference(image, reference)
        if mean > golden.TOLERANCE or far > golden.MOVED:
            seen = Path(tempfile.gettempdir()) / f"golden-{theme}-{name}.png"
            image.save(seen)
            changed.append(f"{name}: mean {mean:.2f}, {far:.1%} far (now: {seen})")
    assert not changed, "; ".join(changed)


def test_the_comparison_sees_a_change() -> None:
    reference = Image.open(golden.GOLDEN / "civic-cover.png").convert("RGB")
    moved = reference.transform(reference.size, Image.AFFINE, (1, 0, 8, 0, 1, 0), fillcolor="white")
    mean, far = golden.difference(moved, reference)
    assert mean > golden.TOLERANCE or far > golden.MOVED
