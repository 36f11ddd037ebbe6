"""The hyphenator never hands the layout a split the rules call always wrong (a part without a vowel)."""

from __future__ import annotations

import logging

from charterpress.text.hyphenate import (
    SOFT_HYPHEN,
    VOWELS,
    always_right,
    hyphenate,
    pattern_breaks,
    suspicious,
    word_breaks,
)
from hypothesis import given
from hypothesis import strategies as st


def test_the_patterns_own_wrong_splits_never_reach_the_layout(caplog):
    assert suspicious("husker", pattern_breaks("husker", "da"))  # pyphen: hu-s-ker
    with caplog.at_level(logging.DEBUG, logger="charterpress.text.hyphenate"):
        assert word_breaks("husker", "da") == (3,)  # hus-ker
    assert "husker: dropped a break that left a part without a vowel" in caplog.text
    assert hyphenate("Jeg huskede, hvad vi aftalte", "da", shortest=6) == (
        f"Jeg hus{SOFT_HYPHEN}kede, hvad vi af{SOFT_HYPHEN}talte"
    )
    assert not suspicious("timing", word_breaks("timing", "en"))


@given(
    st.text(alphabet="abcdehklmnorstuvæøå", min_size=2, max_size=30),
    st.lists(st.integers(min_value=1, max_value=29), max_size=10),
)
def test_what_is_kept_is_a_subset_with_a_vowel_in_every_part(word, raw):
    breaks = tuple(sorted({b for b in raw if 0 < b < len(word)}))
    kept = always_right(word, breaks)
    assert set(kept) <= set(breaks)
    assert list(kept) == sorted(kept)
    if VOWELS.intersection(word):
        assert not suspicious(word, kept)
    if not suspicious(word, breaks):
        assert kept == breaks  # a good split is left as it is
