/* Lesson page: choose at drill steps, answer knowledge checks inline, and send the
   learner's explicit "complete this lesson" without leaving the page. Without this script
   every part still works: drill steps, checks and the completion button are plain forms.
   Reading or scrolling never completes a lesson by itself: only the button does, once the
   lesson's checks and drills are done. Visible words come from the server (its JSON
   "message", or its freshly rendered page), so the script holds no text of its own. */
(function () {
    "use strict";
    var lesson = document.querySelector(".lesson");
    if (!lesson) { return; }
    var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

    function post(url, body) {
        return fetch(url, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "Accept": "application/json", "X-CSRFToken": csrf }
        }).then(function (response) { return response.json(); });
    }

    // After a drill step or a check answer, the server's page is the truth: fetch it and put
    // in place the drill and the lesson's end (what is still to do, or the button).
    function refresh(selectors, focus) {
        return fetch(window.location.pathname, { credentials: "same-origin" })
            .then(function (response) { return response.text(); })
            .then(function (html) {
                var fresh = new DOMParser().parseFromString(html, "text/html");
                selectors.forEach(function (selector) {
                    var old = document.querySelector(selector);
                    var replacement = fresh.querySelector(selector);
                    if (old && replacement) { old.replaceWith(replacement); }
                });
                bind();
                var target = focus && document.getElementById(focus);
                if (target) { target.scrollIntoView({ behavior: "smooth", block: "start" }); }
            });
    }

    function bindDrill(form) {
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            var drill = form.closest("[data-drill]");
            var step = form.querySelector("[name=step]").value;
            form.querySelector("button").disabled = true;
            post(form.action, new FormData(form)).then(function (data) {
                if (data.detail) { form.querySelector("button").disabled = false; return; }
                refresh(["#" + drill.id, "#lesson-end"], drill.id + "-" + step);
            });
        });
    }

    function bind() {
        document.querySelectorAll("[data-drill-form]:not([data-bound])").forEach(function (form) {
            form.setAttribute("data-bound", "");
            bindDrill(form);
        });
        bindComplete();
    }

    document.querySelectorAll("[data-check]").forEach(function (form) {
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            var box = form.querySelector(".check-feedback");
            post(form.action, new FormData(form)).then(function (data) {
                box.hidden = false;
                box.className = "check-feedback " + (data.correct ? "is-right" : "is-wrong");
                if (data.detail) { box.textContent = data.detail; return; }
                var message = data.message;
                Object.keys(data.feedback || {}).forEach(function (key) { message += " " + key + ". " + data.feedback[key]; });
                box.textContent = message;
                if (data.explanation) {
                    var explanation = document.createElement("div");
                    explanation.innerHTML = data.explanation;
                    box.appendChild(explanation);
                }
                refresh(["#lesson-end"]);
            });
        });
    });

    function bindComplete() {
        var form = document.querySelector("#lesson-end .complete-form:not([data-bound])");
        if (!form) { return; }
        form.setAttribute("data-bound", "");
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            form.querySelector("button").disabled = true;
            post(form.action, new FormData(form)).then(function (data) {
                if (!data.completed) { refresh(["#lesson-end"]); return; }
                var note = document.createElement("p");
                note.className = "done-note";
                note.setAttribute("role", "status");
                note.textContent = "✓ " + data.message;
                form.replaceWith(note);
            });
        });
    }

    bind();
}());
