from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Organisation(MP_Node):
    """A node of the prefecture's tree: county/city (县市) > street/town (街镇) > community (社区).

    A materialised path (treebeard) makes "everything under this street" one indexed
    ``path LIKE 'xxx%'`` query, which every scoped report and leaderboard relies on.
    """

    class Kind(models.TextChoices):
        COUNTY = "county", _("县市")
        STREET = "street", _("街镇")
        COMMUNITY = "community", _("社区")

    #: The kind each tree depth must have.
    KIND_BY_DEPTH = {1: Kind.COUNTY, 2: Kind.STREET, 3: Kind.COMMUNITY}

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("编码"),
        max_length=32,
        unique=True,
        help_text=_("稳定的机构编码，导入和报表以它为准，创建后不要修改。"),
    )
    kind = models.CharField(_("层级"), max_length=10, choices=Kind.choices)
    residents = models.PositiveIntegerField(
        _("常住人口"), null=True, blank=True, help_text=_("用于按万人比计算社工配备。")
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")

    def __str__(self) -> str:
        return self.name

    def subtree(self):
        """This organisation and everything below it."""
        return Organisation.objects.filter(path__startswith=self.path)

    def path_names(self) -> list[str]:
        """Names from the county down to this node (one query)."""
        return [node.name for node in self.get_ancestors()] + [self.name]

    @property
    def indented_name(self) -> str:
        """The name indented by depth, so a list ordered by path reads as a tree."""
        return "\u3000" * (self.depth - 1) + self.name

    @property
    def full_name(self) -> str:
        return " / ".join(self.path_names())
