"""Template helpers of the lesson page."""

from django import template

register = template.Library()


@register.filter
def drill_of(drills: dict, block_id: str):
    """The learner's state of the drill block with this id (``courses.study.drills.DrillState``)."""
    return (drills or {}).get(block_id)
