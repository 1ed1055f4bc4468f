"""The learner's site around the apps: the home page and its panels, today's plan, the
main navigation, 我的 (``/me/`` and ``GET /api/v1/me``) and the installable web app.
"""
