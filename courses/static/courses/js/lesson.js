/* Lesson page: walk drills step by step, answer knowledge checks inline, and send the
   learner's explicit "complete this lesson" without leaving the page. Without this script
   every part still works: drills show all steps, checks and the completion button are plain
   forms. Reading or scrolling never completes a lesson by itself: only the button does.
   Visible words come translated from the page (data-next-text on .lesson) or from the
   server's JSON ("message"), so the script holds no text of its own. */
(function () {
    "use strict";
    var lesson = document.querySelector(".lesson");
    if (!lesson) { return; }
    var text = lesson.dataset;
    var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

    function post(url, body) {
        return fetch(url, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "Accept": "application/json", "X-CSRFToken": csrf }
        }).then(function (response) { return response.json(); });
    }

    document.querySelectorAll("[data-drill]").forEach(function (drill) {
        var steps = Array.prototype.slice.call(drill.querySelectorAll("[data-step]"));
        var debrief = drill.querySelector("[data-debrief]");
        var parts = debrief ? steps.concat([debrief]) : steps;
        var current = 0;
        drill.classList.add("js-drill");
        function show(index) {
            parts.forEach(function (part, i) { part.classList.toggle("is-current", i <= index); });
        }
        steps.forEach(function (step, i) {
            if (i + 1 >= parts.length) { return; }
            var next = document.createElement("button");
            next.type = "button";
            next.className = "button drill-next";
            next.textContent = text.nextText;
            next.hidden = true;
            step.appendChild(next);
            step.addEventListener("toggle", function () { next.hidden = false; }, true);
            next.addEventListener("click", function () {
                next.hidden = true;
                current = Math.max(current, i + 1);
                show(current);
                parts[i + 1].scrollIntoView({ behavior: "smooth", block: "start" });
            });
        });
        show(0);
    });

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
            });
        });
    });

    var form = document.querySelector("#lesson-end .complete-form");
    if (form) {
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            form.querySelector("button").disabled = true;
            post(form.action, new FormData(form)).then(function (data) {
                if (!data.completed) { return; }
                var note = document.createElement("p");
                note.className = "done-note";
                note.setAttribute("role", "status");
                note.textContent = "✓ " + data.message;
                form.replaceWith(note);
            });
        });
    }
}());
