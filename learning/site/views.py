"""我的 (``/me/``): the learner's own corner, linking every personal page of the site.

The API's twin is ``GET /api/v1/me`` (``learning.site.api``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from learning.accounts.phone import mask_phone
from learning.accounts.selectors import learner_profile, points_summary


@login_required
def my_learning(request):
    """我的: the learner's own corner, linking every personal page of the site."""
    profile = learner_profile(request.user)
    return render(
        request,
        "learning/my_learning.html",
        {
            "profile": profile,
            "phone": mask_phone(request.user.phone),
            "points": points_summary(request.user),
        },
    )
