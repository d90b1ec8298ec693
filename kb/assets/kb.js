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
     stemmed first, so "retoerneren" meets "retourneren") with a boost of
     0: lunr reads boosts as whole numbers, so such a match adds a page to
     the results without adding to its score, and a word spelt right always
     ranks first. (A boost such as "^0.2" would be read as 0 as well, and
     Material would list the ".2" under "missing" terms.) */
  var SEARCH_QUERY = 2; // Material's worker message type for a query
  var WORD = /^[\p{L}\p{N}]+$/u;
  var TYPO_MIN = 6; // shorter words have too many neighbours one letter away

  function withStems(query) {
    return query.split(/(\s+)/).map(function (part) {
      if (!WORD.test(part)) return part;
      var variants = part + " " + part + "^1";
      return part.length >= TYPO_MIN ? variants + " " + part + "~1^0" : variants;
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

  /* 3. Material's search dialog has no name: it takes its search field's. */
  var dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
    var field = dialog.querySelector("input[aria-label]");
    if (field) dialog.setAttribute("aria-label", field.getAttribute("aria-label"));
  }

  /* 4. Contact channels say whether they are open right now, and a shopper
     who has searched for a while without opening a result is invited to
     chat, but only while the chat is open. The hours, and the arithmetic
     of time zones, come from the help-block widget (help/kb-help.js) and
     help/kb-contact.json. Without JavaScript the pages show the hours.
     Both are fetched only when a page needs them: when a contact block comes
     near the screen, when the search opens (for the invitation), or at once
     for a help block an editor put in the page. A shopper who reads an
     answer and leaves downloads neither. */
  var help = window.kbHelp;
  var me = document.currentScript;
  var WIDGET = me && me.src ? new URL("../../help/kb-help.js", me.src).href : "";
  var NEAR = "300px 0px"; // how close to the screen a contact block starts the fetch
  var CONTACT = "kb-contact";
  var INVITED = "kb-invite-dismissed"; // sessionStorage: a "no" holds for the visit

  function showStatus(data) {
    var channels = {};
    data.channels.forEach(function (ch) { channels[ch.id] = ch; });
    [].forEach.call(document.querySelectorAll("[data-kb-channel]"), function (box) {
      var ch = channels[box.getAttribute("data-kb-channel")];
      var out = box.querySelector("[data-kb-status]");
      if (!ch || !out) return;
      var st = help.status(ch, data);
      // "always": the response time is on the page already; "unknown" (a time zone
      // this browser rejects): no claim, the page keeps the hours it lists.
      if (st.state !== "open" && st.state !== "closed") return;
      out.textContent = st.state === "open" ? data.strings.open : st.text;
      out.setAttribute("data-kb-status", st.state);
      out.hidden = false;
      // A closed channel is not offered as if it were open: its links rest, as
      // disabled links (role, aria-disabled) rather than bare placeholders.
      [].forEach.call(box.querySelectorAll("a[href], a[data-kb-href]"), function (a) {
        if (st.state === "closed" && a.hasAttribute("href")) {
          a.setAttribute("data-kb-href", a.getAttribute("href"));
          a.removeAttribute("href");
          a.setAttribute("role", "link");
          a.setAttribute("aria-disabled", "true");
        } else if (st.state === "open" && a.hasAttribute("data-kb-href")) {
          a.setAttribute("href", a.getAttribute("data-kb-href"));
          a.removeAttribute("data-kb-href");
          a.removeAttribute("role");
          a.removeAttribute("aria-disabled");
        }
      });
    });
  }

  function dismissed() {
    try { return sessionStorage.getItem(INVITED) === "1"; } catch (e) { return false; }
  }

  function invite(data) {
    var toggle = document.getElementById("__search");
    var chat = data.channels.filter(function (ch) { return ch.type === "chat"; })[0];
    if (!toggle || !chat || !(data.invite_after > 0) || dismissed()) return;
    // Made now, empty, so that screen readers announce it when it fills.
    var box = document.createElement("div");
    box.className = "kb-invite md-typeset";
    box.setAttribute("role", "status");
    document.body.appendChild(box);
    var searching = 0, opened = false;

    function close(remember) {
      while (box.firstChild) box.removeChild(box.firstChild);
      if (remember) {
        opened = true;
        try { sessionStorage.setItem(INVITED, "1"); } catch (e) { /* private mode */ }
      }
    }

    function show() {
      var text = document.createElement("p");
      text.textContent = data.strings.invite;
      box.appendChild(text);
      var start = help.action(chat.action), href = help.link(chat.href, CONTACT);
      var go = document.createElement(start ? "button" : "a");
      go.className = "md-button md-button--primary";
      go.textContent = data.strings.start_chat;
      if (start) go.type = "button"; else go.href = href;
      go.addEventListener("click", function () { close(true); if (start) start(); });
      var no = document.createElement("button");
      no.type = "button";
      no.className = "md-button";
      no.textContent = data.strings.invite_close;
      no.addEventListener("click", function () { close(true); });
      if (start || href) box.appendChild(go);
      box.appendChild(no);
    }

    // Opening a result ends the wait, whether it loads a page or not.
    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest(".md-search-result a")) opened = true;
    }, true);
    setInterval(function () {
      if (!toggle.checked) {
        searching = 0;
        if (box.firstChild) close(false);
        return;
      }
      searching += 1;
      if (opened || box.firstChild || searching < data.invite_after) return;
      if (help.status(chat, data).state === "open") show();
    }, 1000);
  }

  function ready() {
    help = window.kbHelp;
    if (!help || !help.load) return;
    help.load(CONTACT, function (data) {
      if (!data || !data.channels) return;
      showStatus(data);
      setInterval(function () { showStatus(data); }, 60000);
      // With Material's instant navigation the page's content is replaced:
      // statuses and any help block an editor put in an article are redrawn.
      if (window.document$ && window.document$.subscribe) {
        window.document$.subscribe(function () {
          showStatus(data);
          [].forEach.call(document.querySelectorAll("[data-kb-help]"), help.render);
        });
      }
      invite(data);
    });
  }

  var started = false;
  function fetchWidget() {
    if (started) return;
    started = true;
    if (help) { ready(); return; }
    if (!WIDGET) return;
    var script = document.createElement("script");
    script.src = WIDGET;
    script.onload = ready;
    document.head.appendChild(script);
  }

  function watch() {
    if (started) return;
    if (document.querySelector("[data-kb-help]")) { fetchWidget(); return; }
    var boxes = document.querySelectorAll("[data-kb-channel]");
    if (!boxes.length) return;
    if (!window.IntersectionObserver) { fetchWidget(); return; }
    var near = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        near.disconnect();
        fetchWidget();
      }
    }, { rootMargin: NEAR });
    [].forEach.call(boxes, function (box) { near.observe(box); });
  }

  var searchToggle = document.getElementById("__search");
  if (searchToggle) {
    searchToggle.addEventListener("change", function () { if (searchToggle.checked) fetchWidget(); });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) fetchWidget();
  });
  // Instant navigation brings new contact blocks without a new page load.
  watch();
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(watch);
})();
