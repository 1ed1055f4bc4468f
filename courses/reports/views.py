"""Organisers' report views in the Wagtail admin (培训统计): thin over ``courses.reports``.

Every view starts from the organiser's scope (``learning.accounts.selectors.organiser_scope``): an
organisation or learner outside it is a 404, exactly as if it did not exist, so changing an
id in the URL reveals nothing; a user who is not an organiser gets 403.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from courses.models import CoursePage
from courses.reports import activity, charts, coverage, records, snapshot, workbooks
from courses.study import services
from learning.accounts.selectors import organiser_scope
from learning.models import LearnerProfile, Organisation
from learning.platform import admin_page_cache
from learning.platform.ids import parse_id
from learning.reminders.manual import remind_learners

STATUSES = {
    "untrained": gettext_lazy("未完成培训"),
    "trained": gettext_lazy("已完成培训"),
    "not_sat": gettext_lazy("未参加模拟考试"),
    "all": gettext_lazy("全部报考人员"),
}


def scope_of(request) -> Organisation | None:
    try:
        return organiser_scope(request.user)
    except PermissionError as exc:
        raise PermissionDenied from exc


def selected_organisation(
    request, key: str = "org"
) -> tuple[Organisation | None, Organisation | None]:
    """(the organiser's scope, the organisation asked for in ``?org=``, default the scope)."""
    scope = scope_of(request)
    raw = request.GET.get(key) or request.POST.get(key)
    if not raw:
        return scope, scope
    organisation_id = parse_id(str(raw))
    if organisation_id is None:
        raise Http404
    found = Organisation.objects.all()
    if scope is not None:
        found = found.filter(path__startswith=scope.path)
    return scope, get_object_or_404(found, pk=organisation_id)


def breadcrumbs(scope: Organisation | None, organisation: Organisation | None) -> list:
    """The way from the scope down to the organisation shown, for drilling back up."""
    if organisation is None:
        return []
    chain = [*organisation.get_ancestors(), organisation]
    if scope is not None:
        chain = [node for node in chain if node.depth >= scope.depth]
    return chain


def parse_period(request) -> records.Period:
    default = records.default_period()
    try:
        start = date.fromisoformat(request.GET.get("start") or default.start.isoformat())
        end = date.fromisoformat(request.GET.get("end") or default.end.isoformat())
    except ValueError as exc:
        raise BadPeriod(_("日期格式应为 YYYY-MM-DD。")) from exc
    if end < start:
        raise BadPeriod(_("结束日期不能早于开始日期。"))
    return records.Period(start, end)


class BadPeriod(ValueError):
    pass


def dashboard_charts(data: dict) -> dict:
    names = [row.name for row in data["rows"]]
    return {
        "coverage_chart": charts.bar_chart(
            _("培训覆盖"),
            names,
            [
                charts.Series(_("报考"), [row.candidates for row in data["rows"]]),
                charts.Series(_("已培训"), [row.trained for row in data["rows"]]),
                charts.Series(_("参加模考"), [row.sat for row in data["rows"]]),
                charts.Series(_("模考及格"), [row.passed for row in data["rows"]]),
            ],
        ),
        "readiness_chart": charts.bar_chart(
            _("通过预测"),
            [row.name for row in data["readiness_rows"]],
            [
                charts.Series(_("有望通过"), [r.bands.likely for r in data["readiness_rows"]]),
                charts.Series(_("临界"), [r.bands.borderline for r in data["readiness_rows"]]),
                charts.Series(_("有风险"), [r.bands.at_risk for r in data["readiness_rows"]]),
                charts.Series(_("数据不足"), [r.bands.unknown for r in data["readiness_rows"]]),
            ],
        ),
        "certificate_chart": charts.bar_chart(
            _("持证人数"),
            names,
            [charts.Series(_("持证人数"), [row.holders for row in data["rows"]])],
        ),
        "trend_chart": charts.line_chart(
            _("持证人数月度趋势"),
            [month.strftime("%y-%m") for month in data["months"]],
            [charts.Series(_("持证人数"), data["certificate_trend"])],
        ),
        "activity_chart": charts.line_chart(
            _("近12周学习情况"),
            [week.week.strftime("%m-%d") for week in data["weeks"]],
            [
                charts.Series(_("活跃学员"), [week.active_learners for week in data["weeks"]]),
                charts.Series(_("完成课时"), [week.lessons for week in data["weeks"]]),
            ],
        ),
        # Percentages get a chart of their own: on the counts' scale they would lie flat.
        "mock_chart": charts.line_chart(
            _("近12周模考平均分"),
            [week.week.strftime("%m-%d") for week in data["weeks"]],
            [charts.Series(_("模考平均分"), [week.average_mock_score for week in data["weeks"]])],
        ),
        "practice_chart": charts.line_chart(
            _("近12周练习题量"),
            [week.week.strftime("%m-%d") for week in data["weeks"]],
            [charts.Series(_("练习题量"), [week.practice_answers for week in data["weeks"]])],
        ),
    }


#: The charts of the last snapshots shown by this process, by (scope key, computed at,
#: language): they are a pure function of the figures (and the labels' language), and
#: building seven SVG charts each view cost more than reading the figures.
_CHARTS: dict[tuple[str, float, str], dict] = {}


def _charts_of(key: str, found: snapshot.Snapshot) -> dict:
    memo_key = (key, found.computed_at.timestamp(), get_language())
    charts_found = _CHARTS.get(memo_key)
    if charts_found is None:
        if len(_CHARTS) > 200:
            _CHARTS.clear()
        charts_found = _CHARTS[memo_key] = dashboard_charts(found.data)
    return charts_found


def dashboard_view(request):
    """The dashboard from the figures' cache; POST recomputes them now (the refresh button).

    The whole page is kept per viewer and snapshot (``learning.platform.admin_page_cache``): with the
    figures precomputed, Wagtail's admin chrome around them was most of the request.
    """
    scope, organisation = selected_organisation(request)
    if request.method == "POST":
        snapshot.dashboard(organisation, refresh=True)
        messages.success(request, _("统计数据已更新。"))
        return redirect(request.get_full_path())
    key = snapshot.dashboard_key(organisation)
    # The kept page needs only the figures' time; the figures are read when it is rendered.
    computed_at = snapshot.dashboard_time(organisation)
    read = snapshot.dashboard(organisation) if computed_at is None else None
    if read is not None:
        computed_at = read.computed_at

    def build_context() -> dict:
        found = read or snapshot.dashboard(organisation)
        return {
            **found.data,
            **_charts_of(key, found),
            # The figures' part of the page is rendered once per snapshot ({% cache %}): the
            # tables and charts of a prefecture cost more to render than to read (bench, #21).
            "snapshot_key": key,
            "computed_at_key": found.computed_at.timestamp(),
            "computed_at": found.computed_at,
            "freshness_minutes": snapshot.freshness() // 60,
            "organisation": organisation,
            "breadcrumbs": breadcrumbs(scope, organisation),
            "required_hours": coverage.required_hours(),
            "required_courses": coverage.required_courses(),
            "page_title": _("培训统计"),
        }

    return admin_page_cache.render(
        request,
        "courses/reports/dashboard.html",
        build_context,
        scope.pk if scope else "all",
        key,
        computed_at.timestamp(),
    )


def dashboard_export_view(request):
    _scope, organisation = selected_organisation(request)
    data = snapshot.dashboard(organisation).data
    total = replace(data["total"], organisation=None)
    lines = [*data["rows"], total]
    sheets: list[workbooks.Sheet] = [
        (
            _("培训覆盖"),
            [
                _("机构"),
                _("学员"),
                _("报考人数"),
                _("已培训"),
                _("培训率%"),
                _("参加模考"),
                _("模考及格"),
            ],
            [
                [
                    row.name if row.organisation else _("合计"),
                    row.learners,
                    row.candidates,
                    row.trained,
                    row.trained_percent,
                    row.sat,
                    row.passed,
                ]
                for row in lines
            ],
        ),
        (
            _("分级分层培训"),
            [_("培训方案"), _("学员"), _("已学完"), _("完成率%")],
            [
                [
                    row.name if row.track else _("未归入培训方案"),
                    row.learners,
                    row.finished if row.track else None,
                    row.finished_percent if row.track else None,
                ]
                for row in data.get("tracks", [])
            ],
        ),
        (
            _("持证情况"),
            [_("机构"), _("持证人数"), _("常住人口"), _("每万人持证")],
            [
                [
                    row.name if row.organisation else _("合计"),
                    row.holders,
                    row.residents,
                    row.holders_per_10k,
                ]
                for row in lines
            ],
        ),
        (
            _("持证趋势"),
            [_("月份"), _("持证人数")],
            [
                [month.strftime("%Y-%m"), count]
                for month, count in zip(data["months"], data["certificate_trend"], strict=True)
            ],
        ),
        (
            _("学习活跃"),
            [_("周（周一）"), _("活跃学员"), _("完成课时"), _("练习题量"), _("模考平均分")],
            [
                [w.week, w.active_learners, w.lessons, w.practice_answers, w.average_mock_score]
                for w in data["weeks"]
            ],
        ),
        (
            _("通过预测"),
            [
                _("机构"),
                _("有望通过"),
                _("临界"),
                _("有风险"),
                _("数据不足"),
                _("预计通过人数"),
                _("90%区间下限"),
                _("90%区间上限"),
            ],
            [
                [
                    row.name or _("合计"),
                    row.bands.likely,
                    row.bands.borderline,
                    row.bands.at_risk,
                    row.bands.unknown,
                    row.bands.expected_passes,
                    row.bands.low,
                    row.bands.high,
                ]
                for row in [*data["readiness_rows"], data["readiness_total"]]
            ],
        ),
        _weak_sheet(_("薄弱章节"), _("章节"), data["weak_chapters"]),
        _weak_sheet(_("薄弱知识点"), _("知识点"), data["weak_points"]),
        (
            _("线下培训出勤"),
            [_("培训"), _("开始时间"), _("报名"), _("签到"), _("出勤率%")],
            [[s.title, s.starts_at, s.enrolled, s.attended, s.percent] for s in data["attendance"]],
        ),
        (
            _("本月机构排名"),
            [_("全市名次"), _("机构"), _("学员"), _("积分合计"), _("人均积分")],
            [
                [r.rank, r.organisation.name, r.members, r.total_points, r.average_points]
                for r in data["ranking"]
            ],
        ),
        (
            _("本月积分前十"),
            [_("名次"), _("姓名"), _("社区"), _("积分")],
            [[t.rank, t.name, t.organisation, t.points] for t in data["top_learners"]],
        ),
    ]
    code = organisation.code if organisation else "all"
    return workbooks.response(sheets, f"report-{code}-{timezone.localdate():%Y%m%d}.xlsx")


def _weak_sheet(title: str, label: str, points: list[activity.WeakPoint]) -> workbooks.Sheet:
    return (
        title,
        [label, _("作答次数"), _("正确率%"), _("练习正确率%"), _("模考正确率%")],
        [[p.name, p.answers, p.accuracy, p.practice_accuracy, p.mock_accuracy] for p in points],
    )


class ReminderForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("短信内容"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=gettext_lazy(
            "{name}您好，您的培训学时还未达到要求，请抽空登录社工学堂完成课程学习。"
        ),
        help_text=gettext_lazy("可用 {name} 代表学员姓名；签名和退订提示由系统自动添加。"),
    )


class EnrolForm(forms.Form):
    course = forms.ModelChoiceField(
        label=gettext_lazy("课程"), queryset=CoursePage.objects.live().order_by("title")
    )


def candidates_view(request):
    scope, organisation = selected_organisation(request)
    status = request.GET.get("status", "untrained")
    if status not in STATUSES:
        return HttpResponseBadRequest(_("未知的筛选条件。"))
    profiles = coverage.candidates(organisation, status=status)
    if request.method == "POST":
        return _candidates_action(request, organisation, profiles)
    full_phones = request.user.has_perm("learning.export_phone_numbers")
    if request.GET.get("format") == "xlsx":
        sheet = (
            str(STATUSES[status]),
            [
                _("姓名"),
                _("手机号"),
                _("社区"),
                _("报考级别"),
                _("已完成学时"),
                _("参加模考"),
                _("模考及格"),
            ],
            [
                [
                    p.user.name,
                    workbooks.phone_for(p.user.phone, full=full_phones),
                    p.organisation.name,
                    p.get_exam_level_display(),
                    p.hours,
                    workbooks.yes_no(p.sat),
                    workbooks.yes_no(p.passed),
                ]
                for p in profiles
            ],
        )
        code = organisation.code if organisation else "all"
        return workbooks.response([sheet], f"candidates-{status}-{code}.xlsx")
    page = Paginator(profiles, 100).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "courses/reports/candidates.html",
        {
            "page_title": _("报考人员名单"),
            "organisation": organisation,
            "breadcrumbs": breadcrumbs(scope, organisation),
            "page": page,
            "status": status,
            "statuses": STATUSES,
            "batch": uuid.uuid4().hex,
            "enrol_form": EnrolForm(),
            "reminder_form": ReminderForm(),
            "can_enrol": request.user.has_perm("courses.enrol_organisation"),
        },
    )


