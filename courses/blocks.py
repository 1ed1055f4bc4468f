"""StreamField blocks of a lesson (课时正文).

Each block renders on a phone through its own template and serialises to clean JSON for the
API (``get_api_representation``): rich text as expanded HTML, images and documents as URLs,
and knowledge-check questions without their answer keys (those are given only after the
learner answers, by :func:`courses.study.checks.answer_check`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import expand_db_html
from wagtailmedia.blocks import AbstractMediaChooserBlock
from wagtailmedia.utils import format_audio_html, format_video_html

from courses.authoring.choosers import question_chooser_viewset

#: Rendition of lesson images: wide enough for a phone held sideways, small enough for 4G.
LESSON_IMAGE_SPEC = "max-960x720"

QuestionChooserBlock = question_chooser_viewset.get_block_class(
    name="QuestionChooserBlock", module_path="courses.blocks"
)


class HtmlRichTextBlock(blocks.RichTextBlock):
    """Rich text whose API value is the HTML a browser shows (internal links resolved)."""

    def get_api_representation(self, value, context=None):
        return expand_db_html(value.source) if value else ""


class ApiImageChooserBlock(ImageChooserBlock):
    def get_api_representation(self, value, context=None):
        if value is None:
            return None
        rendition = value.get_rendition(LESSON_IMAGE_SPEC)
        return {
            "id": value.pk,
            "url": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": value.default_alt_text,
        }


class ApiDocumentChooserBlock(DocumentChooserBlock):
    def get_api_representation(self, value, context=None):
        if value is None:
            return None
        return {"id": value.pk, "title": value.title, "url": value.url}


class RichTextSection(HtmlRichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/rich_text.html"
        description = _("正文：段落、标题、列表和链接")
        features = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ApiImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        description = _("一张图片，可加图注")
        label = _("图片")


class VideoBlock(blocks.StructBlock):
    """A video: either an embed URL (a video platform's player) or an uploaded file."""

    embed_url = blocks.URLBlock(
        label=_("视频链接"), required=False, help_text=_("视频平台的播放页或嵌入地址")
    )
    media = ApiDocumentChooserBlock(
        label=_("视频文件"), required=False, help_text=_("上传到文档库的 mp4 文件")
    )
    duration_minutes = blocks.IntegerBlock(label=_("时长（分钟）"), min_value=1)
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        description = _("视频：填写视频链接或选择上传的视频文件，并注明时长")
        label = _("视频")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("embed_url")) == bool(value.get("media")):
            message = _("请填写视频链接或选择视频文件（二选一）。")
            raise StructBlockValidationError(block_errors={"embed_url": ValidationError(message)})
        return value


class AttachmentBlock(blocks.StructBlock):
    document = ApiDocumentChooserBlock(label=_("文件"))
    description = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/attachment.html"
        description = _("可下载的资料：讲义、政策原文、表格模板")
        label = _("附件")


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), default=_("要点"), max_length=60)
    points = blocks.ListBlock(blocks.CharBlock(label=_("要点"), max_length=300), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/key_points.html"
        description = _("本节要点（要点清单），便于记忆和复习")
        label = _("要点")


class CaseStudyBlock(blocks.StructBlock):
    """A teaching case (案例) from community work, the heart of case-based teaching."""

    title = blocks.CharBlock(label=_("案例标题"), max_length=120)
    background = blocks.TextBlock(label=_("案例背景"))
    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("思考题"), max_length=300), label=_("思考题"), min_num=1
    )
    analysis = HtmlRichTextBlock(label=_("案例分析"), features=["bold", "ol", "ul", "link"])
    takeaway = blocks.TextBlock(label=_("经验启示"))
    regulations = blocks.ListBlock(
        blocks.CharBlock(label=_("法规条文"), max_length=300),
        label=_("相关法规"),
        required=False,
        default=[],
    )

    class Meta:
        icon = "openquote"
        template = "courses/blocks/case_study.html"
        description = _("案例：背景、思考题、分析、启示和相关法规")
        label = _("案例")


class DrillChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("选项"), max_length=200)
    feedback = blocks.TextBlock(label=_("反馈"))
    recommended = blocks.BooleanBlock(label=_("推荐做法"), required=False)


class DrillStepBlock(blocks.StructBlock):
    situation = blocks.TextBlock(label=_("情境"))
    choices = blocks.ListBlock(DrillChoiceBlock(), label=_("可选做法"), min_num=2)


