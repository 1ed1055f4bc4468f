"""Organisers' reports (培训统计): coverage, certification, activity, weak points, records.

They read every app (courses, exams, lecturers, learning), so they live in ``courses``, the
highest app they need (DESIGN.md). Each module is a selector set: every report is a constant
number of grouped queries whatever the number of learners, and takes the organisation whose
subtree it covers (``None``: the whole prefecture); views check the organiser's scope first.
"""