def _candidates_action(request, organisation, profiles):
    """Enrol the ticked candidates in a course, or text them a reminder.

    Only candidates inside the organiser's scope and the list's filter can be acted on: ids
    outside it are refused as a whole (404), never silently dropped or acted upon.
    """
    wanted = {parse_id(raw) for raw in request.POST.getlist("learner")} - {None}
    if not wanted:
        messages.error(request, _("请先勾选学员。"))
        return redirect(request.get_full_path())
    chosen = list(profiles.filter(user_id__in=wanted).values_list("user_id", flat=True))
    if len(chosen) != len(wanted):
        raise Http404
    action = request.POST.get("action")
    if action == "enrol":
        if not request.user.has_perm("courses.enrol_organisation"):
            raise PermissionDenied
        form = EnrolForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("请选择要安排的课程。"))
        course = form.cleaned_data["course"]
        created = services.enrol_learners(learner_ids=chosen, course=course, by=request.user)
        messages.success(
            request,
            _("已为 %(count)s 名学员安排课程《%(course)s》（%(new)s 名为新选课）。")
            % {"count": len(chosen), "course": course.title, "new": created},
        )
    elif action == "remind":
        form = ReminderForm(request.POST)
        batch = request.POST.get("batch", "")
        if not form.is_valid() or not batch.isalnum():
            return HttpResponseBadRequest(_("请填写短信内容。"))
        counts = remind_learners(learner_ids=chosen, body=form.cleaned_data["body"], batch=batch)
        messages.success(
            request,
            _(
                "已提交 %(queued)s 条提醒；已退订 %(opted)s 人，关闭提醒 %(off)s 人，"
                "今日条数已满 %(cap)s 人，重复提交 %(again)s 人。"
            )
            % {
                "queued": counts.get("queued", 0),
                "opted": counts.get("opted_out", 0),
                "off": counts.get("preference", 0),
                "cap": counts.get("daily_cap", 0),
                "again": counts.get("already_sent", 0),
            },
        )
    else:
        return HttpResponseBadRequest(_("未知的操作。"))
    return redirect(request.get_full_path())


