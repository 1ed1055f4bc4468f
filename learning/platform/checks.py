"""System checks for settings whose mistakes only show under load.

Use: none from domain code; ``LearningConfig.ready`` imports it to register the checks.
"""

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


@checks.register(checks.Tags.security)
def trusted_proxies_are_addresses(app_configs, **kwargs):
    """A typing mistake in TRUSTED_PROXIES would otherwise surface as a 500 on every log-in."""
    import ipaddress

    errors = []
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                checks.Error(
                    f"TRUSTED_PROXIES: {entry!r} is not an address or network.",
                    hint="List the proxies' addresses or networks, comma-separated "
                    "(10.0.0.2,10.0.1.0/24).",
                    id="learning.E002",
                )
            )
    return errors
