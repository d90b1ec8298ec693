/* kb: what every page of the help centre runs: the search's stub, the header's search
   on a phone, and the live status of the contact channels with the search's chat
   invitation. */
(function () {
  "use strict";

  /* 1. The search (contract: kbHelp.ask, [data-kb-search] forms). Nothing of it is
     fetched with a page: window.kbHelp.ask exists at once, and the first question,
     or the first focus or press on a search box, fetches the answer engine and the
     search UI (assets/kb/search.js, search.css) together, with the help block's
     widget (help/kb-help.js: the texts and the live status of the contact channels
     a decline offers). Scripts added with async = false are fetched in parallel and
     run in the order they were added: kb-help.js, the engine, then search.js. The
     search page (search/?q=...) asks at once. */
  var me = document.currentScript;
  var HERE = me && me.src ? me.src : "";
  var WIDGET = HERE ? new URL("../../help/kb-help.js", HERE).href : "";
  var SEARCH = ["engine/analysis.js", "engine/engine.js", "search.js"];
  var help = window.kbHelp = window.kbHelp || { data: {} };
  var styled = null; // search.css, once

  function script(url) {
    var s = document.createElement("script");
    s.async = false;
    s.src = url;
    return document.head.appendChild(s);
  }

  function search() {
    var kb = window.kbHelp;
    if (kb.loading) return kb.loading;
    if (!HERE) return Promise.reject(Error("kb.js"));
    fetchWidget();
    if (!styled) {
      styled = document.createElement("link");
      styled.rel = "stylesheet";
      styled.href = new URL("search.css", HERE).href;
      document.head.appendChild(styled);
    }
    return (kb.loading = new Promise(function (resolve, reject) {
      SEARCH.forEach(function (name) {
        var s = script(new URL(name, HERE).href);
        s.onerror = function () {
          window.kbHelp.loading = null;
          reject(Error(name));
        };
        s.onload = function () {
          if (name === "search.js") window.kbHelp.search ? resolve(window.kbHelp.search) : s.onerror();
        };
      });
    }));
  }

  if (!help.ask) {
    help.ask = function (question, options) {
      return search().then(function (api) { return api.ask(question, options); });
    };
  }

  function searching(event) {
    var t = event.target;
    if (HERE && t.matches && t.matches("[data-kb-search] input")) search().catch(function () {});
  }
  document.addEventListener("focusin", searching);
  document.addEventListener("pointerdown", searching);
  if (HERE && new URLSearchParams(location.search).get("q") &&
      [].some.call(document.querySelectorAll("form[data-kb-search=inline]"), function (form) {
        return new URL(form.action, location.href).pathname === location.pathname;
      })) {
    search().catch(function () {});
  }

  /* 2. The header's search on a phone (kb.css, the same width): only its magnifier
     shows, the form's submit button. A tap on it opens the search full screen with
     the input focused, at once, before search.js has come (the tap's own focus is
     what brings a phone's keyboard up; the focus also fetches the search). A
     stand-in of the magnifier's size keeps its room, so nothing in the header moves.
     The back button, Escape, or the focus leaving the form (Tab) close it; the
     first two give the focus back to the magnifier. Once open, the magnifier is the
     form's submit button again. */
  var PHONE = "(max-width: 600px)";
  var FULL = "kb-s-full";
  var phone = window.matchMedia ? matchMedia(PHONE) : null;

  function fullForm(node) {
    var form = node && node.closest && node.closest("form.kb-search--header");
    return form && form.classList.contains(FULL) ? form : null;
  }

  function openFull(form) {
    var input = form.querySelector("input[name=q]"), close = form.querySelector(".kb-search__close");
    var box = form.getBoundingClientRect();
    var hold = document.createElement("div");
    hold.className = "kb-s-hold";
    hold.setAttribute("aria-hidden", "true");
    hold.style.width = box.width + "px";
    hold.style.height = box.height + "px";
    form.parentNode.insertBefore(hold, form);
    form.classList.add(FULL);
    document.documentElement.classList.add("kb-s-locked");
    if (close) close.hidden = false;
    if (input) input.focus();
  }

  function closeFull(form, refocus) {
    var hold = form.previousElementSibling, close = form.querySelector(".kb-search__close");
    if (hold && hold.className === "kb-s-hold") hold.parentNode.removeChild(hold);
    form.classList.remove(FULL);
    document.documentElement.classList.remove("kb-s-locked");
    if (close) close.hidden = true;
    if (form.kbSearch && form.kbSearch.shut) form.kbSearch.shut();
    if (refocus) form.querySelector(".kb-search__button").focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("form.kb-search--header button");
    if (!button) return;
    var form = button.form;
    if (button.classList.contains("kb-search__close")) {
      if (fullForm(button)) closeFull(form, true);
    } else if (button.type === "submit" && phone && phone.matches && !fullForm(button)) {
      event.preventDefault();
      openFull(form);
    }
  });
  document.addEventListener("keydown", function (event) {
    var form = event.key === "Escape" && fullForm(event.target);
    if (!form) return;
    event.preventDefault(); // Chromium would empty the box: the question stays for next time
    closeFull(form, true);
  });
  // The focus going nowhere (a phone's keyboard put away) keeps it open.
  document.addEventListener("focusout", function (event) {
    var form = fullForm(event.target), to = event.relatedTarget;
    if (form && to && !form.contains(to)) closeFull(form, false);
  });
  // Turned to a width where the header shows the box: the header's own box again.
  if (phone && phone.addEventListener) {
    phone.addEventListener("change", function () {
      if (phone.matches) return;
      [].forEach.call(document.querySelectorAll("form.kb-search--header." + FULL), function (form) {
        closeFull(form, false);
      });
    });
  }

  /* 3. Contact channels say whether they are open right now, and a shopper
     who has searched for a while without opening a result is invited to
     chat, but only while the chat is open. The hours, and the arithmetic
     of time zones, come from the help-block widget (help/kb-help.js) and
     help/kb-contact.json. Without JavaScript the pages show the hours.
     Both are fetched only when a page needs them: when a contact block comes
     near the screen, when the search starts, or at once for a help block an
     editor put in the page. A shopper who reads an answer and leaves
     downloads neither. */
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

  // A search is open: its answers (or its "no answer") are showing (search.js).
  function searchOpen() {
    return !!document.querySelector(".kb-s:not([hidden])");
  }

  function invite(data) {
    var chat = data.channels.filter(function (ch) { return ch.type === "chat"; })[0];
    if (!chat || !(data.invite_after > 0) || dismissed()) return;
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
      if (event.target.closest && event.target.closest(".kb-s a")) opened = true;
    }, true);
    setInterval(function () {
      if (!searchOpen()) {
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
      // The header's back button is named in the site's language (template: none).
      [].forEach.call(document.querySelectorAll(".kb-search__close:not([aria-label])"), function (b) {
        if (data.strings && data.strings.close) b.setAttribute("aria-label", data.strings.close);
      });
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
    if (window.kbHelp.render) { ready(); return; }
    if (WIDGET) script(WIDGET).onload = ready;
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

  // Instant navigation brings new contact blocks without a new page load.
  watch();
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(watch);
})();
