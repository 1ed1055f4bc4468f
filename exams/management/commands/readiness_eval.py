"""``manage.py readiness_eval --simulate N [--seed S]`` or ``--held-out``: how well calibrated
the predictions are, on simulated learners or on the site's own finished papers.

The last line (``brier=… ece=… auc=…``) stays the same in every language: ``make bench`` and
the tests read it as ``name=value`` pairs, and the three names are the metrics' own.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import Level, Subject
from exams.readiness import evaluation, held_out
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "模拟能力已知的学员，用他们的练习拟合，再预测一套留出的整卷；"
        "输出 Brier 分数、校准误差和 AUC（最后一行）。"
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--simulate", type=int, metavar="N", help=gettext_lazy("模拟这么多名学员。")
        )
        which.add_argument(
            "--held-out",
            action="store_true",
            help=gettext_lazy("每名学员每科最后一次完成的模拟考试，用此前的作答来预测"),
        )
        parser.add_argument("--subject", help=gettext_lazy("与 --held-out 同用：只评估这一科目"))
        parser.add_argument("--seed", type=int, default=1, help=gettext_lazy("随机数种子。"))
        parser.add_argument("--svg", type=Path, help=gettext_lazy("把可靠性图写到这个文件"))

    def handle(self, *args, simulate: int | None, seed: int, svg: Path | None = None, **options):
        if options["held_out"]:
            return self._held_out(options.get("subject"), svg)
        if simulate < 50:
            raise CommandError(_("--simulate 至少需要 50 名学员"))
        result = evaluation.simulate(simulate, seed)
        self._bins(result, _("预测概率  实际比例  学员数"))
        title = _("可靠性图：%(count)s 名模拟学员") % {"count": simulate}
        self._diagram(result, svg, title)
        self._metrics(result)

    def _held_out(self, subject: str | None, svg: Path | None) -> None:
        results = held_out.evaluate_all(subject)
        for r in results:
            line = _("%(level)s·%(subject)s：预测 %(predicted)s 份试卷，跳过 %(skipped)s 份") % {
                "level": _label(Level, r.level),
                "subject": _label(Subject, r.subject),
                "predicted": r.predicted,
                "skipped": r.skipped,
            }
            if r.evaluation is not None:
                e = r.evaluation
                metrics = f"brier={e.brier:.4f} ece={e.ece:.4f} auc={e.auc:.4f}"
                line += _("（%(metrics)s）") % {"metrics": metrics}
            self.stdout.write(line)
        result = held_out.pooled(results)
        if result is None:
            raise CommandError(_("没有一场已完成的模拟考试在它之前有足够的作答可供预测"))
        self._bins(result, _("预测概率  实际比例  试卷数"))
        self._diagram(result, svg, _("可靠性图：留出的试卷"))
        self._metrics(result)

    def _bins(self, result, header: str) -> None:
        self.stdout.write(header)
        for predicted, observed, count in result.bins:
            self.stdout.write(f"{predicted:9.2f} {observed:9.2f} {count:9d}")

    def _diagram(self, result, svg: Path | None, title: str) -> None:
        if not svg:
            return
        svg.parent.mkdir(parents=True, exist_ok=True)
        svg.write_text(evaluation.reliability_svg(result, title=title))
        self.stdout.write(_("可靠性图：%(path)s") % {"path": svg})

    def _metrics(self, result) -> None:
        # Read by make bench and the tests: the same in every language (module docstring).
        self.stdout.write(f"brier={result.brier:.4f} ece={result.ece:.4f} auc={result.auc:.4f}")


def _label(choices, value: str) -> str:
    """The choice's label, or the value itself when it is not one (an old row)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
