"""A fake SMS provider on 127.0.0.1 for the http backend's tests.

It checks the request signature, remembers idempotency keys (a repeat is answered as a
duplicate, as real gateways do), answers each request with the next scripted behaviour and
produces delivery receipts for what it accepted, signed as our webhooks are (timestamp, nonce
and signature; as headers for Django's test client).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from learning.sms import signing


class FakeGateway:
    def __init__(self, *, key: str, webhook_secret: str):
        self.key = key
        self.webhook_secret = webhook_secret
        self.script: list[str] = []
        self.requests: list[dict] = []
        self.accepted: dict[str, str] = {}
        self.receipts: list[tuple[bytes, str]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _accept(self, key: str, phone: str) -> tuple[str, bool]:
        with self._lock:
            if key in self.accepted:
                return self.accepted[key], False
            message_id = f"gw-{next(self._ids)}"
            self.accepted[key] = message_id
            receipt = json.dumps(
                {"message_id": message_id, "idempotency_key": key, "status": "delivered"}
            ).encode()
            signed = signing.sign_webhook(
                receipt, self.webhook_secret, timestamp=int(time.time()), nonce=f"r-{message_id}"
            )
            headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
            self.receipts.append((receipt, headers))
            return message_id, True

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                gateway.requests.append({**body, "header_key": self.headers.get("Idempotency-Key")})
                if not signing.verify(raw, gateway.key, self.headers.get(signing.HEADER)):
                    return self._answer(401, {"code": "SIGNATURE_INVALID"})
                mode = gateway.script.pop(0) if gateway.script else "ok"
                if mode == "server_error":
                    return self._answer(503, {"message": "maintenance"})
                if mode.startswith("answer:"):  # "answer:<status>:<code>", nothing accepted
                    _, status, code = mode.split(":")
                    return self._answer(int(status), {"code": code, "message": "scripted"})
                if mode in ("RATE_LIMITED", "INVALID_PHONE"):
                    return self._answer(400 if mode == "INVALID_PHONE" else 429, {"code": mode})
                message_id, new = gateway._accept(body["idempotency_key"], body["phone"])
                if mode == "timeout":
                    time.sleep(1.0)  # accepted, but the answer comes too late
                if not new:
                    return self._answer(200, {"code": "DUPLICATE", "message_id": message_id})
                return self._answer(200, {"code": "OK", "message_id": message_id})

        return Handler
