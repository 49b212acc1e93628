// A search box that narrows a long <select> (the time zones): <input data-filter-for="id_time_zone">.
// The select stays the field that is sent, so only a listed choice can ever be submitted.
(function () {
  "use strict";

  document.addEventListener("input", function (event) {
    const input = event.target.closest("[data-filter-for]");
    if (!input) {
      return;
    }
    const select = document.getElementById(input.dataset.filterFor);
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let firstShown = null;
    Array.from(select.options).forEach(function (option) {
      const text = (option.value + " " + option.textContent).toLowerCase().replace(/_/g, " ");
      option.hidden = !words.every(function (word) { return text.includes(word); });
      if (!option.hidden && firstShown === null) {
        firstShown = option;
      }
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = Array.from(group.children).every(function (option) { return option.hidden; });
    });
    if (firstShown && select.selectedOptions.length && select.selectedOptions[0].hidden) {
      select.value = firstShown.value;
    }
  });
})();
