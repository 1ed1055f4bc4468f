"""The plain Django view every benchmark is compared with (bench/run.py, issue 11).

One indexed query and a tiny template behind the full middleware stack: about the least any
page of this site can cost on a given server, so each endpoint's throughput is reported as a
ratio to it, measured in the same run. Mounted at ``/bench/baseline/`` only when
``settings.BENCHMARK_VIEWS`` is True (the benchmark settings, learning.settings.bench).

Use: none from domain code; ``bench/run.py`` requests it and ``learning.urls`` mounts it.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from learning.models import Organisation


def baseline(request):
    """One organisation looked up by its unique (indexed) code, rendered in a tiny template."""
    organisation = (
        Organisation.objects.filter(code=request.GET.get("code", "")).values("code", "name").first()
    )
    return render(request, "learning/benchmark_baseline.html", {"organisation": organisation})


urlpatterns = [path("baseline/", baseline, name="benchmark_baseline")]
