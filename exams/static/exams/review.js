/* 社工学堂 result page: the review (答题解析) one question per screen (pager.js), entered from
   逐题解析 or 只看错题 and left with 返回成绩; the address (#review, #r5) keeps it across a
   reload. Without this script the review is one long page under the result. The server
   renders only what the paper's review policy allows, and the 只看错题 filter (?wrong=1). */
(function () {
    "use strict";
    var result = document.getElementById("result");
    if (!result) { return; }
    // Handed in: nothing of this attempt waits in this browser to be sent any more.
    try { window.localStorage.removeItem("exam-attempt-" + result.dataset.attempt); } catch (ignored) { /* no storage */ }

    var review = document.getElementById("review");
    if (!review || !window.QuestionPager) { return; }
    var items = Array.prototype.slice.call(review.querySelectorAll(".review-item"));
    var back = review.querySelector("[data-leave-review]");
    var pager = null;
    // The review waits behind 逐题解析: the result is the first screen.
    document.body.classList.add("review-paged");

    function enter() {
        document.body.classList.add("reviewing");
        back.hidden = false;
        if (pager) {
            pager.show(pager.index(), false);
        } else if (items.length) {
            pager = window.QuestionPager({
                items: items,
                nav: document.getElementById("review-pager"),
                sheet: document.getElementById("review-sheet"),
                card: document.getElementById("review-card"),
                progress: document.getElementById("review-progress"),
                swipeArea: review
            });
        } else {
            window.scrollTo(0, 0);
        }
        review.focus({preventScroll: true});
    }

    function leave() {
        document.body.classList.remove("reviewing");
        back.hidden = true;
        if (pager) { pager.closeCard(); }
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
        window.scrollTo(0, 0);
    }

    document.querySelectorAll("[data-enter-review]").forEach(function (link) {
        link.addEventListener("click", function (event) {
            // The same filter as this page: no need to load it again.
            if (new URL(link.href).search === window.location.search) {
                event.preventDefault();
                enter();
            }
        });
    });
    back.addEventListener("click", function (event) {
        event.preventDefault();
        leave();
    });

    var hash = window.location.hash.slice(1);
    if (hash === "review" || items.some(function (item) { return item.id === hash; })) { enter(); }
}());
