"""Rich text from outside (imported question files, pasted HTML) made safe to render.

Why: question stems, explanations and model answers are HTML that templates render as is
(``|safe``, ``|richtext``); a Moodle XML or GIFT ``[html]`` file can carry ``<script>``,
``onerror=`` or ``javascript:`` links, and its stems reach every candidate who sits the
paper. The Content-Security-Policy (``learning.platform.csp``) would stop them running; this removes
them before they are stored, so neither layer depends on the other. Wagtail's own database
format (``<embed embedtype="image" ...>``, ``<a linktype="page" ...>``) is kept.

Used by domain code on the way in (model ``save`` and importers); it is a pure function.
"""

from __future__ import annotations

import nh3

_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "span", "div",
    "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a", "img", "embed",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "linktype", "id", "title"},
    "img": {"src", "alt", "width", "height"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}


def clean_rich_text(html: str) -> str:
    """``html`` without scripts, event handlers, styles and unsafe URLs (never raises)."""
    if not html or "<" not in html and "&" not in html:
        return html
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
