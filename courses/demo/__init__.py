"""Demo content of the courses app (``load_demo``, DEMO_LOADERS): the catalogue and its
loader, the lessons' teaching text and the knowledge-check questions, written for
社工学堂. The organisers' demo study is ``courses.reports.demo``.
"""
