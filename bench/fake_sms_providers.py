"""Fake Aliyun and Tencent Cloud SMS APIs on 127.0.0.1, for the tests and the cluster check.

Each checks what the real API checks before it does anything: the request signature computed
as the provider documents it (Aliyun ACS3-HMAC-SHA256, the "V3" signature its current SDKs
use; Tencent TC3-HMAC-SHA256), the signing time and (Aliyun) the nonce, the action and API
version, the credentials and the parameters (numbers, signature name, template code, the
template's variables). It answers with the providers' documented success and error bodies,
remembers what it accepted, and produces the providers' callback bodies (delivery receipts)
for it. ``script`` makes the next calls fail with a chosen error code.

    python bench/fake_sms_providers.py aliyun --port-file F [--log L]   (cluster check)
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

MOBILE = re.compile(r"^1[3-9]\d{9}$")

#: The demo's placeholder codes (learning.reminders.demo) are approved at both fakes.
DEMO_VARIABLES = {
    "inactivity": ["name", "days"],
    "daily_practice": ["name"],
    "paper_opening": ["name", "paper_title", "paper_time"],
    "paper_closing": ["name", "paper_title", "paper_time"],
    "session_tomorrow": ["name", "session_title", "session_time", "venue"],
    "exam_countdown": ["name", "exam_date", "days_left"],
    "weekly_rank": ["name", "points", "rank"],
    "checkin_notice": ["name", "session_title", "points"],
    "contest": ["name", "paper_title", "paper_time"],
    "login_code": ["code", "minutes"],
    "reset_code": ["code", "minutes"],
}


def demo_templates(provider: str) -> dict[str, list[str]]:
    """The demo's codes (as ``placeholder_codes`` numbers them) -> variable names."""
    templates = {}
    for number, kind in enumerate(sorted(DEMO_VARIABLES), start=1):
        code = f"SMS_4900{number:05d}" if provider == "aliyun" else f"{1900000 + number}"
        templates[code] = DEMO_VARIABLES[kind]
    return templates


