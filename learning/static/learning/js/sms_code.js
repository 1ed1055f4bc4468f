/* 获取验证码 without leaving the page: POST /api/v1/auth/sms-code with the form's phone
 * number, then count the wait down on the button (60 s after a code; the server's
 * retry_after when it says to wait). Without this script the button posts the form and the
 * server answers with the page (learning.views.SmsCodeSendMixin). Texts come translated from
 * the server in data-countdown-text ("{seconds}"), data-sent-text and data-failed-text. */
(function () {
    "use strict";

    function attach(button) {
        var form = button.form;
        var phone = form.querySelector("[name=phone]");
        var status = document.getElementById(button.dataset.status);
        var codeField = document.getElementById(button.dataset.codeField);
        var label = button.textContent;
        var timer = null;

        function say(text, isError) {
            status.textContent = "";
            var line = document.createElement("span");
            if (isError) { line.className = "error"; }
            line.textContent = text;
            status.appendChild(line);
        }

        function countdown(seconds) {
            var left = Math.max(0, Math.ceil(seconds));
            clearInterval(timer);
            function tick() {
                if (left <= 0) {
                    clearInterval(timer);
                    button.disabled = false;
                    button.textContent = label;
                    return;
                }
                button.disabled = true;
                button.textContent = button.dataset.countdownText.replace("{seconds}", left);
                left -= 1;
            }
            tick();
            timer = setInterval(tick, 1000);
        }

        if (button.dataset.retryAfter) { countdown(Number(button.dataset.retryAfter)); }

        button.addEventListener("click", function (event) {
            event.preventDefault();
            button.disabled = true;
            fetch(button.dataset.url, {
                method: "POST",
                credentials: "same-origin",
                headers: { "Content-Type": "application/json", "Accept": "application/json" },
                body: JSON.stringify({ phone: phone.value, purpose: button.dataset.purpose })
            }).then(function (response) {
                return response.json().then(function (body) { return { ok: response.ok, body: body }; });
            }).then(function (result) {
                if (result.ok) {
                    say(button.dataset.sentText, false);
                    countdown(result.body.retry_after);
                    if (codeField) { codeField.focus(); }
                } else {
                    say(result.body.detail || button.dataset.failedText, true);
                    if (result.body.retry_after) {
                        countdown(result.body.retry_after);
                    } else {
                        button.disabled = false;
                        phone.focus();
                    }
                }
            }).catch(function () {
                say(button.dataset.failedText, true);
                button.disabled = false;
            });
        });
    }

    document.querySelectorAll("[data-sms-code]").forEach(attach);
}());
