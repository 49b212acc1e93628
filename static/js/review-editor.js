// The review editor keeps what the student types in this browser until the server has saved
// exactly that text, so a dropped network or an expired session loses nothing; it says which.
// Listeners are delegated from the document: htmx replaces the editor after a submission.
(function () {
  "use strict";
  var EDITOR = "[data-review-editor]";
  var TEXT = EDITOR + " textarea[name=text]";
  var OFFLINE = "No connection: your text is kept in this browser and saved when the connection is back.";
  var sent = null;

  function keyOf(element) {
    var form = element.closest(EDITOR);
    return form && form.getAttribute("data-storage-key");
  }

  function keep(textarea) {
    try {
      localStorage.setItem(keyOf(textarea), textarea.value);
    } catch (e) {
      /* storage full or disabled: the server copy is all there is */
    }
  }

  function note(message, isError) {
    var element = document.getElementById("save-status");
    if (!element) return;
    var span = element.querySelector(".client-note") || document.createElement("span");
    span.className = "client-note" + (isError ? " save-error" : "");
    span.textContent = message;
    element.appendChild(span);
  }

  function restore() {
    var textarea = document.querySelector(TEXT);
    if (!textarea) return;
    var kept = localStorage.getItem(keyOf(textarea));
    if (kept === null) return;
    if (kept === textarea.value) {
      localStorage.removeItem(keyOf(textarea));
      return;
    }
    // A copy left from last time means the server never confirmed it: put it back and save it.
    textarea.value = kept;
    note("Restored the text you wrote while offline or logged out; saving it now.", false);
    htmx.trigger(textarea, "restored");
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches(TEXT)) keep(event.target);
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.matches(TEXT)) sent = event.detail.elt.value;
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    var xhr = event.detail.xhr;
    if (elt.matches(TEXT)) {
      if (event.detail.successful) {
        if (sent === elt.value) localStorage.removeItem(keyOf(elt));
      } else if (xhr && xhr.status === 401) {
        keep(elt);
        note("You were logged out. Log in again (another tab is fine): your text is kept in this browser.", true);
      } else {
        keep(elt);
        note(xhr && xhr.status ? "The server could not save just now: your text is kept in this browser." : OFFLINE, true);
      }
    } else if (elt.matches(EDITOR) && xhr && xhr.status > 0 && xhr.status < 500) {
      // A submission carries the text: whatever the answer, the server now has it as the draft.
      localStorage.removeItem(elt.getAttribute("data-storage-key"));
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt.matches(TEXT)) {
      keep(event.detail.elt);
      note(OFFLINE, true);
    }
  });

  window.addEventListener("online", function () {
    var textarea = document.querySelector(TEXT);
    if (textarea && localStorage.getItem(keyOf(textarea)) !== null) htmx.trigger(textarea, "restored");
  });

  // Once htmx has wired the page (and again after each swap), so the "restored" trigger is heard.
  htmx.onLoad(restore);
})();
