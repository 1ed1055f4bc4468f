"""System checks for settings whose mistakes only show under load."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def q_cluster_retry_exceeds_timeout(app_configs, **kwargs):
    """django-q2 re-queues a task after ``retry`` seconds; if that is not longer than
    ``timeout``, a slow task is handed to a second worker while the first still runs it."""
    conf = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = conf.get("timeout"), conf.get("retry")
    if timeout is not None and retry is not None and retry <= timeout:
        return [
            checks.Error(
                "Q_CLUSTER['retry'] must be larger than Q_CLUSTER['timeout'].",
                hint="Raise retry above timeout, or a slow task would run twice at once.",
                id="learning.E001",
            )
        ]
    return []
