"""A learner's study of courses (学习): the catalogue and course pages' reads, enrolment
and progress (``services``: the one way to complete a lesson and earn its points), what
a lesson asks before it counts (``activities``: knowledge checks 随堂测验, drills 模拟演练),
the learner's actions on the site (``views``) and in the API (``api``), and the
organisers' enrolment screens (``admin``).

The page models stay in ``courses.models`` (app label and migrations).
"""