def _scoped_profile(request, user_id: int) -> LearnerProfile:
    """The learner whose record is asked for: an active learner account (one with a learner
    profile) in the organiser's scope, the same learners the reports count. Anyone else, staff
    and organisers included, has no record here: 404, as if the id did not exist."""
    found = coverage.scoped_profiles(scope_of(request)).select_related("user", "organisation")
    return get_object_or_404(found, user_id=user_id)


def record_view(request, user_id: int):
    profile = _scoped_profile(request, user_id)
    try:
        period = parse_period(request)
    except BadPeriod as exc:
        return HttpResponseBadRequest(str(exc))
    record = records.record_details(profile, period)
    full_phones = request.user.has_perm("learning.export_phone_numbers")
    if request.GET.get("format") == "xlsx":
        return workbooks.response(
            record_sheets([record], period, full_phones=full_phones, details=True),
            f"record-{profile.user_id}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
        )
    return TemplateResponse(
        request,
        "courses/reports/record.html",
        {
            "record": record,
            "period": period,
            "profile": profile,
            "phone": workbooks.phone_for(profile.user.phone, full=full_phones),
            "xlsx_url": reverse("courses_report_record", args=[profile.user_id])
            + f"?start={period.start}&end={period.end}&format=xlsx",
        },
    )


