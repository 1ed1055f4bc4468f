"""Site search over courses, lessons and lecturers (``/search/``), working for Chinese:
the word segmentation pages index with (中文分词) and the ranked query.
"""
