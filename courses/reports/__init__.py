"""Organisers' reports (培训统计): coverage, certification, activity, weak points, records,
and the admin pages that show them.

They read every app (courses, exams, lecturers, learning), so they live in ``courses``, the
highest app they need (DESIGN.md). ``coverage``, ``activity``, ``readiness`` and ``records``
are selector sets: every report is a constant number of grouped queries whatever the number
of learners, and takes the organisation whose subtree it covers (``None``: the whole
prefecture). ``snapshot`` keeps the dashboard's figures; ``views`` (the admin pages) and
``home_panel`` check the organiser's scope first; ``demo`` writes the demo study they show.
"""
