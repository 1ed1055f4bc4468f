"""Attempts (作答) at a mock exam: start, autosave, submit, overdue finalisation, marking
and results (``services``), the statements a start and a submit write
(``start_writes``, ``row_updates``), the review policy (``review_policy``: the one place
that decides whether a key or explanation may be shown, asked by practice and lessons
too), what the learner is shown (``display``, ``shown_json``), the result report
(``report``), the API (``api``: ``/papers``, ``/attempts...``) and the pages (``views``,
``urls`` under ``/exams/``).

The models are ``exams.models.attempts``.
"""
