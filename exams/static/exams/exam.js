/* 社工学堂 mock exam in exam mode (考试模式), on top of a page that works as a plain form:
   - one question per screen (pager.js), the countdown and 交卷 pinned at the top, the answer
     card (已答/未答/标记) in a bottom sheet;
   - answers and marks autosave through PUT /api/v1/attempts/{id}/answers; until the server
     has them they wait in localStorage, so a reload or a minute offline loses nothing: they are
     put back on the page and sent when the connection returns (a visible 离线 indicator);
   - 交卷 asks first, listing unanswered and marked questions by number;
   - at time-up a notice shows and the paper is handed in with what is on the page.
   The countdown runs on the server's deadline (corrected for this device's clock); the
   server refuses answers after it anyway. Every word comes from the page's data-* attributes. */
(function () {
    "use strict";
    var form = document.getElementById("exam");
    if (!form || !window.QuestionPager) { return; }
    var fill = window.QuestionPager.fill;

    var storeKey = "exam-attempt-" + form.dataset.attempt;
    var deadline = Date.parse(form.dataset.deadline);
    var offset = Date.parse(form.dataset.serverNow) - Date.now();
    var countdown = document.getElementById("countdown");
    var status = document.getElementById("save-status");
    var net = document.getElementById("net-status");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
    var confirmDialog = document.getElementById("confirm-dialog");
    var timeupDialog = document.getElementById("timeup-dialog");
    var sending = false;
    var saveTimer = null;
    var retryTimer = null;
    var submitting = false;

    document.body.classList.add("exam-mode");

    function two(n) { return (n < 10 ? "0" : "") + n; }

    function serverNow() { return Date.now() + offset; }

    // ---- what waits for the server, kept in localStorage ------------------------------------

    function load() {
        try {
            var kept = JSON.parse(window.localStorage.getItem(storeKey));
            if (kept && typeof kept === "object") {
                return {answers: kept.answers || {}, flagged: kept.flagged || {}, position: kept.position};
            }
        } catch (ignored) { /* no storage (private mode) or a damaged entry: start empty */ }
        return {answers: {}, flagged: {}, position: null};
    }

    var queue = load();

    function keep() {
        try { window.localStorage.setItem(storeKey, JSON.stringify(queue)); } catch (ignored) { /* full or disabled */ }
    }

    function waiting() {
        return Object.keys(queue.answers).length + Object.keys(queue.flagged).length;
    }

    // ---- answers on the page ----------------------------------------------------------------

    function inputsOf(fieldset) {
        return Array.prototype.slice.call(fieldset.querySelectorAll("input[name^='q-']"));
    }

    function answerOf(fieldset) {
        var type = fieldset.dataset.type;
        if (type === "case_essay") { return fieldset.querySelector("textarea").value; }
        if (type === "case_analysis") {
            var parts = {};
            inputsOf(fieldset).forEach(function (input) {
                var sub = input.name.split("-")[2];
                parts[sub] = parts[sub] || [];
                if (input.checked) { parts[sub].push(input.value); }
            });
            return parts;
        }
        return inputsOf(fieldset).filter(function (input) { return input.checked; })
            .map(function (input) { return input.value; });
    }

    function putAnswer(fieldset, answer) {
        var type = fieldset.dataset.type;
        if (type === "case_essay") {
            fieldset.querySelector("textarea").value = typeof answer === "string" ? answer : "";
            return;
        }
        inputsOf(fieldset).forEach(function (input) {
            var chosen = type === "case_analysis" ? (answer || {})[input.name.split("-")[2]] : answer;
            input.checked = Array.isArray(chosen) && chosen.indexOf(input.value) >= 0;
        });
    }

    function isAnswered(fieldset) {
        var answer = answerOf(fieldset);
        if (typeof answer === "string") { return answer.trim() !== ""; }
        if (Array.isArray(answer)) { return answer.length > 0; }
        return Object.keys(answer).some(function (k) { return answer[k].length > 0; });
    }

    function isFlagged(fieldset) {
        return fieldset.querySelector(".flag input").checked;
    }

    function fieldsetOf(id) {
        return form.querySelector("fieldset.question[data-question='" + id + "']");
    }

    // Not yet on the server at the last visit: put back on the page (newer than the server's).
    Object.keys(queue.answers).forEach(function (id) {
        var fieldset = fieldsetOf(id);
        if (fieldset) { putAnswer(fieldset, queue.answers[id]); } else { delete queue.answers[id]; }
    });
    Object.keys(queue.flagged).forEach(function (id) {
        var fieldset = fieldsetOf(id);
        if (fieldset) { fieldset.querySelector(".flag input").checked = queue.flagged[id] === true; } else { delete queue.flagged[id]; }
    });

    // ---- the answer card --------------------------------------------------------------------

    var card = document.getElementById("answer-card");

    function refreshCard() {
        var counts = {answered: 0, unanswered: 0, flagged: 0};
        questions.forEach(function (fieldset) {
            var answered = isAnswered(fieldset);
            var flagged = isFlagged(fieldset);
            counts[answered ? "answered" : "unanswered"] += 1;
            if (flagged) { counts.flagged += 1; }
            var link = card.querySelector("[data-nav='" + fieldset.dataset.question + "']");
            link.classList.toggle("is-answered", answered);
            link.classList.toggle("is-flagged", flagged);
            var states = [form.dataset[answered ? "stateAnswered" : "stateUnanswered"]];
            if (flagged) { states.push(form.dataset.stateFlagged); }
            link.setAttribute("aria-label", fill(form.dataset.navLabel, {n: fieldset.dataset.position, state: states.join(" ")}));
        });
        Object.keys(counts).forEach(function (name) {
            card.querySelector("[data-count=" + name + "]").textContent = counts[name];
        });
    }

    var pager = window.QuestionPager({
        items: questions,
        nav: document.getElementById("exam-pager"),
        sheet: document.getElementById("card-sheet"),
        card: card,
        progress: document.getElementById("exam-progress"),
        swipeArea: document.getElementById("exam-questions"),
        start: typeof queue.position === "number" ? queue.position : 0,
        onShow: function (index) { queue.position = index; keep(); }
    });
    refreshCard();

    // ---- sending, and the offline indicator -------------------------------------------------

    function setOffline(offline) {
        net.hidden = !offline;
        document.body.classList.toggle("is-offline", offline);
    }

    function showWaiting() {
        status.classList.remove("failed");
        status.textContent = fill(status.dataset.queued, {n: waiting()});
    }

    /* Forget what the server now has, unless it changed again while on its way. */
    function forget(sent) {
        ["answers", "flagged"].forEach(function (part) {
            Object.keys(sent[part]).forEach(function (id) {
                if (JSON.stringify(queue[part][id]) === JSON.stringify(sent[part][id])) { delete queue[part][id]; }
            });
        });
        keep();
    }

    function retryLater() {
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(function () { retryTimer = null; send(); }, 5000);
    }

    function send(leaving) {
        window.clearTimeout(saveTimer);
        if (sending || !waiting()) { return; }
        if (navigator.onLine === false) { setOffline(true); showWaiting(); return; }
        var sent = {answers: queue.answers, flagged: queue.flagged};
        sent = JSON.parse(JSON.stringify(sent));
        sending = true;
        status.textContent = status.dataset.saving;
        fetch(form.dataset.saveUrl, {
            method: "PUT",
            credentials: "same-origin",
            keepalive: leaving === true,
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: JSON.stringify(sent)
        }).then(function (response) {
            setOffline(false);
            if (response.ok) {
                forget(sent);
                var now = new Date();
                status.classList.remove("failed");
                status.textContent = status.dataset.saved + " " + two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
                return;
            }
            if (response.status === 409) {  // time is up on the server: it grades what it has
                forget(sent);
                status.textContent = status.dataset.closed;
                window.location.reload();
                return;
            }
            return response.json().catch(function () { return {}; }).then(function (body) {
                if (response.status === 422) { forget(sent); }  // refused for good: no retry
                status.classList.add("failed");
                status.textContent = body.detail ? fill(status.dataset.failedBecause, {detail: body.detail}) : status.dataset.failed;
                if (response.status !== 422) { retryLater(); }
            });
        }).catch(function () {
            // No answer at all: the connection is gone. Kept in localStorage; sent when back.
            setOffline(true);
            showWaiting();
            retryLater();
        }).then(function () {
            sending = false;
            if (waiting() && !retryTimer && navigator.onLine !== false) { schedule(600); }
        });
    }

    function schedule(delay) {
        window.clearTimeout(saveTimer);
        saveTimer = window.setTimeout(send, delay);
    }

    function changed(fieldset, flagOnly) {
        var id = fieldset.dataset.question;
        if (flagOnly) { queue.flagged[id] = isFlagged(fieldset); } else { queue.answers[id] = answerOf(fieldset); }
        keep();
        refreshCard();
        if (navigator.onLine === false) { showWaiting(); }
    }

    form.addEventListener("change", function (event) {
        var fieldset = event.target.closest("fieldset.question");
        if (!fieldset) { return; }
        changed(fieldset, Boolean(event.target.closest(".flag")));
        schedule(600);
    });
    form.addEventListener("input", function (event) {
        if (event.target.tagName !== "TEXTAREA") { return; }
        changed(event.target.closest("fieldset.question"), false);
        schedule(1500);
    });

    window.addEventListener("offline", function () { setOffline(true); if (waiting()) { showWaiting(); } });
    window.addEventListener("online", function () {
        setOffline(false);
        window.clearTimeout(retryTimer);
        retryTimer = null;
        send();
    });
    // Leaving or reloading: send what is waiting (and it stays in localStorage until answered).
    window.addEventListener("pagehide", function () { if (!submitting) { send(true); } });
    if (navigator.onLine === false) { setOffline(true); }

    // ---- handing in -------------------------------------------------------------------------

    function numbers(test) {
        return questions.filter(test).map(function (fieldset) { return fieldset.dataset.position; });
    }

    function fillList(name, found) {
        var box = confirmDialog.querySelector("[data-list=" + name + "]");
        var list = box.querySelector("ol");
        box.hidden = found.length === 0;
        box.querySelector("h3").textContent = fill(confirmDialog.dataset[name], {n: found.length});
        list.textContent = "";
        found.forEach(function (position) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "chip";
            button.dataset.jump = position;
            button.textContent = position;
            item.appendChild(button);
            list.appendChild(item);
        });
        return found.length;
    }

    function openConfirm(event) {
        event.preventDefault();
        pager.closeCard();
        var listed = fillList("unanswered", numbers(function (f) { return !isAnswered(f); }));
        listed += fillList("flagged", numbers(isFlagged));
        confirmDialog.querySelector("[data-all-done]").hidden = listed > 0;
        var offline = navigator.onLine === false;
        confirmDialog.querySelector("[data-offline]").hidden = !offline;
        document.getElementById("confirm-submit").disabled = offline;
        confirmDialog.showModal();
    }

    document.getElementById("submit-open").hidden = false;
    document.getElementById("submit-open").addEventListener("click", openConfirm);
    document.getElementById("submit-button").addEventListener("click", openConfirm);
    confirmDialog.addEventListener("click", function (event) {
        var jump = event.target.closest("[data-jump]");
        if (jump) {
            confirmDialog.close();
            pager.show(pager.indexOfId("q" + jump.dataset.jump), true);
        } else if (event.target.closest("[data-close]") || event.target === confirmDialog) {
            confirmDialog.close();
        }
    });
    document.getElementById("confirm-submit").addEventListener("click", function () { submitting = true; });
    // Enter in a field submits a form by its first button (保存答案): in exam mode, autosave.
    form.addEventListener("submit", function (event) {
        if (!submitting) { event.preventDefault(); send(); }
    });

    function handIn() {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "submit";
        hidden.value = "1";
        form.appendChild(hidden);
        // Not form.submit(): the form's buttons named "submit" hide that method.
        HTMLFormElement.prototype.submit.call(form);
    }

    function timeUp() {
        submitting = true;
        pager.closeCard();
        if (confirmDialog.open) { confirmDialog.close(); }
        timeupDialog.showModal();
        if (navigator.onLine === false) {
            timeupDialog.querySelector("[data-offline]").hidden = false;
            window.addEventListener("online", handIn, {once: true});
            return;
        }
        window.setTimeout(handIn, 1500);  // long enough to read the notice
    }
    timeupDialog.addEventListener("cancel", function (event) { event.preventDefault(); });

    function tick() {
        var left = Math.max(0, Math.floor((deadline - serverNow()) / 1000));
        countdown.textContent = two(Math.floor(left / 3600)) + ":" + two(Math.floor(left / 60) % 60) + ":" + two(left % 60);
        countdown.classList.toggle("urgent", left < 300);
        // A second past the deadline, so the server (the judge) sees it past too.
        if (serverNow() >= deadline + 1000) {
            if (!submitting) { timeUp(); }
            return;
        }
        window.setTimeout(tick, 1000 - (serverNow() % 1000) + 5);
    }

    if (waiting()) { send(); }
    tick();
}());
