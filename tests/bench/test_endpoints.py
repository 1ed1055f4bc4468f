"""Every benchmarked endpoint, prepared as ``bench/run.py`` prepares it and in the same order,
answers the status the benchmark expects: a change elsewhere (the review policy's 409 for a
question in the learner's own unfinished attempt, say) shows here, not as a gap in a bench run.
"""

import pytest
from django.core.management import call_command

from bench.endpoints import ENDPOINTS, JOBS
from bench.harness import build_request, count_queries
from bench.run import bench_context


@pytest.mark.django_db(transaction=True)
def test_every_endpoint_answers_as_the_benchmark_expects(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("generate_load_data", "--learners", "40", verbosity=0)
    ctx = bench_context()
    unexpected = {}
    for endpoint in ENDPOINTS:  # the baseline view is mounted by the bench settings only
        values = {**ctx.values, **(endpoint.prepare(ctx) if endpoint.prepare else {})}
        # Ten different requests where the load varies them (questions, attempts, pages).
        for n in range(10):
            status, _queries = count_queries(build_request(endpoint, ctx, values, n))
            if status != endpoint.status:
                unexpected.setdefault(endpoint.name, set()).add(status)
    assert unexpected == {}
    assert len(ENDPOINTS) >= 15 and JOBS
