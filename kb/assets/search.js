/* kb search: the public answer API (window.kbHelp.ask) and the search UI of every
   [data-kb-search] form, on the help centre's pages and in the help blocks on a shop's.

   Never part of a page's first load: kb.js (site pages) and help/kb-help.js (shop
   pages) load it, after the engine's two scripts, on the first question or the first
   focus of a search box. It answers from the static answer index `kb build` writes to
   search/ (kb/answerindex.py), with kbEngine.Engine (assets/kb/engine/engine.js), the
   same algorithm `kb ask` runs in Python.

   Index files are scripts, `kbIndex("<name>", <data>);`, added as <script src>: a shop
   page on another host reads them without CORS, under a CSP whose connect-src does not
   list the help host. Each file is asked for at most once; a file that is not there
   (404) reads as null.

   Rules this file keeps, as kb-help.js does: DOM from text only (no innerHTML), no
   eval, no inline handlers or <style>, no request except the help centre's own files,
   nothing on the page changes size until a shopper searches. The live status of the
   contact channels is kb-help.js's (kbHelp.status, kbHelp.channel): one implementation. */
(function () {
  "use strict";
  // kb-help.js may replace window.kbHelp after this script has run: always read it anew.
  function kb() {
    return window.kbHelp;
  }
  if (!kb()) window.kbHelp = { data: {} };
  if (kb().search) return; // the script is on the page twice

  var me = document.currentScript;
  // The help centre's root, from this script's own address (assets/kb/search.js).
  var ROOT = new URL("../../", me && me.src ? me.src : location.href).href;
  var INDEX = ROOT + "search/";
  var NAME = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/; // an index file's name (contract 1)
  var SAFE = /^https?:$/;
  var SITE = "kb-contact"; // the help centre's own block: texts and channels of the site's search
  var LIMIT = 8; // answers the UI asks for: the card, up to four more, pages after them
  var MORE = 4;
  var PAGES = 3;
  var PAUSE = 120; // ms after the last key before a question is asked while typing

  /* search.css, put here as a string when kb builds the site (kb.minify.with_stylesheet).
     A help block's shadow root adopts it as a constructed stylesheet, which a shop's CSP
     applies even when its style-src does not list the help host (a <link> it blocks). */
  var CSS = /*KB_CSS*/"";
  var sheet = null;

  function styleShadow(root) {
    if (CSS && root.adoptedStyleSheets && window.CSSStyleSheet) {
      try {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
        return;
      } catch (e) { /* older browsers: the stylesheet file below */ }
    }
    root.appendChild(el("link", { rel: "stylesheet", href: ROOT + "assets/kb/search.css" }));
  }

  /* --- Index files, as scripts --- */

  var files = Object.create(null); // name -> the promise of its data
  var arrived = Object.create(null); // name -> data, between its script's run and onload

  window.kbIndex = function (name, data) {
    if (typeof name === "string") arrived[name] = data;
  };

  function load(name) {
    if (!(name in files)) {
      files[name] = new Promise(function (resolve) {
        if (!NAME.test(name)) return resolve(null);
        var s = document.createElement("script");
        s.onload = s.onerror = function () {
          var data = name in arrived ? arrived[name] : null;
          delete arrived[name];
          s.parentNode.removeChild(s);
          resolve(data);
        };
        try {
          s.src = scriptUrl(INDEX + name + ".js");
        } catch (e) {
          return resolve(null); // a page that refuses kb's scripts: no index
        }
        document.head.appendChild(s);
      });
    }
    return files[name];
  }

  /* A page enforcing Trusted Types takes a script address only from a policy. The
     help block's (kbHelp.src, kb-help.js) vouches for the help centre's own scripts;
     without it, the address goes as a string, as on pages that enforce nothing. */
  function scriptUrl(url) {
    return kb().src ? kb().src(url) : url;
  }

  /* --- The public API --- */

  // The pages corpus answers with the article index's analysis and spelling (base).
  function Corpus(prefix, base) {
    this.engine = new window.kbEngine.Engine(function (name) { return load(prefix + name); },
                                             base ? { base: base.engine } : undefined);
  }

  var articles = null;
  var pages; // undefined until known; null when the site has no pages corpus

  function pagesCorpus() {
    if (pages !== undefined) return Promise.resolve(pages);
    return load("pages/meta").then(function (meta) {
      if (pages === undefined) pages = meta ? new Corpus("pages/", articles) : null;
      return pages;
    });
  }

  // The site's root for answer links: meta's site_url when set, else the help host's.
  function base(engine) {
    var url = engine.meta && engine.meta.site_url;
    return typeof url === "string" && url ? url.replace(/\/?$/, "/") : ROOT;
  }

  function absolute(url, from) {
    try {
      var u = new URL(url, from);
      return SAFE.test(u.protocol) ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function shown(engine, kind) {
    var from = base(engine);
    return function (hit) {
      var url = hit.url != null ? hit.url : hit.slug + "/";
      return {
        url: absolute(url, from), title: hit.title, summary: hit.summary, score: hit.score,
        policy: kind === "article" ? hit.policy : null,
        kind: kind === "article" ? kind : hit.kind === "blog" ? "blog" : "page"
      };
    };
  }

  /* The answers a shopper is shown (contract 4): the articles that answer well, then
     the pages (blog posts, hand-written pages) that answer well themselves, then the
     other articles found. The decline is kb ask's, the article index's: a question the
     articles do not answer gets no answers (and the index's spelling suggestion, if it
     has one), whatever the pages say. Measured on the demo: with pages allowed to answer
     alone, benchmarks/eval/demo-nl-unanswerable.csv was declined 26% of the time instead
     of 42% (blog posts about coffee "answer" many questions of a coffee shop's
     shoppers), while no answerable question gained. */
  function ask(question, options) {
    var limit = Math.floor(options && options.limit);
    limit = limit > 0 ? limit : 5;
    question = String(question == null ? "" : question);
    articles = articles || new Corpus("");
    var a = articles.engine;
    return Promise.all([
      a.ask(question, { limit: limit }),
      pagesCorpus().then(function (p) { return p && p.engine.ask(question, { limit: limit }); })
    ]).then(function (both) {
      var found = both[0], other = both[1];
      if (!found.good) return { answers: [], declined: true, suggestion: found.suggestion || null };
      var best = found.answers;
      var rest = found.hits.filter(function (h) { return best.indexOf(h) < 0; });
      var answers = best.map(shown(a, "article"))
        .concat(other ? other.answers.map(shown(pages.engine)) : [])
        .concat(rest.map(shown(a, "article")))
        .filter(function (x) { return x.url; })
        .slice(0, limit);
      return { answers: answers, declined: false, suggestion: null };
    });
  }

  /* --- The search UI --- */

  var uid = 0;
  var contexts = Object.create(null); // context -> the promise of its data ({} without)

  function dataOf(ctx) {
    return contexts[ctx] || (contexts[ctx] = new Promise(function (resolve) {
      if (!kb().load) return resolve({});
      kb().load(ctx, function (data) { resolve(data && typeof data.strings === "object" ? data : {}); });
    }));
  }

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var key in attrs) if (attrs[key] != null) node.setAttribute(key, attrs[key]);
    [].concat(kids == null ? [] : kids).forEach(function (kid) {
      if (kid != null) node.appendChild(typeof kid === "object" ? kid : document.createTextNode(kid));
    });
    return node;
  }

  function empty(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Read aloud, never seen: styled here, so that it takes no room before search.css comes.
  function hideVisually(node) {
    var s = node.style;
    s.position = "absolute";
    s.width = s.height = "1px";
    s.overflow = "hidden";
    s.clip = "rect(0 0 0 0)";
    s.whiteSpace = "nowrap";
    return node;
  }

  /* The contact channels a decline offers, with their live status: chat first while it
     is open, last while it is not (a closed chat helps least). Drawn by kb-help.js, as
     in the help blocks. `all`: with the link to every contact option (a help block has
     its own, right under its answers). */
  function channels(data, ctx, all) {
    var list = (Array.isArray(data.channels) ? data.channels : []).filter(function (ch) {
      return ch && ch.label != null;
    });
    var help = kb();
    if (!list.length || !help.channel) return null;
    var now = Date.now();
    var rank = function (ch) {
      return ch.type !== "chat" ? 1 : help.status(ch, data, now).state === "open" ? 0 : 2;
    };
    var ul = el("ul", { "class": "kb-help__channels" });
    [0, 1, 2].forEach(function (r) {
      list.filter(function (ch) { return rank(ch) === r; }).forEach(add);
    });
    function add(ch) {
      try { ul.appendChild(help.channel(ch, data, ctx, now)); } catch (e) { /* left out */ }
    }
    var contact = all && help.link && help.link(data.contact_url, ctx);
    return el("div", { "class": "kb-s__contact" }, [
      el("p", { "class": "kb-s__subtitle" }, data.strings.contact),
      ul,
      contact && el("p", null, el("a", { href: contact }, data.strings.all_contact))
    ]);
  }

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  /* Makes `form` (contract 5) search as the shopper types. `ctx`: the help block whose
     data holds the texts and channels ("kb-contact" on the help centre's pages).
     Returns the form's controller: {run(): asks now}. */
  function enhance(form, ctx) {
    if (form.kbSearch) return form.kbSearch;
    var input = form.querySelector("input[name=q]") || form.querySelector("input[type=search]");
    if (!input) return null;
    ctx = ctx || SITE;
    var overlay = form.getAttribute("data-kb-search") === "overlay";
    var id = "kb-s-" + ++uid;
    var root = form.getRootNode ? form.getRootNode() : document;
    var inBlock = root !== document && !!root.appendChild; // a help block's shadow root
    // This page is the form's search page (search/, where ?q= is answered).
    var here = function () {
      return root === document && new URL(form.action, location.href).pathname === location.pathname;
    };
    var timer = 0, seq = 0, active = -1, options = [], last = null;
    var closed = false; // closed by the shopper (Escape): a focus does not open it again

    var live = hideVisually(el("div", { role: "status", "aria-live": "polite", "aria-atomic": "true" }));
    var list = el("div", { role: "listbox", id: id + "-list", "class": "kb-s__list" });
    var hint = el("div", { "class": "kb-s__extra" }); // "Bedoel je ...?"
    var extra = el("div", { "class": "kb-s__extra" }); // no answer: the contact channels
    // Focusable: a keyboard scrolls it when the answers are more than it shows.
    var panel = el("div", { "class": "kb-s " + (overlay ? "kb-s--overlay" : "kb-s--inline"),
                            id: id, tabindex: "0", hidden: "" }, [hint, list, extra]);
    // The header's back button (full screen on a phone; kb.js opens and closes it).
    var close = form.querySelector(".kb-search__close");
    // On the help centre's pages the answers open over the page, under their form
    // (positioned: nothing moves); in a help block they are part of the block.
    form.appendChild(live);
    if (inBlock) {
      form.parentNode.insertBefore(panel, form.nextSibling);
      // In a shadow root, the page's stylesheets do not reach.
      styleShadow(root);
    } else {
      form.appendChild(panel);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    dataOf(ctx).then(function (data) {
      var words = data.strings || {};
      list.setAttribute("aria-label", words.results || "");
      if (close && !close.getAttribute("aria-label") && words.close) close.setAttribute("aria-label", words.close);
    });

    function setActive(i) {
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        if (options[i].scrollIntoView) options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      // A box that is not shown (the header's on a phone, closed by the shopper before
      // a slow answer came) shows no answers: they would hang under its magnifier.
      if (!last || !input.getClientRects().length) return;
      closed = false;
      panel.hidden = false;
      input.setAttribute("aria-expanded", String(options.length > 0));
    }

    function shut() {
      setActive(-1);
      panel.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    // The site's own links stay on the host the shopper is on (kb serve, a preview,
    // a second domain); the API gives site_url's (contract 4).
    function onHost(url) {
      var from = articles ? base(articles.engine) : ROOT;
      return from !== ROOT && !url.indexOf(from) ? ROOT + url.slice(from.length) : url;
    }

    function option(answer, i, words, card) {
      var kids = [el("span", { "class": "kb-s__title" }, answer.title)];
      if (answer.kind !== "article") {
        kids.unshift(el("span", { "class": "kb-s__kind" }, answer.kind === "blog" ? words.blog : words.page));
      }
      if (card) {
        kids.push(el("span", { "class": "kb-s__summary" }, answer.summary));
        kids.push(el("span", { "class": "kb-s__more" }, words.more));
      }
      return el("a", { role: "option", id: id + "-o" + i, href: onHost(answer.url), tabindex: "-1",
                       "aria-selected": "false",
                       "class": "kb-s__option" + (card ? " kb-s__card" : "") }, kids);
    }

    function suggestion(word, words) {
      var parts = String(words.suggest || "{word}").split("{word}");
      var again = el("button", { type: "button", "class": "kb-s__suggestion" }, word);
      again.addEventListener("click", function () {
        input.value = word;
        input.focus();
        run();
      });
      return el("p", { "class": "kb-s__suggest" }, [parts[0], again, parts.slice(1).join(word)]);
    }

    function render(question, result, data) {
      var words = data.strings || {};
      [hint, list, extra].forEach(empty);
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var answers = result.answers;
      var articles = answers.filter(function (a) { return a.kind === "article"; });
      var others = answers.filter(function (a) { return a.kind !== "article"; });
      var first = answers[0];
      if (result.suggestion) hint.appendChild(suggestion(result.suggestion, words));
      if (first) {
        var order = [first].concat(articles.filter(function (a) { return a !== first; }).slice(0, MORE),
                                   others.filter(function (a) { return a !== first; }).slice(0, PAGES));
        order.forEach(function (answer, i) { options.push(option(answer, i, words, i === 0)); });
        options.forEach(function (o) { list.appendChild(o); });
        live.textContent = (options.length === 1 ? words.count_one || "" : fill(words.count, { n: options.length })) +
          (result.suggestion ? ". " + fill(words.suggest, { word: result.suggestion }) : "");
      } else {
        extra.appendChild(el("p", { "class": "kb-s__none" }, words.no_answer));
        var contact = channels(data, ctx, !inBlock);
        if (contact) extra.appendChild(contact);
        live.textContent = [words.no_answer, result.suggestion ? fill(words.suggest, { word: result.suggestion }) : ""]
          .filter(Boolean).join(". ");
      }
      list.hidden = !options.length;
      panel.setAttribute("data-kb-asked", question);
      last = result;
      open();
    }

    function failed(data) {
      var words = data.strings || {};
      [hint, list, extra].forEach(empty);
      options = [];
      list.hidden = true;
      extra.appendChild(el("p", { "class": "kb-s__none" }, words.search_error));
      live.textContent = words.search_error || "";
      last = {};
      open();
    }

    function run() {
      clearTimeout(timer);
      var question = input.value.replace(/\s+/g, " ").trim();
      var token = ++seq;
      if (!question) {
        last = null;
        live.textContent = "";
        return shut();
      }
      // A question asked before the last one's answer came: the older answer is dropped.
      Promise.all([ask(question, { limit: LIMIT }), dataOf(ctx)]).then(function (both) {
        if (token === seq) render(question, both[0], both[1]);
      }, function () {
        if (token === seq) dataOf(ctx).then(failed);
      });
    }

    /* A help block's answers take their room (a fixed height, search.css) as a key is
       pressed, never when they arrive: a layout shift right after the shopper's input
       is not one (CLS), one when a slow first answer comes would be. */
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value.trim()) return run();
      if (inBlock) panel.hidden = false;
      timer = setTimeout(run, PAUSE);
    });
    input.addEventListener("focus", function () {
      if (last && !closed && input.value.trim()) open();
    });
    input.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "ArrowDown" || key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        if (panel.hidden) open();
        var step = key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : options.length - 1)
                             : (active + step + options.length) % options.length);
      } else if (key === "Enter" && active >= 0 && !panel.hidden) {
        event.preventDefault();
        options[active].click();
      } else if (key === "Escape" && !panel.hidden) {
        event.preventDefault();
        shut();
        closed = true;
      }
    });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      event.preventDefault();
      run();
      // On the search page the address keeps the question: reload and back show it again.
      if (here() && window.history) history.replaceState(history.state, "", "?q=" + encodeURIComponent(input.value));
    });
    /* The answers over the page close when the shopper goes elsewhere: the focus moves
       out of the form (Tab; the panel is part of it), or a press lands outside it. Not
       when the focus merely goes nowhere: a phone's keyboard put away ("Done") or a
       switch to another tab must not take the answers the shopper is reading. The
       search page's own answers are its content and stay; a help block's are part of
       the block (their room is taken, search.css). */
    if (!inBlock) {
      var away = function () { return overlay || !here(); };
      form.addEventListener("focusout", function (event) {
        var to = event.relatedTarget;
        if (to && !form.contains(to) && away()) shut();
      });
      document.addEventListener("pointerdown", function (event) {
        var t = event.target;
        // The chat invitation (kb.js) is about this search: pressing it keeps it open.
        if (panel.hidden || form.contains(t) || (t.closest && t.closest(".kb-invite")) || !away()) return;
        shut();
      }, true);
    }

    // shut: kb.js closes the phone's full-screen search; the answers come back with it.
    form.kbSearch = { run: run, shut: function () { shut(); closed = false; } };
    // The search page asked with ?q= (a form sent before this script came, or without
    // it): its own form answers, the header's stays closed.
    var asked = new URLSearchParams(location.search).get("q");
    if (asked && !input.value && !overlay && here()) input.value = asked;
    if (input.value.trim()) run();
    return form.kbSearch;
  }

  function enhanceAll() {
    [].forEach.call(document.querySelectorAll("form[data-kb-search]"), function (form) {
      enhance(form, SITE);
    });
  }

  kb().ask = ask;
  kb().search = { ask: ask, enhance: enhance, load: load };
  enhanceAll();
  // Material's instant navigation brings new forms without a new page load.
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(enhanceAll);
})();
