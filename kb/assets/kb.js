/* kb: the home page's search box hands the query to Material's search.
   Without JavaScript the form still works: it reloads with ?q=, which
   Material's search also reads. */
(function () {
  "use strict";

  function handOver(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("kb-search")) return;
    var toggle = document.getElementById("__search");
    var query = document.querySelector("[data-md-component=search-query]");
    if (!toggle || !query) return;
    event.preventDefault();
    var value = form.querySelector("input[name=q]").value;
    toggle.checked = true;
    toggle.dispatchEvent(new Event("change"));
    query.value = value;
    query.focus();
    query.dispatchEvent(new Event("input", { bubbles: true }));
    query.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }

  document.addEventListener("submit", handOver);
})();
