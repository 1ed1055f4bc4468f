"""The organisers' screen of training tracks (培训方案): which courses each post type, grade
band and exam level takes. Tracks hold for the whole prefecture, so every organiser sees them
and only prefecture-wide organisers add or change one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.permissions import register_permission_policy

from courses.models import NOT_SITTING, TrainingTrack
from learning.accounts.scope import (
    PrefectureWidePolicy,
    ScopedModelViewSet,
    prefecture_wide_changes,
)
from learning.models.profiles import ExamLevel, PostType
from learning.platform.form_fields import optional_checkboxes


class TrainingTrackForm(WagtailAdminModelForm):
    """Criteria as checkboxes: the roster's post types and exam levels (or not sitting)."""

    post_types = optional_checkboxes(
        _("岗位类别"), choices=PostType.choices, help_text=_("不选表示不限岗位类别。")
    )
    exam_levels = optional_checkboxes(
        _("报考级别"),
        choices=[*ExamLevel.choices, (NOT_SITTING, _("不报考"))],
        help_text=_("不选表示不限报考级别。"),
    )


register_permission_policy(TrainingTrack, PrefectureWidePolicy(TrainingTrack))


class TrainingTrackViewSet(ScopedModelViewSet):
    """培训方案: organisers set which courses each post type, grade band and exam level takes."""

    scope_queryset = staticmethod(prefecture_wide_changes)

    model = TrainingTrack
    icon = "list-ol"
    menu_label = _("培训方案")
    add_to_admin_menu = True
    menu_order = 405
    inspect_view_enabled = False
    list_display = ["name", "sort_order"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            MultiFieldPanel(
                [
                    FieldPanel("post_types"),
                    FieldRowPanel([FieldPanel("grade_min"), FieldPanel("grade_max")]),
                    FieldPanel("exam_levels"),
                ],
                heading=_("面向对象（不填的条件不限）"),
            ),
            FieldPanel("sort_order"),
            InlinePanel("track_courses", label=_("课程"), heading=_("方案课程")),
        ],
        base_form_class=TrainingTrackForm,
    )


training_track_viewset = TrainingTrackViewSet("training_tracks")
