"""Points (积分): the ledger and its per-period totals (``ledger``), the rules' starting
values, leaderboards, the learner pages, the API, the admin screens and demo history.

Every app gives points through ``learning.points.ledger.award``. The models are
``learning.models.points``.
"""
