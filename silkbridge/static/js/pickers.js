// Pickers of the record forms (no inline script: strict CSP).
// - <input data-filter="ID">: hides the choices of the list #ID whose label lacks the typed text.
// - <button data-add-name="NAME">: adds "NAME | ROLE" (ROLE from the .picker's role select, or
//   NAME alone without one) as a line of the .picker's textarea: the organisation
//   suggestions that htmx loads as you type.
// - <button data-choose="LABEL">: puts LABEL (“Name (#12)”) in the .record-picker's input and
//   clears the suggestions: the agreement and lab suggestions that htmx loads as you type.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-filter]")) return;
    var list = document.getElementById(box.dataset.filter);
    if (!list) return;
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    list.querySelectorAll(".choice").forEach(function (item) {
      var label = item.querySelector("label");
      var text = fold(label.textContent + " " + (label.dataset.group || ""));
      item.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
    });
    list.querySelectorAll("fieldset").forEach(function (group) {
      group.hidden = !group.querySelector(".choice:not([hidden])");
    });
  });
  document.addEventListener("click", function (event) {
    var choice = event.target.closest ? event.target.closest("button[data-choose]") : null;
    var picker = choice ? choice.closest(".record-picker") : null;
    if (!picker) return;
    var input = picker.querySelector("input");
    input.value = choice.dataset.choose;
    picker.querySelector(".suggestions").textContent = "";
    input.focus();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-add-name]") : null;
    if (!button) return;
    var picker = button.closest(".picker");
    var area = picker ? picker.querySelector("textarea") : null;
    if (!area) return;
    var role = picker.querySelector("select.picker-role");
    var line = button.dataset.addName + (role ? " | " + role.value : "");
    var lines = area.value.split("\n").filter(function (text) { return text.trim(); });
    if (lines.indexOf(line) === -1) lines.push(line);
    area.value = lines.join("\n");
    button.disabled = true;
    area.dispatchEvent(new Event("change"));
  });
})();
