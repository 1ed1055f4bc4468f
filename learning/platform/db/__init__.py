"""Database backends of the project (``DATABASES[...]["ENGINE"]`` points into this package).

Use: none from domain code; ``DATABASES`` names it in the settings.
"""