class DrillBlock(blocks.StructBlock):
    """A simulated drill (模拟演练): a situation unfolds step by step; each choice has feedback.

    On the lesson page the learner's own progress is shown (``courses/blocks/drill_live.html``,
    recorded by ``courses.study.drills``): one step at a time, feedback only after choosing. This
    block's own template, with every step's feedback, is for the editors' preview.
    """

    title = blocks.CharBlock(label=_("演练标题"), max_length=120)
    scenario = blocks.TextBlock(label=_("场景"))
    steps = blocks.ListBlock(DrillStepBlock(), label=_("步骤"), min_num=1)
    debrief = blocks.TextBlock(label=_("复盘小结"), required=False)

    def get_api_representation(self, value, context=None):
        """The situation and the choices' texts only: feedback and the recommended choices come
        from ``POST /api/v1/lessons/{id}/drill`` once the learner has chosen at a step."""
        return {
            "title": value["title"],
            "scenario": value["scenario"],
            "steps": [
                {"situation": step["situation"], "choices": [c["text"] for c in step["choices"]]}
                for step in value["steps"]
            ],
        }

    class Meta:
        icon = "list-ol"
        template = "courses/blocks/drill.html"
        description = _("模拟演练：分步骤的情境选择，每个做法都有反馈")
        label = _("模拟演练")


class KnowledgeCheckBlock(blocks.StructBlock):
    """Questions from the bank answered inline (随堂测验), counted as lesson practice."""

    title = blocks.CharBlock(label=_("标题"), default=_("随堂测验"), max_length=60)
    questions = blocks.ListBlock(QuestionChooserBlock(label=_("题目")), min_num=1)

    class Meta:
        icon = "help"
        template = "courses/blocks/knowledge_check.html"
        description = _("随堂测验：从题库选题，学员当场作答并看到解析")
        label = _("随堂测验")

    @staticmethod
    def question_items(value) -> list[dict]:
        """The chosen questions as ``{"id", "type", "stem", "options": [{"key", "text"}]}``.

        Deliberately without which options are right or the explanation.
        """
        from courses.study.selectors import options_by_question

        chosen = [question for question in value["questions"] if question is not None]
        options = options_by_question([question.pk for question in chosen])
        return [
            {
                "id": question.pk,
                "type": question.type,
                "type_label": question.get_type_display(),
                "stem": expand_db_html(question.stem),
                "options": options.get(question.pk, []),
            }
            for question in chosen
        ]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["questions"] = self.question_items(value)
        return context

    def get_api_representation(self, value, context=None):
        return {"title": value["title"], "questions": self.question_items(value)}


class RecordingChooserBlock(AbstractMediaChooserBlock):
    """An audio or video recording from the media library (wagtailmedia)."""

    def render_basic(self, value, context=None) -> str:
        if not value:
            return ""
        return format_video_html(value) if value.type == "video" else format_audio_html(value)

    def get_api_representation(self, value, context=None):
        if value is None:
            return None
        return {
            "id": value.pk,
            "type": value.type,
            "title": value.title,
            "url": value.url,
            "duration_seconds": value.duration,
            "thumbnail_url": value.thumbnail.url if value.thumbnail else None,
        }


class InterviewBlock(blocks.StructBlock):
    """A field interview (现场访谈): a recorded conversation with a community worker or
    resident, played in the lesson, with its transcript and the points to take from it.

    The transcript makes the lesson usable without sound (on a bus, in an office) and
    searchable; the key points say what the lecturer wants remembered.
    """

    title = blocks.CharBlock(label=_("访谈标题"), max_length=120)
    interviewee = blocks.CharBlock(
        label=_("受访者"), max_length=120, help_text=_("例如：幸福里社区党委书记 张红")
    )
    recording = RecordingChooserBlock(
        label=_("访谈录音或录像"), help_text=_("从媒体库选择音频或视频文件")
    )
    transcript = HtmlRichTextBlock(label=_("访谈实录"), features=["bold", "ol", "ul"])
    key_points = blocks.ListBlock(
        blocks.CharBlock(label=_("要点"), max_length=300), label=_("访谈要点"), min_num=1
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/interview.html"
        description = _("现场访谈：访谈录音或录像，附访谈实录和要点")
        label = _("现场访谈")


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = RichTextSection(label=_("正文"))
    image = CaptionedImageBlock()
    video = VideoBlock()
    attachment = AttachmentBlock()
    key_points = KeyPointsBlock()
    case_study = CaseStudyBlock()
    drill = DrillBlock()
    knowledge_check = KnowledgeCheckBlock()
    interview = InterviewBlock()


def knowledge_check_question_ids(body) -> list[int]:
    """Ids of the questions in a lesson body's knowledge checks, read from the raw stream data
    (no queries)."""
    ids: list[int] = []
    for child in body.raw_data:
        if child["type"] != "knowledge_check":
            continue
        for item in child["value"].get("questions", []):
            # ListBlock items are stored as {"type": "item", "value": pk, "id": ...}.
            pk = item.get("value") if isinstance(item, dict) else item
            if pk is not None:
                ids.append(int(pk))
    return ids