def records_export_view(request):
    """A whole organisation's study records in one workbook, a row per learner."""
    _scope, organisation = selected_organisation(request)
    if organisation is None:
        return HttpResponseBadRequest(_("请选择要导出的社区或街镇。"))
    try:
        period = parse_period(request)
    except BadPeriod as exc:
        return HttpResponseBadRequest(str(exc))
    found = records.study_records(coverage.scoped_profiles(organisation), period)
    full_phones = request.user.has_perm("learning.export_phone_numbers")
    return workbooks.response(
        record_sheets(found, period, full_phones=full_phones, details=False),
        f"records-{organisation.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
    )


def record_sheets(
    found: list[records.StudyRecord], period: records.Period, *, full_phones: bool, details: bool
) -> list[workbooks.Sheet]:
    headers = [
        _("姓名"),
        _("手机号"),
        _("社区"),
        _("报考级别"),
        _("持证级别"),
        _("统计期间"),
        _("选课门数"),
        _("完成课程"),
        _("完成学时"),
        _("完成课时"),
        _("线下培训签到"),
        _("练习题量"),
        _("练习正确率%"),
        _("模考次数"),
        _("模考及格次数"),
        _("模考最高分%"),
        _("模考平均分%"),
        _("期间积分"),
        _("社区排名"),
    ]
    rows = [
        [
            r.profile.user.name,
            workbooks.phone_for(r.profile.user.phone, full=full_phones),
            r.profile.organisation.name,
            r.profile.get_exam_level_display(),
            r.profile.get_certificate_level_display(),
            f"{period.start} ~ {period.end}",
            r.courses_enrolled,
            r.courses_completed,
            r.hours,
            r.lessons,
            r.sessions_attended,
            r.practice_answers,
            r.practice_accuracy,
            r.mock_attempts,
            r.mock_passed,
            r.mock_best,
            r.mock_average,
            r.points,
            r.community_rank,
        ]
        for r in found
    ]
    sheets: list[workbooks.Sheet] = [(_("学习档案"), headers, rows)]
    if details and found:
        record = found[0]
        sheets += [
            (
                _("课程"),
                [_("课程"), _("学时"), _("选课时间"), _("完成时间")],
                [
                    [e.course.title, e.course.estimated_hours, e.enrolled_at, e.completed_at]
                    for e in record.courses
                ],
            ),
            (
                _("模拟考试"),
                [_("试卷"), _("交卷时间"), _("得分"), _("满分"), _("是否及格")],
                [
                    [a.paper.title, a.finished_at, a.score, a.max_score, workbooks.yes_no(a.passed)]
                    for a in record.attempts
                ],
            ),
            (
                _("线下培训"),
                [_("培训"), _("签到时间")],
                [[s.session.title, s.attended_at] for s in record.sessions],
            ),
            (_("排名"), [_("范围"), _("名次")], list(record.ranks.items())),
        ]
    return sheets
