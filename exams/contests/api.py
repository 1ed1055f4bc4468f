"""Contest papers (模考大赛) in the API: registration and the contests on my list.

Extends API.md: ``POST /papers/{id}/register`` (201 when registered now, 200 when already
registered, 409 with ``detail`` when the paper is no contest or registration has closed) and
``GET /contests`` (upcoming, running and recently closed contests, my standings once closed).
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from exams.contests import services as contests
from exams.papers.services import papers_for
from learning.platform.ids import Id

router = Router(tags=["contests"])


class RegistrationOut(Schema):
    paper_id: int
    registered: bool
    registered_at: datetime


class StandingOut(Schema):
    scope: str
    organisation: str
    rank: int
    candidates: int
    percentile: int | None


class ContestOut(Schema):
    id: int
    title: str
    state: str
    opens_at: datetime
    closes_at: datetime
    registration_closes_at: datetime | None
    time_limit_minutes: int
    registered: bool
    registration_open: bool
    seconds_to_open: int
    standings: list[StandingOut]


@router.post("/papers/{paper_id}/register", response={200: RegistrationOut, 201: RegistrationOut})
def register(request, paper_id: Id):
    """Register for a contest paper (报名); registering again returns the same registration."""
    paper = papers_for(request.auth).filter(pk=paper_id).first()
    if paper is None:
        raise Http404
    try:
        registration, created = contests.register(
            paper=paper, learner=request.auth, now=timezone.now()
        )
    except contests.ContestError as exc:
        raise HttpError(409, str(exc)) from exc
    body = {
        "paper_id": paper.pk,
        "registered": True,
        "registered_at": registration.registered_at,
    }
    return Status(201 if created else 200, body)


@router.get("/contests", response=list[ContestOut])
def list_contests(request):
    """Contests aimed at me: upcoming, running, and closed in the last 30 days with my ranks."""
    return [
        {
            "id": card.paper.pk,
            "title": card.paper.title,
            "state": card.state,
            "opens_at": card.paper.opens_at,
            "closes_at": card.paper.closes_at,
            "registration_closes_at": contests.registration_deadline(card.paper),
            "time_limit_minutes": card.paper.time_limit_minutes,
            "registered": card.registered,
            "registration_open": card.registration_open,
            "seconds_to_open": card.seconds_to_open,
            "standings": [
                {
                    "scope": row.label,
                    "organisation": row.organisation,
                    "rank": row.standing.rank,
                    "candidates": row.standing.candidates,
                    "percentile": row.standing.percentile,
                }
                for row in card.standings
            ],
        }
        for card in contests.contests_for(request.auth, now=timezone.now())
    ]
