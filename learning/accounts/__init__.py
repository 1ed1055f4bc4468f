"""People and where they belong: users, organisations (县市 > 街镇 > 社区), roster
import (花名册导入), log-in (password, text-message codes, API tokens, throttling),
roles and the organisers' admin scope.

The models live in ``learning.models`` (users, profiles, organisations, tokens,
sms_codes, login_failures): one models package keeps the app label and migrations.
"""
