"""Kept at its old path for migrations 0001 and 0004, which import it.

The module is ``learning.accounts.phone``; the validator is the same function object, so the
migration autodetector sees no change.
"""

from learning.accounts.phone import validate_phone  # noqa: F401