class FakeProvider:
    """The shared part: a threaded HTTP server, the script, the log of accepted sends."""

    def __init__(self, *, templates: dict[str, list[str]], sign_names=("社工学堂",), log=None):
        self.templates = templates
        self.sign_names = set(sign_names)
        self.script: list[str] = []
        self.requests: list[dict] = []
        self.sent: list[dict] = []
        self.invalid_numbers: set[str] = set()
        self.undeliverable: set[str] = set()
        self.log = log
        #: When the provider thinks an accepted message was sent (tests set a fixed clock).
        self.clock = lambda: datetime.now(UTC)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.endpoint = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def next_scripted(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else ""

    def accept(self, record: dict) -> None:
        with self._lock:
            self.sent.append(record)
            if self.log:
                line = f"{record['id']}\t{record['phone']}\t{record['out_id']}\t{os.getpid()}\n"
                fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, line.encode())
                finally:
                    os.close(fd)

    def handle(self, request) -> tuple[int, dict]:
        raise NotImplementedError

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
                fake.requests.append(request)
                status, answer = fake.handle(request)
                data = json.dumps(answer, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting ("timeout" in the script)

            do_GET = _serve
            do_POST = _serve

        return Handler


# --- Aliyun Dysmsapi 2017-05-25 ------------------------------------------------------------


class FakeAliyun(FakeProvider):
    VERSION = "2017-05-25"
    ACTIONS = ("SendSms", "SendBatchSms", "QuerySendDetails")
    #: Headers ACS3 requires among the signed ones.
    REQUIRED_SIGNED = {
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    }

    def __init__(self, *, access_key_id: str, access_key_secret: str, **kwargs):
        kwargs.setdefault("templates", demo_templates("aliyun"))
        super().__init__(**kwargs)
        self.keys = {access_key_id: access_key_secret}
        self.nonces: set[str] = set()

    @staticmethod
    def _error(status: int, code: str, message: str) -> tuple[int, dict]:
        return status, {
            "Code": code,
            "Message": message,
            "RequestId": f"FAKE-{time.time_ns()}",
            "HostId": "dysmsapi.aliyuncs.com",
        }

    def _business(self, code: str, message: str) -> tuple[int, dict]:
        return 200, {"Code": code, "Message": message, "RequestId": f"FAKE-{time.time_ns()}"}

    def verify(self, request) -> tuple[int, dict] | None:
        headers = request["headers"]
        match = re.fullmatch(
            r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})",
            headers.get("authorization", ""),
        )
        if match is None:
            return self._error(400, "IncompleteSignature", "The request signature is incomplete.")
        key_id, signed, signature = match.groups()
        secret = self.keys.get(key_id)
        if secret is None:
            return self._error(
                404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
            )
        signed_names = signed.split(";")
        if not self.REQUIRED_SIGNED <= set(signed_names):
            return self._error(400, "IncompleteSignature", "Required headers are not signed.")
        if hashlib.sha256(request["body"]).hexdigest() != headers.get("x-acs-content-sha256"):
            return self._error(400, "SignatureDoesNotMatch", "The payload hash does not match.")
        try:
            stamp = datetime.strptime(headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=UTC
            )
        except ValueError:
            return self._error(400, "InvalidTimeStamp.Format", "Specified time stamp is not valid.")
        if abs((datetime.now(UTC) - stamp).total_seconds()) > 900:
            return self._error(400, "InvalidTimeStamp.Expired", "Specified time stamp is expired.")
        nonce = headers["x-acs-signature-nonce"]
        if nonce in self.nonces:
            return self._error(
                400, "SignatureNonceUsed", "Specified signature nonce was used already."
            )
        url = urlsplit(request["path"])
        query = sorted(parse_qsl(url.query, keep_blank_values=True))
        canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in query)
        canonical_headers = "".join(
            f"{name}:{headers.get(name, '').strip()}\n" for name in signed_names
        )
        canonical = "\n".join(
            [
                request["method"],
                url.path or "/",
                canonical_query,
                canonical_headers,
                signed,
                headers["x-acs-content-sha256"],
            ]
        )
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return self._error(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation.",
            )
        self.nonces.add(nonce)
        if headers.get("x-acs-version") != self.VERSION:
            return self._error(400, "InvalidVersion", "Specified parameter Version is not valid.")
        if headers.get("x-acs-action") not in self.ACTIONS:
            return self._error(404, "InvalidAction.NotFound", "Specified api is not found.")
        return None

    def handle(self, request) -> tuple[int, dict]:
        refused = self.verify(request)
        if refused is not None:
            return refused
        params = dict(parse_qsl(urlsplit(request["path"]).query, keep_blank_values=True))
        if request["body"]:
            params.update(parse_qsl(request["body"].decode(), keep_blank_values=True))
        action = request["headers"]["x-acs-action"]
        request["action"], request["params"] = action, params
        if action == "QuerySendDetails":
            return self._details(params)
        scripted = self.next_scripted()
        if scripted == "http500":
            return self._error(
                500, "InternalError", "The request processing has failed due to some unknown error."
            )
        if scripted.startswith("Throttling"):
            return self._error(400, scripted, "Request was denied due to request throttling.")
        if scripted and scripted != "timeout":
            return self._business(scripted, "scripted error")
        if action == "SendSms":
            numbers = params.get("PhoneNumbers", "").split(",")
            signs = [params.get("SignName", "")] * len(numbers)
            try:
                values = [json.loads(params.get("TemplateParam") or "{}")] * len(numbers)
            except ValueError:
                return self._business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        else:
            try:
                numbers = json.loads(params.get("PhoneNumberJson") or "[]")
                signs = json.loads(params.get("SignNameJson") or "[]")
                values = json.loads(params.get("TemplateParamJson") or "[]")
            except ValueError:
                return self._business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
            if not (len(numbers) == len(signs) == len(values)) or not numbers:
                return self._business("isv.INVALID_PARAMETERS", "参数异常")
        refused = self._check(params.get("TemplateCode", ""), numbers, signs, values)
        if refused is not None:
            return refused
        biz_id = f"{next(self._ids):09d}^0"
        for phone, sign, value in zip(numbers, signs, values, strict=True):
            self.accept(
                {
                    "id": biz_id,
                    "phone": phone,
                    "sign": sign,
                    "template": params["TemplateCode"],
                    "params": value,
                    "out_id": params.get("OutId", ""),
                    "at": self.clock(),
                }
            )
        if scripted == "timeout":
            time.sleep(1.5)  # accepted, but the answer comes too late
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": biz_id,
            "RequestId": f"FAKE-{time.time_ns()}",
        }

    def _check(self, code, numbers, signs, values) -> tuple[int, dict] | None:
        if code not in self.templates:
            return self._business("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        if any(sign not in self.sign_names for sign in signs):
            return self._business("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        for phone in numbers:
            if not MOBILE.match(phone) or phone in self.invalid_numbers:
                return self._business("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        for value in values:
            if not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values()):
                return self._business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
            if set(self.templates[code]) - set(value):
                return self._business("isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值")
        return None

    def _details(self, params) -> tuple[int, dict]:
        phone, day = params.get("PhoneNumber", ""), params.get("SendDate", "")
        rows = [
            record
            for record in self.sent
            if record["phone"] == phone
            and (not params.get("BizId") or record["id"] == params["BizId"])
            and record["at"].astimezone().strftime("%Y%m%d") == day
        ]
        details = [
            {
                "PhoneNum": record["phone"],
                "SendStatus": 2 if record["phone"] in self.undeliverable else 3,
                "ErrCode": "UNDELIV" if record["phone"] in self.undeliverable else "DELIVERED",
                "TemplateCode": record["template"],
                "Content": "",
                "SendDate": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "ReceiveDate": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "OutId": record["out_id"],
            }
            for record in rows
        ]
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "RequestId": f"FAKE-{time.time_ns()}",
            "TotalCount": len(details),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
        }

    def reports(self) -> list[dict]:
        """``SmsReport`` items for everything accepted (the HTTP batch push body)."""
        return [
            {
                "phone_number": record["phone"],
                "send_time": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "report_time": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "success": record["phone"] not in self.undeliverable,
                "err_code": "UNDELIV" if record["phone"] in self.undeliverable else "DELIVERED",
                "err_msg": "用户接收失败"
                if record["phone"] in self.undeliverable
                else "用户接收成功",
                "sms_size": "1",
                "biz_id": record["id"],
                "out_id": record["out_id"],
            }
            for record in self.sent
        ]


# --- Tencent Cloud SMS 2021-01-11 ------------------------------------------------------------


class FakeTencent(FakeProvider):
    VERSION = "2021-01-11"
    ACTIONS = ("SendSms", "PullSmsSendStatusByPhoneNumber")

    def __init__(self, *, secret_id: str, secret_key: str, app_id: str, **kwargs):
        kwargs.setdefault("templates", demo_templates("tencent"))
        super().__init__(**kwargs)
        self.keys = {secret_id: secret_key}
        self.app_id = app_id

    @staticmethod
    def _error(code: str, message: str) -> tuple[int, dict]:
        return 200, {
            "Response": {
                "Error": {"Code": code, "Message": message},
                "RequestId": f"fake-{time.time_ns()}",
            }
        }

    def verify(self, request) -> tuple[int, dict] | None:
        headers = request["headers"]
        match = re.fullmatch(
            r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, "
            r"SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})",
            headers.get("authorization", ""),
        )
        if match is None:
            return self._error(
                "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
            )
        secret_id, date, service, signed, signature = match.groups()
        secret = self.keys.get(secret_id)
        if secret is None:
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        try:
            stamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            return self._error("AuthFailure.SignatureFailure", "Invalid X-TC-Timestamp.")
        if abs(time.time() - stamp) > 300:
            return self._error("AuthFailure.SignatureExpire", "The request signature has expired.")
        if date != datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d") or service != "sms":
            return self._error("AuthFailure.SignatureFailure", "Invalid credential scope.")
        if not {"content-type", "host"} <= set(signed.split(";")):
            return self._error(
                "AuthFailure.SignatureFailure", "content-type and host must be signed."
            )
        canonical_headers = "".join(
            f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed.split(";")
        )
        canonical = "\n".join(
            [
                request["method"],
                urlsplit(request["path"]).path or "/",
                urlsplit(request["path"]).query,
                canonical_headers,
                signed,
                hashlib.sha256(request["body"]).hexdigest(),
            ]
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = (
            f"TC3-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        )

        def mac(key: bytes, msg: str) -> bytes:
            return hmac.new(key, msg.encode(), hashlib.sha256).digest()

        signing_key = mac(mac(mac(("TC3" + secret).encode(), date), "sms"), "tc3_request")
        expected = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return self._error(
                "AuthFailure.SignatureFailure", "The provided credentials could not be validated."
            )
        if headers.get("x-tc-version") != self.VERSION:
            return self._error("InvalidParameter", "The API version is not supported.")
        if headers.get("x-tc-action") not in self.ACTIONS:
            return self._error("InvalidAction", "The requested action does not exist.")
        if not headers.get("x-tc-region"):
            return self._error(
                "MissingParameter", "The request is missing a required parameter Region."
            )
        return None

    def handle(self, request) -> tuple[int, dict]:
        refused = self.verify(request)
        if refused is not None:
            return refused
        try:
            params = json.loads(request["body"] or b"{}")
        except ValueError:
            return self._error("InvalidParameter", "The request body is not valid JSON.")
        action = request["headers"]["x-tc-action"]
        request["action"], request["params"] = action, params
        if params.get("SmsSdkAppId") != self.app_id:
            return self._error(
                "UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail."
            )
        if action == "PullSmsSendStatusByPhoneNumber":
            return self._pull(params)
        scripted = self.next_scripted()
        if scripted.startswith("request:"):
            return self._error(scripted[len("request:") :], "scripted error")
        numbers = params.get("PhoneNumberSet") or []
        code = str(params.get("TemplateId", ""))
        values = params.get("TemplateParamSet") or []
        statuses = []
        for phone in numbers:
            status = self._status(phone, code, params.get("SignName", ""), values, scripted)
            statuses.append(status)
            if status["Code"] == "Ok":
                self.accept(
                    {
                        "id": status["SerialNo"],
                        "phone": phone.removeprefix("+86"),
                        "template": code,
                        "params": values,
                        "out_id": params.get("SessionContext", ""),
                        "at": self.clock(),
                    }
                )
        if scripted == "timeout":
            time.sleep(1.5)
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": f"fake-{time.time_ns()}"}}

    def _status(self, phone, code, sign, values, scripted) -> dict:
        status = {
            "SerialNo": "",
            "PhoneNumber": phone,
            "Fee": 0,
            "SessionContext": "",
            "Code": "Ok",
            "Message": "send success",
            "IsoCode": "CN",
        }
        local = phone.removeprefix("+86")
        if scripted.startswith("number:") and local == scripted.split(":")[2]:
            status.update(Code=scripted.split(":")[1], Message="scripted error")
        elif (
            not phone.startswith("+86") or not MOBILE.match(local) or local in self.invalid_numbers
        ):
            status.update(
                Code="InvalidParameterValue.IncorrectPhoneNumber", Message="incorrect number"
            )
        elif code not in self.templates:
            status.update(
                Code="FailedOperation.TemplateIncorrectOrUnapproved", Message="template unapproved"
            )
        elif sign not in self.sign_names:
            status.update(
                Code="FailedOperation.SignatureIncorrectOrUnapproved",
                Message="signature unapproved",
            )
        elif len(values) != len(self.templates[code]) or not all(
            isinstance(v, str) for v in values
        ):
            status.update(
                Code="InvalidParameterValue.TemplateParameterFormatError", Message="bad parameters"
            )
        else:
            status.update(SerialNo=f"2028:{next(self._ids):020d}", Fee=1)
        return status

    def _pull(self, params) -> tuple[int, dict]:
        phone = str(params.get("PhoneNumber", "")).removeprefix("+86")
        rows = [
            {
                "UserReceiveTime": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "CountryCode": "86",
                "SubscriberNumber": record["phone"],
                "PhoneNumber": f"+86{record['phone']}",
                "SerialNo": record["id"],
                "ReportStatus": "FAIL" if record["phone"] in self.undeliverable else "SUCCESS",
                "Description": "UNDELIV" if record["phone"] in self.undeliverable else "DELIVRD",
                "SessionContext": record["out_id"],
            }
            for record in self.sent
            if record["phone"] == phone
        ]
        return 200, {
            "Response": {"PullSmsSendStatusSet": rows, "RequestId": f"fake-{time.time_ns()}"}
        }

    def reports(self) -> list[dict]:
        """Status callback items for everything accepted."""
        return [
            {
                "user_receive_time": record["at"].astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                "nationcode": "86",
                "mobile": record["phone"],
                "report_status": "FAIL" if record["phone"] in self.undeliverable else "SUCCESS",
                "errmsg": "UNDELIV" if record["phone"] in self.undeliverable else "DELIVRD",
                "description": "用户短信未送达"
                if record["phone"] in self.undeliverable
                else "用户短信送达成功",
                "sid": record["id"],
            }
            for record in self.sent
        ]


def main() -> None:
    """Run the fake Aliyun until killed (the cluster check); writes its port to --port-file."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("provider", choices=["aliyun"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log")
    parser.add_argument("--access-key-id", default=os.environ.get("ALIYUN_ACCESS_KEY_ID", ""))
    parser.add_argument(
        "--access-key-secret", default=os.environ.get("ALIYUN_ACCESS_KEY_SECRET", "")
    )
    args = parser.parse_args()
    fake = FakeAliyun(
        access_key_id=args.access_key_id, access_key_secret=args.access_key_secret, log=args.log
    )
    with open(args.port_file, "w") as handle:
        handle.write(str(fake.port))
    print(f"fake aliyun on {fake.endpoint}", flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
