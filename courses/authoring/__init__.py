"""Authoring courses in the Wagtail admin: who may write and publish them (lecturers
draft, organisers approve through the moderation workflow) and the question chooser
lesson editors pick knowledge-check questions with. The StreamField blocks stay in
``courses.blocks``: migrations name them by that path.
"""
