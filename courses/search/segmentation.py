"""Chinese word segmentation (中文分词) for Wagtail's database search backend.

SQLite FTS5 and PostgreSQL's ``simple`` configuration split text on spaces and punctuation,
and Chinese is written without spaces, so out of the box "社区案例分析：邻里纠纷的调解" is
indexed as two long tokens and a search for 纠纷 finds nothing. Pages therefore index an extra
field of text cut into words with a spaces between them (``rjieba``'s search mode also emits the
shorter words inside long ones: 邻里纠纷 -> 邻里 纠纷 邻里纠纷), and queries are cut the same way.
"""

from __future__ import annotations

import re

import rjieba

#: Tokens that carry no meaning on their own in a query (particles, conjunctions).
STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 也 就 都 而 之 对 把 被 让 给 从 向 等".split())

_WORD = re.compile(r"\w", re.UNICODE)


def words(text: str) -> list[str]:
    """The distinct words of ``text`` in order of appearance, punctuation and spaces dropped."""
    seen: dict[str, None] = {}
    for token in rjieba.cut_for_search(text or ""):
        token = token.strip().lower()
        if token and _WORD.search(token):
            seen.setdefault(token, None)
    return list(seen)


def segmented(*texts: str) -> str:
    """Text to index: every word of ``texts`` separated by spaces."""
    return " ".join(words(" ".join(t for t in texts if t)))


def query_words(query: str) -> list[str]:
    """The words of a search query, without stop words (a query of stop words keeps them)."""
    found = words(query)
    meaningful = [word for word in found if word not in STOP_WORDS]
    return meaningful or found
