"""Mock exam papers (试卷): who may sit them and what an attempt draws (``services``), the
variants drawn ahead of the exam (``variants``, redrawn on edits by
``variant_signals``), the organisers' statistics (``statistics``), the paper
reminders (``reminders``), the admin screens (``admin``: papers, statistics, contest
ranking, 阅卷), the permissions every installation needs (``baseline``), the demo
papers (``demo``) and the benchmark data (``load_data``).

The models are ``exams.models.papers``.
"""
