/* Live SMS length and segment count under a message template's textarea (no dependencies).
 * The textarea carries data-sms-signature, data-sms-suffix and data-sms-samples (JSON of
 * typical placeholder values): the count is of the full text as sent, 70 characters for one
 * message, 67 per part beyond. The sentences shown come translated from the server in
 * data-sms-count-text ("{length}", "{segments}") and data-sms-unknown-text ("{names}"). */
(function () {
    "use strict";
    var PLACEHOLDER = /\{([^{}]*)\}/g;

    function fill(template, values) {
        return template.replace(PLACEHOLDER, function (match, name) {
            return name in values ? values[name] : match;
        });
    }

    function segments(length) {
        return length <= 70 ? 1 : Math.ceil(length / 67);
    }

    function attach(area) {
        var samples = JSON.parse(area.dataset.smsSamples || "{}");
        var output = document.createElement("p");
        output.className = "help sms-counter";
        output.setAttribute("aria-live", "polite");
        area.insertAdjacentElement("afterend", output);

        function update() {
            var unknown = [];
            var body = area.value.replace(PLACEHOLDER, function (match, name) {
                if (!(name in samples)) { unknown.push(match); return ""; }
                return samples[name];
            }).trim();
            var length = Array.from(area.dataset.smsSignature + body + area.dataset.smsSuffix).length;
            var text = fill(area.dataset.smsCountText, { length: length, segments: segments(length) });
            if (unknown.length) { text += " " + fill(area.dataset.smsUnknownText, { names: unknown.join(" ") }); }
            output.textContent = text;
            output.dataset.segments = String(segments(length));
        }

        area.addEventListener("input", update);
        update();
    }

    function init() {
        document.querySelectorAll("textarea[data-sms-counter]").forEach(attach);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
