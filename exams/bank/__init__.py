"""The question bank (题库): questions and their versions (``versions``: what every answer
is graded against), writing them (``services``), the real exam's grading rules
(``grading``, used by practice, lessons and mock exams alike), import and export
(``importing`` with the file ``formats``), the bank check (``check``), the demo bank
written as Python data (``demo_bank``, read by ``data_modules``, loaded by ``demo``),
the admin screens (``admin``) and who may author (``roles``).

The models are ``exams.models.questions``.
"""
