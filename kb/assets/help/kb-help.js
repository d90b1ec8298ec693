/* kb help block: the embed a shop adds to its own pages.

     <div data-kb-help="cart"></div>
     <script src="https://help.example.nl/help/kb-help.js" defer></script>

   Each [data-kb-help] element gets, in a shadow root (so the shop's styles and
   ours leave each other alone), its context's top questions as a disclosure
   list, a search box that answers in the block, and the contact channels
   with whether they are open right now: computed here, from the configured
   hours in the channel's time zone and the shopper's own clock.

   The search is the help centre's (assets/kb/search.js, after the answer
   engine's two scripts), loaded on the first focus of a block's search box or
   the first kbHelp.ask call: window.kbHelp.ask(question, {limit}) is the public
   API on any page that loads this file. Until then the box is a form that
   leads to the help centre's search page, as it is without JavaScript.

   Rules this file keeps: DOM from text only (no innerHTML), no eval, no
   inline handlers or <style> (a strict CSP allows it), no request except the
   help centre's help/<context>.json (or .js) and, once asked, its search,
   no dependencies, one global name (kbHelp) until a search. It never breaks the shop's page: a block whose name, data or
   host is odd keeps the shop's own content, quietly, and the others draw.
   The build puts help/kb-help.css in at the marker below. */
