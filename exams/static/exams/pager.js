/* 社工学堂: one question per screen, for the exam (exam.js) and its review (review.js).
   Shows one of a list of elements at a time: 上一题/下一题 buttons, a swipe left or right,
   the "n/N" progress, and an answer card moved into a bottom sheet (<dialog>) whose links jump
   to a question. The position is kept in the address (#q5), so a reload comes back to it.
   It holds no text: the page's markup has every word. */
(function () {
    "use strict";

    /* "{n}/{total}" with the values filled in (the templates come from data-* attributes). */
    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, function (match, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
        });
    }

    /* options: items (elements with ids, in order), nav (with [data-go=prev|next] and
       [data-open-card]), sheet (an empty <dialog>), card (moved into it; its links point at
       the items' ids), progress (element with data-template), swipeArea, start (index when
       the address names no item), onShow(index, item). */
    function QuestionPager(options) {
        var items = options.items;
        var nav = options.nav;
        var sheet = options.sheet;
        var card = options.card;
        var progress = options.progress;
        var prev = nav.querySelector("[data-go=prev]");
        var next = nav.querySelector("[data-go=next]");
        var index = 0;

        function indexOfId(id) {
            for (var k = 0; k < items.length; k += 1) {
                if (items[k].id === id) { return k; }
            }
            return -1;
        }

        function cardLinks() {
            return Array.prototype.slice.call(card.querySelectorAll(".card-grid a"));
        }

        function show(target, focus) {
            if (!items.length) { return; }
            index = Math.max(0, Math.min(items.length - 1, target));
            items.forEach(function (item, k) { item.classList.toggle("is-current", k === index); });
            prev.disabled = index === 0;
            next.disabled = index === items.length - 1;
            progress.textContent = fill(progress.dataset.template, {n: index + 1, total: items.length});
            var currentId = items[index].id;
            cardLinks().forEach(function (link) {
                var here = link.getAttribute("href") === "#" + currentId;
                link.classList.toggle("is-current", here);
                if (here) { link.setAttribute("aria-current", "step"); } else { link.removeAttribute("aria-current"); }
            });
            if (window.history && window.history.replaceState) {
                window.history.replaceState(null, "", window.location.pathname + window.location.search + "#" + currentId);
            }
            window.scrollTo(0, 0);
            if (focus) { items[index].focus({preventScroll: true}); }
            if (options.onShow) { options.onShow(index, items[index]); }
        }

        function openCard() {
            if (!sheet.open) { sheet.showModal(); }
            var here = card.querySelector(".card-grid a.is-current");
            if (here) { here.focus(); }
        }

        function closeCard() {
            if (sheet.open) { sheet.close(); }
        }

        sheet.appendChild(card);
        card.hidden = false;
        card.querySelectorAll("[data-close]").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", closeCard);
        });
        // A tap on the dimmed page around the sheet closes it, as in the apps.
        sheet.addEventListener("click", function (event) {
            if (event.target === sheet) { closeCard(); }
        });
        card.addEventListener("click", function (event) {
            var link = event.target.closest(".card-grid a");
            if (!link) { return; }
            event.preventDefault();
            closeCard();
            show(indexOfId(link.getAttribute("href").slice(1)), true);
        });
        prev.addEventListener("click", function () { show(index - 1, true); });
        next.addEventListener("click", function () { show(index + 1, true); });
        nav.querySelector("[data-open-card]").addEventListener("click", openCard);

        var touch = null;
        options.swipeArea.addEventListener("touchstart", function (event) {
            var ignored = event.touches.length !== 1 || event.target.closest("textarea");
            touch = ignored ? null : {x: event.touches[0].clientX, y: event.touches[0].clientY};
        }, {passive: true});
        options.swipeArea.addEventListener("touchend", function (event) {
            if (!touch) { return; }
            var dx = event.changedTouches[0].clientX - touch.x;
            var dy = event.changedTouches[0].clientY - touch.y;
            touch = null;
            if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) {
                show(index + (dx < 0 ? 1 : -1), false);
            }
        }, {passive: true});

        nav.hidden = false;
        progress.hidden = false;
        var named = indexOfId(window.location.hash.slice(1));
        show(named >= 0 ? named : (options.start || 0), false);

        return {
            show: show,
            index: function () { return index; },
            indexOfId: indexOfId,
            closeCard: closeCard
        };
    }

    QuestionPager.fill = fill;
    window.QuestionPager = QuestionPager;
}());
