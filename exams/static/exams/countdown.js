// Contest cards (模考大赛): count down to the opening minute; at zero reload, so the page
// shows the contest open (the server decides, this only keeps the numbers moving).
(function () {
  "use strict";
  var started = Date.now();
  var clocks = Array.prototype.slice.call(document.querySelectorAll("[data-countdown]"));
  if (!clocks.length) return;
  function tick() {
    var elapsed = Math.floor((Date.now() - started) / 1000);
    clocks.forEach(function (clock) {
      var left = Math.max(0, parseInt(clock.getAttribute("data-countdown"), 10) - elapsed);
      var parts = {
        d: Math.floor(left / 86400),
        h: Math.floor(left / 3600) % 24,
        m: Math.floor(left / 60) % 60,
        s: left % 60,
      };
      Object.keys(parts).forEach(function (key) {
        var part = clock.querySelector('[data-part="' + key + '"]');
        if (part) part.textContent = String(parts[key]);
      });
      if (left === 0 && !clock.hasAttribute("data-done")) {
        clock.setAttribute("data-done", "");
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
