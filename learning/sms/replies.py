"""Reading learners' replies (上行短信): is this an opt-out (T/TD/退订) or an opt-in (订阅)?

Phones send the same word in many spellings: Chinese input methods type full-width letters
(``Ｔ``), add a full stop (``TD。``) or an exclamation mark, and some phones and carriers
slip invisible characters (zero-width spaces, right-to-left marks, a byte-order mark) into
the text. A reply is therefore compared after NFKC normalisation (full-width to ASCII),
with punctuation, spaces, control and format characters and combining marks removed, and
letters upper-cased. Only a reply that is nothing but the word counts: "Thanks" or
"T恤收到了" are ordinary messages.
"""

from __future__ import annotations

import unicodedata

OPT_OUT_WORDS = frozenset({"T", "TD", "退订"})
OPT_IN_WORDS = frozenset({"订阅"})

#: Unicode categories dropped before comparing: punctuation (P*), separators (Z*),
#: control, format (zero-width, bidi marks), surrogate, private-use and unassigned (C*),
#: and non-spacing or enclosing marks (variation selectors, combining keycaps).
_DROPPED = ("P", "Z", "C", "Mn", "Me")


def reply_word(text: str) -> str:
    """The reply reduced to the letters that matter (see the module docstring)."""
    normal = unicodedata.normalize("NFKC", text or "")
    kept = (
        char
        for char in normal
        if not char.isspace() and not unicodedata.category(char).startswith(_DROPPED)
    )
    return "".join(kept).upper()


def classify(text: str) -> str:
    """``"opted_out"``, ``"opted_in"`` or ``"ignored"`` for a learner's reply."""
    word = reply_word(text)
    if word in OPT_OUT_WORDS:
        return "opted_out"
    if word in OPT_IN_WORDS:
        return "opted_in"
    return "ignored"
