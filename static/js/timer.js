// The presentation timer: a running clock counts up from the start the server recorded, corrected
// for the difference between this device's clock and the server's, and turns red past its limit.
// htmx swaps #clocks after each start or stop; the new element brings the new times.
(function () {
  "use strict";

  function format(seconds) {
    const whole = Math.max(0, Math.floor(seconds));
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function tick() {
    const root = document.getElementById("clocks");
    if (!root) {
      return;
    }
    if (root.offsetMs === undefined) {
      root.offsetMs = Number(root.dataset.serverNow) * 1000 - Date.now();
    }
    const now = (Date.now() + root.offsetMs) / 1000;
    root.querySelectorAll("[data-clock]").forEach(function (clock) {
      const started = Number(clock.dataset.started);
      const ended = Number(clock.dataset.ended);
      const limit = Number(clock.dataset.limit);
      if (!started || ended) {
        return;
      }
      const elapsed = now - started;
      clock.textContent = format(elapsed);
      clock.classList.toggle("overtime", elapsed > limit);
      const status = clock.parentElement.querySelector("[data-clock-status]");
      if (status) {
        status.textContent = elapsed > limit ? "over by " + format(elapsed - limit) : format(limit - elapsed) + " left";
      }
    });
  }

  setInterval(tick, 250);
  document.addEventListener("DOMContentLoaded", tick);
})();