(function () {
  "use strict";
  var early = window.kbHelp; // or a data script's stand-in, when one ran first
  if (early && early.render) return; // the tag is on the page twice

  var CSS = /*KB_CSS*/"";
  var DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  var LOOKAHEAD = 14; // days to look ahead for a closed channel's next opening
  var SAFE = /^(https?|mailto|tel):$/;
  var NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
  // A context is a file name in help/, spelt as the taxonomy's ids are: no
  // "/", "..", "%" or "__proto__" ever reaches a URL or a lookup.
  var CTX = /^[a-z0-9][a-z0-9-]{0,199}$/;

  // The help centre's help/ folder, from this script's own address (captured now:
  // currentScript is gone once the script has run).
  var me = document.currentScript ||
    [].slice.call(document.querySelectorAll("script[src*='kb-help.js']")).pop();
  var help = new URL(me ? me.src.replace(/kb-help\.js[^/]*$/, "") : "help/", location.href).href;
  var root = new URL("../", help).href;
  // The scripts of the search, in the order they run.
  var SEARCH = ["engine/analysis", "engine/engine", "search"];
  // The help centre's own scripts, below its root: data files, the answer index's
  // files (contract 1 of issue 16), the search's scripts.
  var OWN = /^(help\/[a-z0-9][a-z0-9-]{0,199}|search(\/[a-z0-9_-]+)+|assets\/kb\/(search|engine\/(analysis|engine)))\.js$/;

  // No prototypes: a name such as "constructor" finds nothing in them.
  var store = Object.create(null); // context -> its data; help/<context>.js writes here
  var pending = Object.create(null); // context -> callbacks waiting for its data
  var before = early && early.data;
  Object.keys(Object(before)).forEach(function (ctx) { store[ctx] = before[ctx]; });
  var policy; // Trusted Types: kb's own policy once asked for, null if refused
  var updates = []; // each drawn block's status refresh
  var sheet = null;
  var uid = 0;

  function dataUrl(ctx, ext) {
    return help + ctx + ext;
  }

  // One block's trouble with its data stays that block's.
  function call(done, data) {
    try { done(data); } catch (e) { /* the shop's fallback stays */ }
  }

  /* Each context's data is asked for once, however many blocks show it. The
     JSON needs a CORS header when the shop lives on another host; when it
     cannot be had, the same data comes as a script, which needs none. */
  function get(ctx, asScript, done) {
    if (!CTX.test(ctx)) return call(done, null);
    if (ctx in store) return call(done, store[ctx]);
    if (pending[ctx]) return pending[ctx].push(done);
    pending[ctx] = [done];
    if (asScript || !window.fetch) return viaScript(ctx);
    fetch(dataUrl(ctx, ".json"), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (data) {
        if (data && data.kb) {
          store[ctx] = data;
          loaded(ctx);
        } else {
          viaScript(ctx);
        }
      });
  }

  /* A page enforcing Trusted Types refuses a script address given as a string.
     kb's own policy vouches for the help centre's own scripts and nothing else:
     its data files, the search's scripts and the answer index's files. On a page
     whose CSP refuses that policy, src throws (createScriptURL on null): only
     the JSON, with CORS, can reach it, and the search stays the form it is. */
  function src(url) {
    var tt = window.trustedTypes;
    if (tt && policy === undefined) {
      policy = null;
      policy = tt.createPolicy("kb-help", { createScriptURL: function (u) {
        if (!u.indexOf(root) && OWN.test(u.slice(root.length))) return u;
        throw TypeError(u);
      } });
    }
    return tt ? policy.createScriptURL(url) : url;
  }

  function viaScript(ctx) {
    var s = document.createElement("script");
    try {
      s.src = src(dataUrl(ctx, ".js"));
    } catch (e) {
      return loaded(ctx);
    }
    s.onload = s.onerror = function () { loaded(ctx); };
    document.head.appendChild(s);
  }

  /* The search (assets/kb/search.js and the engine), once: fetched together, run in
     order. Its promise lives on kbHelp, which kb.js's own loader shares on the help
     centre's pages. A page that refuses kb's scripts (src throws) gets a refusal; one
     whose search.js defined nothing, undefined (then ask throws). */
  function search() {
    var kb = window.kbHelp;
    return kb.loading || (kb.loading = new Promise(function (resolve, reject) {
      SEARCH.forEach(function (name) {
        var s = document.createElement("script");
        s.async = false;
        s.src = src(root + "assets/kb/" + name + ".js");
        if (name === "search") s.onload = function () { resolve(window.kbHelp.search); };
        s.onerror = function () {
          window.kbHelp.loading = null;
          reject(Error(name));
        };
        document.head.appendChild(s);
      });
    }));
  }

  // Called by help/<context>.js once it has stored its data, and after a fetch.
  function loaded(ctx) {
    var waiting = pending[ctx] || [];
    delete pending[ctx];
    var data = ctx in store ? store[ctx] : null;
    waiting.forEach(function (done) { call(done, data); });
  }

  // A link from the data, resolved against the data file; anything but
  // http(s), mailto and tel (javascript:, data:) is dropped.
  function link(u, from) {
    if (!u) return null;
    try {
      var url = new URL(u, from);
      return SAFE.test(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var key in attrs) if (attrs[key] != null) node.setAttribute(key, attrs[key]);
    [].concat(kids == null ? [] : kids).forEach(function (kid) {
      if (kid != null) node.appendChild(typeof kid === "object" ? kid : document.createTextNode(kid));
    });
    return node;
  }

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, key) {
      return typeof values[key] === "string" ? values[key] : all;
    });
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* --- Time: the channel's hours are wall-clock minutes in its own zone. --- */

  var clocks = {};

  // The wall clock of `zone` at instant `t` (ms).
  function wall(zone, t) {
    var format = clocks[zone] || (clocks[zone] = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", weekday: "short", year: "numeric",
      month: "numeric", day: "numeric", hour: "numeric", minute: "numeric"
    }));
    var p = {};
    format.formatToParts(new Date(t)).forEach(function (part) { p[part.type] = part.value; });
    return {
      y: +p.year, m: +p.month, d: +p.day,
      min: (+p.hour % 24) * 60 + +p.minute
    };
  }

  // Minutes `zone` is ahead of UTC at instant `t`.
  function offset(zone, t) {
    var w = wall(zone, t);
    return Date.UTC(w.y, w.m - 1, w.d) / 6e4 + w.min - Math.floor(t / 6e4);
  }

  // The instant `zone`'s clocks show minute `min` of day y-m-d. Corrected
  // twice: the first guess may sit on the other side of a DST change.
  function instant(zone, y, m, d, min) {
    var guess = Date.UTC(y, m - 1, d) + min * 6e4;
    var t = guess - offset(zone, guess) * 6e4;
    return guess - offset(zone, t) * 6e4;
  }

  /* Whether a channel is open at `now` (ms, default: this moment), and the
     words to say so. state: "open", "closed" or "always" (no fixed hours);
     a closed channel that opens within two weeks also has `next` (ms) and
     `when` ("morgen vanaf 08:30"); "unknown" when the time zone or language
     is one this browser rejects, or the hours are of an odd shape: no claim. */
  function status(ch, data, now) {
    now = now == null ? Date.now() : +now;
    try {
      return hoursStatus(ch, data, now);
    } catch (e) {
      return { state: "unknown", text: ch && ch.response || "" };
    }
  }

  function hoursStatus(ch, data, now) {
    var s = data.strings;
    if (!ch.hours) return { state: "always", text: ch.response || "" };
    var w = wall(ch.timezone, now);
    for (var k = 0; k <= LOOKAHEAD; k++) {
      var day = new Date(Date.UTC(w.y, w.m - 1, w.d + k));
      if ((ch.closed || []).indexOf(day.toISOString().slice(0, 10)) >= 0) continue;
      var ranges = ch.hours[DAYS[(day.getUTCDay() + 6) % 7]] || [];
      for (var i = 0; i < ranges.length; i++) {
        var start = ranges[i][0], end = ranges[i][1];
        if (k === 0 && start <= w.min && w.min < end) {
          return { state: "open", text: [s.open, ch.response].filter(Boolean).join(" · ") };
        }
        if (k > 0 || start > w.min) {
          var next = instant(ch.timezone, day.getUTCFullYear(), day.getUTCMonth() + 1,
                             day.getUTCDate(), start);
          var at = when(next, ch.timezone, data, now);
          return { state: "closed", next: next, when: at, text: s.closed + " · " + at };
        }
      }
    }
    return { state: "closed", text: s.closed };
  }

  // "morgen vanaf 08:30": the day relative to the shopper's calendar, the time
  // on the shopper's clock, marked when that clock differs from the channel's.
  function when(t, zone, data, now) {
    var s = data.strings, at = new Date(t), today = new Date(now);
    var days = Math.round((new Date(at.getFullYear(), at.getMonth(), at.getDate()) -
      new Date(today.getFullYear(), today.getMonth(), today.getDate())) / 864e5);
    var time = pad(at.getHours()) + ":" + pad(at.getMinutes());
    if (offset(zone, t) !== -at.getTimezoneOffset()) time += " (" + s.your_time + ")";
    var text = days < 1 ? s.today : days < 2 ? s.tomorrow : days < 7 ? s.weekday : s.date;
    return fill(text, {
      time: time,
      day: s.days[(at.getDay() + 6) % 7],
      date: at.toLocaleDateString(data.lang, { day: "numeric", month: "long" })
    });
  }

  // A global function the shop already has (e.g. "Shop.openChat"), or null.
  function action(path) {
    if (!path || !NAME.test(path)) return null;
    var owner = null, fn = window;
    path.split(".").forEach(function (key) {
      owner = fn;
      fn = fn == null ? null : fn[key];
    });
    return typeof fn === "function" ? function () { fn.call(owner); } : null;
  }

  /* --- Drawing a block --- */

  // The entries of a list that have `key` (a question its title, a channel its
  // name). What is not a list throws, and the block keeps the shop's fallback.
  function items(list, key) {
    return (list || []).filter(function (x) { return x && x[key] != null; });
  }

  // One channel. A closed one keeps its name and says when it opens, but
  // loses its link and button: it is never offered as if it were open. One
  // whose status is unknown is offered as the static fragment offers it.
  function channelItem(ch, data, from, now) {
    var st = status(ch, data, now);
    var live = st.state !== "closed";
    var href = link(ch.href, from);
    var name = ch.label + (ch.display ? " " + ch.display : "");
    var kids = [
      live && href && ch.type !== "chat"
        ? el("a", { "class": "kb-help__label", href: href }, name)
        : el("span", { "class": "kb-help__label" }, name)
    ];
    if (st.text) kids.push(el("span", { "class": "kb-help__status", "data-kb-status": st.state }, st.text));
    if (live && ch.type === "chat") {
      var start = action(ch.action);
      if (start) {
        var button = el("button", { type: "button", "class": "kb-help__chat" }, data.strings.start_chat);
        button.addEventListener("click", start);
        kids.push(button);
      } else if (href) {
        kids.push(el("a", { "class": "kb-help__chat", href: href }, data.strings.start_chat));
      }
    }
    return el("li", { "class": "kb-help__channel", "data-kb-channel": ch.id }, kids);
  }

  function style(root) {
    if (root.adoptedStyleSheets && window.CSSStyleSheet) {
      try {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* older browsers: the stylesheet file below */ }
    }
    root.appendChild(el("link", { rel: "stylesheet", href: help + "kb-help.css" }));
  }

  function draw(host, root, data, ctx) {
    var from = dataUrl(ctx, ".json");
    var s = data.strings;
    var level = Math.min(Math.max(parseInt(host.getAttribute("data-kb-heading-level"), 10) || 2, 1), 5);
    var max = parseInt(host.getAttribute("data-kb-questions"), 10);
    var questions = items(data.questions, "title").slice(0, max >= 0 ? max : undefined);
    var id = "kb-help-" + ++uid;
    var section = el("section", { "class": "kb-help", lang: data.lang, "aria-labelledby": id },
      el("h" + level, { "class": "kb-help__title", id: id }, host.getAttribute("data-kb-title") || (questions.length ? data.title : s.contact)));

    if (questions.length) {
      var list = el("ul", { "class": "kb-help__questions" });
      questions.forEach(function (q, i) {
        var panelId = id + "-a" + i, url = link(q.url, from);
        var button = el("button", { type: "button", "class": "kb-help__toggle",
                                    "aria-expanded": "false", "aria-controls": panelId }, q.title);
        var panel = el("div", { "class": "kb-help__answer", id: panelId, hidden: "" }, [
          el("p", null, q.summary),
          url && el("p", null, el("a", { href: url }, s.more))
        ]);
        button.addEventListener("click", function () {
          var open = button.getAttribute("aria-expanded") !== "true";
          button.setAttribute("aria-expanded", String(open));
          panel.hidden = !open;
        });
        list.appendChild(el("li", null, [el("h" + (level + 1), { "class": "kb-help__q" }, button), panel]));
      });
      section.appendChild(list);
    }

    var action = data.search && link(data.search.url, from);
    if (action) {
      var form = section.appendChild(el("form", { "class": "kb-help__search", role: "search", action: action,
                                                  method: "get", "data-kb-search": "inline" }, [
        el("label", { "for": id + "-q" }, s.search),
        el("span", { "class": "kb-help__row" }, [
          el("input", { id: id + "-q", type: "search", name: data.search.param || "q" }),
          el("button", { type: "submit" }, s.search_button)
        ])
      ]));
      // The answers come into the block: the shopper stays on the shop's page.
      var answer = function (event) {
        var sent = event.type === "submit";
        if (sent) event.preventDefault();
        search().then(function (it) {
          it = it.enhance(form, ctx);
          if (sent && it) it.run();
        }, function () {
          if (sent) form.submit();
        });
      };
      form.addEventListener("focusin", answer);
      form.addEventListener("submit", answer);
    }

    var channels = items(data.channels, "label");
    if (channels.length) {
      if (questions.length) section.appendChild(el("h" + (level + 1), { "class": "kb-help__subtitle" }, s.contact));
      var ul = section.appendChild(el("ul", { "class": "kb-help__channels" }));
      var shown = channels.map(function () { return { key: null, node: null }; });
      // Redrawn only when a channel's words or offer change, so a refresh
      // never takes away the focus of a shopper on the chat button.
      var update = function () {
        var now = Date.now();
        channels.forEach(function (ch, i) {
          var item = channelItem(ch, data, from, now), was = shown[i];
          var key = item.textContent + "|" + item.querySelectorAll("a,button").length;
          if (key === was.key) return;
          if (was.node) ul.replaceChild(item, was.node); else ul.appendChild(item);
          was.key = key;
          was.node = item;
        });
      };
      update();
      if (host.kbUpdate) updates.splice(updates.indexOf(host.kbUpdate), 1);
      updates.push(host.kbUpdate = update);
    }

    var contact = link(data.contact_url, from);
    if (contact) section.appendChild(el("p", { "class": "kb-help__more" }, el("a", { href: contact }, s.all_contact)));

    while (root.firstChild) root.removeChild(root.firstChild);
    style(root);
    root.appendChild(section);
  }

  // A block is drawn only once the whole of it could be made: until then, and
  // for good when its data is odd, the shop's own fallback (say, a link) shows.
  function render(host) {
    try {
      var ctx = host.getAttribute("data-kb-help");
      if (!ctx || !host.attachShadow) return; // the shop's own content stays
      // Throws for a host that takes no shadow root (<a>, <input>, one the shop closed).
      var root = host.shadowRoot || host.attachShadow({ mode: "open" });
      if (!root.firstChild) root.appendChild(el("slot"));
      get(ctx, host.getAttribute("data-kb-load") === "script", function (data) {
        if (data && data.kb === 1 && typeof data.strings === "object") draw(host, root, data, ctx);
      });
    } catch (e) { /* that host keeps its content */ }
  }

  // A page left open stays honest: opening times are re-read every minute.
  setInterval(function () { updates.forEach(function (update) { call(update); }); }, 6e4);

  // render: draw a block added to the page later; data and loaded: for
  // help/<context>.js; the rest serves the help centre's own pages (kb.js).
  var api = {
    version: 1, data: store, render: render, loaded: loaded, status: status, action: action, src: src,
    load: function (ctx, done) { get(ctx, false, done); },
    link: function (u, ctx) { return link(u, dataUrl(ctx, ".json")); },
    channel: function (ch, data, ctx, now) { return channelItem(ch, data, dataUrl(ctx, ".json"), now); },
    ask: function (question, options) {
      return search().then(function (it) { return it.ask(question, options); });
    }
  };
  // What kb.js or search.js put on a kbHelp made before this one (the search, once loaded).
  for (var key in Object(early)) if (!(key in api)) api[key] = early[key];
  window.kbHelp = api;

  function renderAll() {
    [].forEach.call(document.querySelectorAll("[data-kb-help]"), render);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderAll);
  else renderAll();
})();
