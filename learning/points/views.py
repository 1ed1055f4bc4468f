"""Learner pages for points: the rankings (积分排名) and my points (我的积分)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from learning.points import leaderboards
from learning.points.leaderboards import LeaderboardError

PERIOD_LABELS = {"week": _("本周"), "month": _("本月"), "all": _("总榜")}
SCOPE_LABELS = {
    "all": _("全市"),
    "county": _("本县市"),
    "street": _("本街镇"),
    "community": _("本社区"),
}
LEVEL_LABELS = {"community": _("社区"), "street": _("街镇"), "county": _("县市")}


def _choices(labels: dict, current: str) -> list[dict]:
    return [
        {"value": value, "label": label, "current": value == current}
        for value, label in labels.items()
    ]


@login_required
def rankings(request):
    """People ranked in a period and scope, or organisations ranked at a level."""
    tab = "organisations" if request.GET.get("tab") == "organisations" else "people"
    period = request.GET.get("period", "week")
    home = leaderboards.home_organisation(request.user)
    context = {"tab": tab, "period": period, "periods": _choices(PERIOD_LABELS, period)}
    try:
        if tab == "people":
            scope = request.GET.get("scope") or ("community" if home else "all")
            context["board"] = leaderboards.leaderboard(
                viewer=request.user, period=period, scope=scope
            )
            context["scopes"] = _choices(SCOPE_LABELS, scope)
            context["scope"] = scope
        else:
            level = request.GET.get("level", "community")
            context["ranking"] = leaderboards.organisation_ranking(
                period=period, level=level, home=home
            )
            context["levels"] = _choices(LEVEL_LABELS, level)
            context["level"] = level
    except LeaderboardError as exc:
        context["error"] = str(exc)
        return render(request, "learning/rankings.html", context, status=400)
    return render(request, "learning/rankings.html", context)


@login_required
def my_points(request):
    """My points, ranks in every scope, level badge, streak and history."""
    standing = leaderboards.my_standing(request.user)
    history = Paginator(leaderboards.points_history(request.user), 20).get_page(
        request.GET.get("page")
    )
    rank_rows = [
        {"label": label, "ranks": [standing.ranks[period][scope] for period in PERIOD_LABELS]}
        for scope, label in SCOPE_LABELS.items()
    ]
    return render(
        request,
        "learning/my_points.html",
        {
            "standing": standing,
            "history": history,
            "period_labels": list(PERIOD_LABELS.values()),
            "rank_rows": rank_rows,
        },
    )
