"""Writing a few fields of many rows at once: an autosave's answers, a submit's 80 grades.

The statements and their engine differences live in ``learning.platform.row_writes`` (issue
22: no engine branch in domain code); the names stay importable from here.
"""

from learning.platform.row_writes import update_rows, update_together

__all__ = ["update_rows", "update_together"]
