# Django's zh_Hans writes the month with a leading zero (09月5日); people write 9月5日.
MONTH_DAY_FORMAT = "n月j日"
