/* Lesson page: walk drills step by step, answer knowledge checks inline, and mark the lesson
   complete when the learner reaches its end. Without this script every part still works:
   drills show all steps, checks and "mark complete" are plain forms. */
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
            next.textContent = "下一步";
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
                var text = data.correct ? "回答正确。" : "回答错误，正确答案：" + data.correct_answer.join("、") + "。";
                Object.keys(data.feedback || {}).forEach(function (key) { text += " " + key + "：" + data.feedback[key]; });
                box.textContent = text;
                if (data.explanation) {
                    var explanation = document.createElement("div");
                    explanation.innerHTML = data.explanation;
                    box.appendChild(explanation);
                }
            });
        });
    });

    var end = document.getElementById("lesson-end");
    var form = end && end.querySelector(".complete-form");
    if (form && "IntersectionObserver" in window) {
        var observer = new IntersectionObserver(function (entries) {
            if (!entries[0].isIntersecting) { return; }
            observer.disconnect();
            post(lesson.dataset.completeUrl, new FormData(form)).then(function (data) {
                if (!data.completed) { return; }
                var note = document.createElement("p");
                note.className = "done-note";
                note.textContent = "✓ 本课时已完成" + (data.points_awarded ? "，获得 " + data.points_awarded + " 积分" : "");
                form.replaceWith(note);
            });
        });
        observer.observe(end);
    }
}());
