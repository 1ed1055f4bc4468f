"""Contest papers (模考大赛): registration, the opening minute, reminders, standings and
the ranking (``services``), the API (``api``: ``/contests``, ``/papers/{id}/register``)
and the demo contests (``demo``). A contest is a paper (``Paper.is_contest``); its
admin ranking screen is with the papers' (``exams.papers.admin``).

The models are ``exams.models.contests``.
"""
