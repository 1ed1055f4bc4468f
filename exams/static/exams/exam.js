/* 社工学堂 mock exam page: countdown from the server's deadline, autosave through the API,
   question navigator, review flags and a submit confirmation. No dependencies, no build step.
   Without this script the page still works as a plain form (save and submit by POST). */
(function () {
    "use strict";
    var form = document.getElementById("exam");
    if (!form) { return; }

    var deadline = Date.parse(form.dataset.deadline);
    // The server's clock decides; correct the countdown for this device's clock offset.
    var offset = Date.parse(form.dataset.serverNow) - Date.now();
    var countdown = document.getElementById("countdown");
    var status = document.getElementById("save-status");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var dirty = {};
    var flags = {};
    var timer = null;
    var submitting = false;

    function two(n) { return (n < 10 ? "0" : "") + n; }

    function tick() {
        var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
        countdown.textContent = two(Math.floor(left / 3600)) + ":" + two(Math.floor(left / 60) % 60) + ":" + two(left % 60);
        countdown.classList.toggle("urgent", left < 300);
        if (left === 0 && !submitting) {
            submitting = true;
            var hidden = document.createElement("input");
            hidden.type = "hidden"; hidden.name = "submit"; hidden.value = "1";
            form.appendChild(hidden);
            form.submit();
            return;
        }
        window.setTimeout(tick, 1000);
    }

    function answerOf(fieldset) {
        var id = fieldset.dataset.question;
        var type = fieldset.dataset.type;
        if (type === "case_essay") {
            return form.querySelector("[name='q-" + id + "']").value;
        }
        if (type === "case_analysis") {
            var parts = {};
            fieldset.querySelectorAll("input[name^='q-" + id + "-']").forEach(function (input) {
                var sub = input.name.split("-")[2];
                parts[sub] = parts[sub] || [];
                if (input.checked) { parts[sub].push(input.value); }
            });
            return parts;
        }
        return Array.prototype.map.call(
            fieldset.querySelectorAll("input[name='q-" + id + "']:checked"),
            function (input) { return input.value; }
        );
    }

    function isAnswered(fieldset) {
        var answer = answerOf(fieldset);
        if (typeof answer === "string") { return answer.trim() !== ""; }
        if (Array.isArray(answer)) { return answer.length > 0; }
        return Object.keys(answer).some(function (k) { return answer[k].length > 0; });
    }

    function refreshNav(fieldset) {
        var link = document.querySelector("[data-nav='" + fieldset.dataset.question + "']");
        if (!link) { return; }
        link.classList.toggle("answered", isAnswered(fieldset));
        link.classList.toggle("flagged", fieldset.querySelector(".flag input").checked);
    }

    function save(leaving) {
        var answers = dirty, flagged = flags;
        dirty = {}; flags = {};
        if (!Object.keys(answers).length && !Object.keys(flagged).length) { return; }
        status.textContent = status.dataset.saving;
        fetch(form.dataset.saveUrl, {
            method: "PUT",
            credentials: "same-origin",
            keepalive: leaving === true,
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: JSON.stringify({answers: answers, flagged: flagged})
        }).then(function (response) {
            if (response.ok) {
                var now = new Date();
                status.textContent = status.dataset.saved + " " + two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
                status.classList.remove("failed");
            } else if (response.status === 409) {
                status.textContent = status.dataset.closed;
                window.location.reload();
            } else {
                return response.json().then(function (body) { throw new Error(body.detail); });
            }
        }).catch(function (error) {
            Object.keys(answers).forEach(function (k) { if (!(k in dirty)) { dirty[k] = answers[k]; } });
            Object.keys(flagged).forEach(function (k) { if (!(k in flags)) { flags[k] = flagged[k]; } });
            status.textContent = status.dataset.failed + (error.message ? " (" + error.message + ")" : "");
            status.classList.add("failed");
        });
    }

    form.addEventListener("change", function (event) {
        var fieldset = event.target.closest("fieldset.question");
        if (!fieldset) { return; }
        if (event.target.closest(".flag")) {
            flags[fieldset.dataset.question] = event.target.checked;
        } else {
            dirty[fieldset.dataset.question] = answerOf(fieldset);
        }
        refreshNav(fieldset);
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 600);
    });
    form.addEventListener("input", function (event) {
        if (event.target.tagName !== "TEXTAREA") { return; }
        var fieldset = event.target.closest("fieldset.question");
        dirty[fieldset.dataset.question] = answerOf(fieldset);
        refreshNav(fieldset);
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 1500);
    });

    // Leaving or reloading the page: send what is still waiting for the autosave timer.
    window.addEventListener("pagehide", function () {
        if (!submitting) { window.clearTimeout(timer); save(true); }
    });

    document.getElementById("submit-button").addEventListener("click", function (event) {
        var button = event.currentTarget;
        var missing = [];
        form.querySelectorAll("fieldset.question").forEach(function (fieldset, index) {
            if (!isAnswered(fieldset)) { missing.push(index + 1); }
        });
        var text = button.dataset.confirm;
        if (missing.length) { text = button.dataset.unanswered + missing.join(button.dataset.separator) + "\n" + text; }
        if (!window.confirm(text)) { event.preventDefault(); return; }
        submitting = true;
    });

    tick();
}());
