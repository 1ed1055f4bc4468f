"""Exam readiness (备考评估): calibrated questions, pass probabilities and adaptive review.

``irt`` fits the item response model, ``passing`` turns an ability into the probability of
reaching a paper's pass line, ``service`` ties both to the database, and ``review_schedule``
plans the wrong-answer book with FSRS. ``evaluation`` and ``held_out`` measure the model
(``manage.py readiness_eval``). The learner sees it through ``api`` (``GET /me/readiness``,
``GET /practice/due``) and ``views`` (``/practice/readiness/``, 智能练习 ``/practice/smart/``).
"""
