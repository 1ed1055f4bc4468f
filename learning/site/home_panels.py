"""Panels of the learner's home page, contributed by every app through a Wagtail hook.

The home page lives in the core, which may not import the apps above it; each app instead
registers a function under the ``learner_home_panels`` hook that takes the request and returns
a :class:`HomePanel` (or None when it has nothing to show). Keep each panel to one or two
indexed queries: the home page is the most visited page of the site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail import hooks

HOOK = "learner_home_panels"


@dataclass(frozen=True)
class HomePanel:
    #: Lower numbers come first.
    order: int
    #: Template rendered with ``panel`` (this object) and ``request`` in its context.
    template: str
    context: dict = field(default_factory=dict)


def panels_for(request) -> list[HomePanel]:
    panels = (fn(request) for fn in hooks.get_hooks(HOOK))
    return sorted((panel for panel in panels if panel is not None), key=lambda p: p.order)


def learner_profile(request):
    """The learner's profile, read once per request for every panel that needs it."""
    if not hasattr(request, "_home_profile"):
        from learning.models import LearnerProfile

        request._home_profile = LearnerProfile.objects.filter(user=request.user).first()
    return request._home_profile
