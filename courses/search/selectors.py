"""Site search over courses, lessons and lecturers, working for Chinese.

Pages index segmented text (see :mod:`courses.search.segmentation`); the query is segmented the same
way and sent to Wagtail's search backend with ``or`` so that any of its words may match.
Results are then ranked: pages whose title holds more of the query's words come first, then
the backend's own ranking. Lecturers are found by name, organisation and intro with the ORM
(their pages belong to the lecturer pool and index no segmented text), which works for Chinese
since names are short.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.search.segmentation import query_words
from lecturers.models import LecturerPage

#: How many backend matches are re-ranked; more than anyone pages through.
MAX_MATCHES = 200

KIND_LABELS = {"course": _("课程"), "lesson": _("课时"), "lecturer": _("讲师")}


@dataclass
class Hit:
    kind: str
    page: Page
    score: tuple

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def _title_score(title: str, query: str, words: list[str]) -> tuple[int, int]:
    title = title.lower()
    return (int(query.lower() in title), sum(1 for word in words if word in title))


def ranked_ids(queryset: QuerySet, query: str) -> list[int]:
    """Ids of the pages of ``queryset`` matching ``query``, best first."""
    words = query_words(query)
    if not words:
        return []
    matches = list(queryset.search(" ".join(words), operator="or")[:MAX_MATCHES])
    ranked = sorted(
        enumerate(matches),
        key=lambda item: (_title_score(item[1].title, query, words), -item[0]),
        reverse=True,
    )
    return [page.pk for _position, page in ranked]


def site_search(query: str) -> list[Hit]:
    """Courses, lessons and lecturers matching ``query``, best first."""
    words = query_words(query)
    if not words:
        return []
    hits: list[Hit] = []
    pages = Page.objects.live().type(CoursePage, LessonPage)
    matches = list(pages.search(" ".join(words), operator="or")[:MAX_MATCHES])
    steplen = CoursePage.steplen
    # Courses among the matches, and the live courses the matched lessons belong to.
    live_courses = set(
        CoursePage.objects.live()
        .filter(path__in={p.path for p in matches} | {p.path[:-steplen] for p in matches})
        .values_list("path", flat=True)
    )
    for position, page in enumerate(matches):
        if page.path in live_courses:
            kind = "course"
        elif page.path[:-steplen] in live_courses:
            kind = "lesson"
        else:
            continue  # a lesson of an unpublished course
        hits.append(Hit(kind, page, (*_title_score(page.title, query, words), -position)))
    lecturers = LecturerPage.objects.live().filter(
        reduce(
            or_,
            (
                Q(title__icontains=word)
                | Q(organisation__icontains=word)
                | Q(intro__icontains=word)
                for word in words
            ),
        )
    )[:MAX_MATCHES]
    for lecturer in lecturers:
        hits.append(Hit("lecturer", lecturer, (*_title_score(lecturer.title, query, words), 0)))
    # Title matches first; among equals, courses before lessons before lecturers.
    order = {"course": 2, "lesson": 1, "lecturer": 0}
    hits.sort(key=lambda hit: (hit.score[:2], order[hit.kind], hit.score[2]), reverse=True)
    return hits
