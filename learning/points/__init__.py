"""Points (积分): the ledger and its per-period totals (``ledger``), the rules' starting
values, leaderboards, the learner pages, the API, the admin screens and demo history.

Every app gives points through ``learning.points.award`` (``ledger.award``; the name
../shared/DESIGN.md gives the upper apps). The models are ``learning.models.points``.
"""


def __getattr__(name: str):
    """``award``, imported on first use, so that importing any module of this package does not
    load the ledger and its models before the app registry is ready."""
    if name == "award":
        from learning.points.ledger import award

        return award
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
