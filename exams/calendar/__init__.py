"""The exam calendar (考试安排): the published and estimated exam years (``seeds``, added
to the database after every migrate) and reading what organisers keep there
(``exam_days``: the next exam day of a level, registration windows; the core reads it
through ``settings.EXAM_CALENDAR_PROVIDER``). The organisers' screen is
``ExamYearViewSet`` in ``exams/wagtail_hooks.py``.

The models are ``exams.models.calendar``.
"""
