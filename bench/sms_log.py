"""An SMS backend for the cluster check: the outbox backend that also appends one line per
send (``key<TAB>pid``) to the file named by ``SMS_LOG_FILE``, as a provider's log would show
every text it was asked to send. Select it with ``SMS_BACKEND=bench.sms_log.FileLogBackend``.
"""

from __future__ import annotations

import os

from learning.sms.backends import OutboxBackend, SendResult


class FileLogBackend(OutboxBackend):
    def send(self, message) -> SendResult:
        line = f"{message.key}\t{os.getpid()}\n".encode()
        # O_APPEND: lines from both workers' processes never interleave within a line.
        fd = os.open(os.environ["SMS_LOG_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return super().send(message)
