"""Training tracks (培训方案, the programme's 分级分层): which track a learner follows, how
far along it they are, coverage per track, and the organisers' track screens.

The model is ``courses.models.TrainingTrack``.
"""
