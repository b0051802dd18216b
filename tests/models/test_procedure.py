"""The procedure's plain-text check, over every code point."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from pydantic import ValidationError

from models.procedure import _NOT_PLAIN, Actor

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _shows_as_written(char: str) -> bool:
    code = ord(char)
    return not (
        unicodedata.category(char) in ("Cc", "Cs", "Co")
        or char in BIDI_CONTROLS
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def test_the_pattern_refuses_exactly_what_would_not_show_as_written() -> None:
    refused = [code for code in range(sys.maxunicode + 1) if _NOT_PLAIN.fullmatch(chr(code))]
    expected = [c for c in range(sys.maxunicode + 1) if not _shows_as_written(chr(c))]
    assert refused == expected


def test_a_name_names_its_first_refused_character() -> None:
    with pytest.raises(ValidationError, match=r"U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"):
        Actor(name="Công\u202edân\n", kind="applicant")
