"""Practice (练习): answering a question (``services.record_answer``, the one entry point
for every answer outside a hand-marked paper, which also gives its points), the
wrong-answer book (错题本), favourites, 每日一练, practice sessions (``sessions``), the
reads behind the pages (``selectors``), the pages (``views``, ``session_views``) and
the API (``api``: ``/practice/...`` and ``/wrong-answers``).

The models are ``exams.models.practice``.
"""
