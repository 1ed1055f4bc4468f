"""Date formats that differ from Django's for our languages (FORMAT_MODULE_PATH): templates
name formats (``date:"MONTH_DAY_FORMAT"``) instead of writing Chinese ones, so English
readers get English dates."""
