/* kb: small enhancements of Material's search for a help centre. */
(function () {
  "use strict";

  /* 1. Stemmed queries.
     Material appends "*" to every query term for search-as-you-type, and lunr
     never stems a wildcard term, while the index is stemmed: with the
     stemmer on, "retourneren" would find nothing (the index holds
     "retourner") and "pakketten" would not find "pakket". Each plain word is
     therefore sent twice: as typed (prefix match) and with a boost of 1,
     which Material leaves without "*", so lunr stems it like the index.
     Longer words are sent a third time allowing one typing mistake ("~1",
     stemmed first, so "retoerneren" meets "retourneren"), with a low boost
     so that exact words still rank first. */
  var SEARCH_QUERY = 2; // Material's worker message type for a query
  var WORD = /^[\p{L}\p{N}]+$/u;
  var TYPO_MIN = 6; // shorter words have too many neighbours one letter away

  function withStems(query) {
    return query.split(/(\s+)/).map(function (part) {
      if (!WORD.test(part)) return part;
      var variants = part + " " + part + "^1";
      return part.length >= TYPO_MIN ? variants + " " + part + "~1^0.2" : variants;
    }).join("");
  }

  if (typeof Worker !== "undefined" && !Worker.prototype.__kbStemmed) {
    var post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message) {
      if (message && message.type === SEARCH_QUERY && typeof message.data === "string" &&
          message.data.indexOf('"') === -1) {
        var args = Array.prototype.slice.call(arguments);
        args[0] = { type: message.type, data: withStems(message.data) };
        return post.apply(this, args);
      }
      return post.apply(this, arguments);
    };
    Worker.prototype.__kbStemmed = true;
  }

  /* 2. The home page's search box hands its query to Material's search.
     Without JavaScript the form still works: it reloads with ?q=, which
     Material's search also reads. */
  function handOver(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("kb-search")) return;
    var toggle = document.getElementById("__search");
    var query = document.querySelector("[data-md-component=search-query]");
    if (!toggle || !query) return;
    event.preventDefault();
    toggle.checked = true;
    toggle.dispatchEvent(new Event("change"));
    query.value = form.querySelector("input[name=q]").value;
    query.focus();
    query.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }

  document.addEventListener("submit", handOver);
})();
