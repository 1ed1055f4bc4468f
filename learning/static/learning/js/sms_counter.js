/* Live SMS length and segment count under a message template's textarea (no dependencies).
 * The textarea carries data-sms-signature, data-sms-suffix and data-sms-samples (JSON of
 * typical placeholder values): the count is of the full text as sent, 70 characters for one
 * message, 67 per part beyond. */
(function () {
    "use strict";
    var PLACEHOLDER = /\{([^{}]*)\}/g;

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
            var text = "含签名与退订语约 " + length + " 字，计 " + segments(length) + " 条短信";
            if (unknown.length) { text += "；未知占位符：" + unknown.join("、"); }
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
