/* kb answer engine: a shopper's question -> the articles that answer it, over the static
 * answer index `kb build` writes (kb/answerindex.py), the same as kb/engine.py (issue 16).
 *
 * kb/engine.py is the reference and says why each step is as it is; this file takes the
 * same steps in the same order with the same floating-point operations, so that the
 * browser ranks, scores, declines and suggests exactly as `kb ask` does
 * (tests/test_engine_parity.py runs both on every eval question). Where JavaScript
 * differs from Python the code says so: Python's round(x, 3), its string order, dict
 * order (Maps here: integer-like object keys would be ordered numerically), the
 * logarithm (the index stores the weights, math.log and Math.log differ in the last unit),
 * round() (half to even in Python).
 *
 * Files are read through `loader(name) -> Promise<data|null>`, `name` an index name
 * ("meta", "lex/3"), data the parsed JSON of the file; each at most once, and only those
 * Python reads for the same question. In a page the loader is assets/kb/search.js's, which
 * loads each file as the script it is (`kbIndex(name, data);`, kb/answerindex.py). The
 * answering code is synchronous: when it needs a file that is not loaded yet it throws `Missing`, `ask`
 * loads the files and runs it again (everything it computed before is cached, so a run
 * costs little). Where Python is certain to read several files (the lexicon ranges of
 * all of a question's words, the heads of a compound, the postings of every term the
 * chosen concepts score) they are asked for together, so that a page waits for one
 * round trip instead of one per file.
 *
 * The pages index (blog posts, hand-written pages) is answered by an engine of its own,
 * with the article engine's analysis and spelling: `new Engine(pagesLoader, {base:
 * articleEngine})`, pagesLoader(name) loading "pages/" + name.
 *
 * No dependencies, no build step, no eval: it runs under a strict Content Security
 * Policy, in Node (module.exports, analysis.js by require) and in a page
 * (globalThis.kbEngine.Engine, after analysis.js).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./analysis.js"));
  } else {
    root.kbEngine = root.kbEngine || {};
    root.kbEngine.Engine = factory(root.kbEngine.analysis).Engine;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (analysis) {
  "use strict";

  var FORMAT = 3;
  var ALL = "+";  // marks a variant whose terms must all occur, in any order and field
  var FEATURES = ["forms", "synonyms", "spelling", "compounds"];
  var own = Object.prototype.hasOwnProperty;

  // --- Python's arithmetic and names ----------------------------------------------

  /** Python's round(x, 3): the decimal nearest to the double's exact value, ties to
   * even. toFixed is exact too but breaks ties upwards; a double is exactly halfway
   * between two thousandths only when it is an odd multiple of 1/16. */
  function round3(x) {
    if (!isFinite(x) || Math.abs(x) >= 1e15) return x;
    if (Number.isInteger(x * 16) && !Number.isInteger(x * 8)) {
      var low = Math.floor(x * 1000);  // x * 1000 is exact here
      return (low % 2 === 0 ? low : low + 1) / 1000;
    }
    return Number(x.toFixed(3));
  }

  /** Python's round(x) of a positive number: to the nearest integer, ties to even. */
  function roundEven(x) {
    var r = Math.round(x);  // ties upwards
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  /** The spelling shard of a word: its first character when a-z or 0-9, else "u" and
   * its code point in hex (kb.answerindex.spelling_shard). */
  function spellingShard(word) {
    var first = String.fromCodePoint(word.codePointAt(0));
    return /^[a-zA-Z0-9]$/.test(first) ? first : "u" + first.codePointAt(0).toString(16);
  }

  /** The lexicon range that holds `term` (kb.answerindex.lex_range), in Python's
   * string order. */
  function lexRange(firsts, term) {
    var low = 0;
    var high = firsts.length;
    while (low < high) {  // bisect_right
      var mid = (low + high) >> 1;
      if (analysis.compare(term, firsts[mid]) < 0) high = mid; else low = mid + 1;
    }
    return Math.max(low - 1, 0);
  }

  /** The spelling buckets of `shard` holding words of `low` to `high` letters
   * (kb.answerindex.spelling_buckets). */
  function spellingFiles(meta, word, maxdist) {
    var shard = spellingShard(word);
    var starts = meta.spelling && own.call(meta.spelling, shard) ? meta.spelling[shard] : [];
    var n = analysis.length(word);
    var first = 0;
    while (first + 1 < starts.length && starts[first + 1] <= n - maxdist) first++;
    var names = [];
    for (var i = first; i < starts.length && starts[i] <= n + maxdist; i++) {
      names.push("spelling/" + shard + "-" + starts[i]);
    }
    return names;
  }

  // A variant (a tuple of terms in Python) is a Map key: its terms joined by spaces,
  // which no term has.
  function phraseKey(phrase) {
    return phrase.join(" ");
  }

  function phraseOf(key) {
    return key.split(" ");
  }

  function add(map, key, value) {  // Python's d[k] = d.get(k, 0.0) + value
    var before = map.get(key);
    map.set(key, before === undefined ? value : before + value);
  }

  /** Thrown when the answer needs files of `engine` not loaded yet. */
  function Missing(files, engine) {
    this.files = files;
    this.engine = engine;
  }

  // --- The engine -------------------------------------------------------------------

  /** Questions against one answer index. options.features: the features to use (by
   * default all of "forms", "synonyms", "spelling", "compounds"); options.base: the
   * engine of the article index whose analysis and spelling an engine over the pages
   * index uses. */
  function Engine(loader, options) {
    this.loader = loader;
    this.features = new Set((options && options.features) || FEATURES);
    this.base = (options && options.base) || null;
    this.files = new Map();  // name -> parsed content, null for a missing file
    this.pending = new Map();  // name -> the promise of its loading
    this.fetched = [];  // the names asked of the loader, in order
    this.scoreCache = new Map();
    this.fixCache = new Map();
    this.spellingCache = new Map();
    this.meta = null;
  }

  Engine.prototype.load = function (names) {
    var self = this;
    return Promise.all(names.map(function (name) {
      if (self.files.has(name)) return null;
      if (!self.pending.has(name)) {
        self.fetched.push(name);
        self.pending.set(name, Promise.resolve(self.loader(name)).then(function (data) {
          self.pending.delete(name);
          // Every file but meta is named by meta or the lexicon: a damaged index.
          if ((data === null || data === undefined) && name !== "meta") {
            throw new Error("the answer index has no " + name + ".js");
          }
          self.files.set(name, data === undefined ? null : data);
        }, function (error) {
          self.pending.delete(name);
          throw error;
        }));
      }
      return self.pending.get(name);
    }));
  };

  /** The content of a loaded file; throws Missing when it is not loaded. */
  Engine.prototype.file = function (name) {
    if (!this.files.has(name)) throw new Missing([name], this);
    return this.files.get(name);
  };

  /** Throws Missing for those of the files `names` that are not loaded. */
  Engine.prototype.need = function (names) {
    var files = this.files;
    var missing = names.filter(function (n, i) {
      return !files.has(n) && names.indexOf(n) === i;
    });
    if (missing.length) throw new Missing(missing, this);
  };

  Engine.prototype.lexFile = function (term) {
    return "lex/" + lexRange(this.meta.lex, term);
  };

  Engine.prototype.needTerms = function (terms) {
    if (this.meta.lex.length) this.need(terms.map(this.lexFile, this));
  };

  /** Throws Missing for the postings files of those of `terms` that are known, and the
   * field lengths: what scoring them reads (kb.answerindex.IndexFiles.scoring_files). */
  Engine.prototype.needPostings = function (terms) {
    this.needTerms(terms);
    var names = [];
    for (var i = 0; i < terms.length; i++) {
      var entry = this.term(terms[i]);
      if (entry) names.push("len");
      if (entry && typeof entry[3] === "number") names.push("post/" + entry[3]);
    }
    this.need(names);
  };

  Engine.prototype.ready = function () {
    var self = this;
    if (this.meta) return Promise.resolve();
    var base = this.base;
    // The field lengths come with meta and the analysis, as in kb/engine.py.
    return Promise.all([this.load(base ? ["meta", "len"] : ["meta", "analysis", "len"]),
                        base ? base.ready() : null]).then(function () {
      if (self.meta) return;
      var meta = self.files.get("meta");
      if (!meta || meta.format !== FORMAT) {
        throw new Error("not a kb answer index of format " + FORMAT + ": " +
                        (meta ? "format " + meta.format : "no meta.js") +
                        "; build the site again with this kb");
      }
      if (meta.corpus === "pages" && !base) {
        throw new Error("this answer index (pages) answers with the analysis and spelling " +
                        "of the article index: new Engine(loader, {base: articleEngine})");
      }
      var c = meta.constants;
      self.tuning = {
        fieldWeights: c.FIELD_WEIGHTS, fields: Object.keys(c.FIELD_WEIGHTS),
        shortFields: c.SHORT_FIELDS, same: c.SAME, form: c.FORM, synonym: c.SYNONYM,
        compound: c.COMPOUND, knownCompound: c.KNOWN_COMPOUND, spelling: c.SPELLING,
        candidates: c.CANDIDATES, coverageBase: c.COVERAGE_BASE, titleMatch: c.TITLE_MATCH,
        goodCoverage: c.GOOD_COVERAGE, maxConcepts: c.MAX_CONCEPTS,
        maxCorrected: c.MAX_CORRECTED, maxSuggested: c.MAX_SUGGESTED, maxLookup: c.MAX_LOOKUP,
      };
      self.analyzer = base ? base.analyzer : new analysis.Analyzer(self.files.get("analysis"));
      self.thesaurus = self.analyzer.thesaurus;
      self.scale = meta.impact_scale;
      self.k1 = meta.bm25.k1;
      self.b = meta.bm25.b;
      self.norms = new Map();
      self.meta = meta;
    });
  };

  /** The answer to `question`: {question, hits, answers, good, declined, suggestion,
   * unknown}, each hit {slug, url, title, summary, src_uri, policy, kind, score,
   * coverage} (a page's slug and src_uri "", its policy null; url relative to the
   * site's root). options.limit: the number of hits (5). */
  Engine.prototype.ask = function (question, options) {
    var self = this;
    var limit = options && options.limit !== undefined ? options.limit : 5;
    function attempt(run) {
      try {
        return Promise.resolve(run());
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        return error.engine.load(error.files).then(function () { return attempt(run); });
      }
    }
    return this.ready().then(function () {
      return attempt(function () { return self.prefetch(question); });
    }).then(function () {
      return attempt(function () { return self.rank(question, limit); });
    }).then(function (ranked) {
      var block = self.meta.doc_block;
      return self.load(ranked.hits.map(function (r) {
        return "docs/" + Math.floor(r[2] / block);
      })).then(function () { return self.answer(question, ranked); });
    });
  };

  /** Loads together the shards of every term Python looks up first: each word's own
   * term and its other forms. */
  Engine.prototype.prefetch = function (question) {
    var analyzer = this.analyzer;
    var terms = [];
    var forms = this.features.has("forms");
    analyzer.meaningful(analyzer.words(question)).forEach(function (word) {
      terms.push(analyzer.stem(word));
      if (forms) terms.push.apply(terms, analyzer.forms(word));
    });
    this.needTerms(terms);
  };

  // --- What the index knows -----------------------------------------------------

  /** The lexicon entry of `term`, [df, weight, idf, postings]; null when unknown. */
  Engine.prototype.term = function (term) {
    if (!this.meta.lex.length) return null;
    var terms = this.file(this.lexFile(term));
    return terms && own.call(terms, term) ? terms[term] : null;
  };

  Engine.prototype.df = function (term) {
    var entry = this.term(term);
    return entry ? entry[0] : 0;
  };

  Engine.prototype.known = function (phrase) {  // short-circuits as Python's all()
    for (var i = 0; i < phrase.length; i++) {
      if (phrase[i] !== ALL && !this.df(phrase[i])) return false;
    }
    return true;
  };

  /** The weight of a phrase: the stored idf of its rarest term (kb.engine.Engine.idf). */
  Engine.prototype.idf = function (phrase) {
    var entries = [];
    for (var i = 0; i < phrase.length; i++) {
      if (phrase[i] !== ALL) entries.push(this.term(phrase[i]));
    }
    var rarest = null;
    for (i = 0; i < entries.length; i++) {
      if (!entries[i]) return this.meta.unknown_idf;
      if (rarest === null || entries[i][0] < rarest[0]) rarest = entries[i];
    }
    return rarest === null ? this.meta.unknown_idf : rarest[1];
  };

  /** BM25's length part per stored length byte of field `name`. */
  Engine.prototype.norm = function (name) {
    var norms = this.norms.get(name);
    if (norms === undefined) {
      var table = this.file("len");
      var average = table.avg[name];
      var k1 = this.k1;
      var b = this.b;
      norms = table.steps.map(function (length) { return k1 * (1 - b + b * length / average); });
      this.norms.set(name, norms);
    }
    return norms;
  };

  /** [doc, impact] of each document with `term` in field `name`, impact the BM25 part
   * times the scale (kb.answerindex.IndexFiles.postings). */
  Engine.prototype.postings = function (term, name) {
    var entry = this.term(term);
    if (!entry) return [];
    var fields = typeof entry[3] === "number" ? this.file("post/" + entry[3]) : entry[3];
    var data = own.call(fields, name) ? fields[name] : null;
    if (!data || !data.length) return [];
    var norms = this.norm(name);
    var lengths = this.file("len").fields[name];
    var idf = entry[2];
    var k1 = this.k1;
    var scale = this.scale;
    var found = [];
    var doc;
    var tf;
    if (typeof data === "string") {  // one character per document
      for (doc = 0; doc < data.length; doc++) {
        tf = data.charCodeAt(doc) - 48;
        if (tf > 0) {
          found.push([doc, roundEven(idf * tf * (k1 + 1) /
                                     (tf + norms[lengths.charCodeAt(doc) - 48]) * scale)]);
        }
      }
      return found;
    }
    doc = 0;
    for (var start = 0; start < data.length; start += 2) {
      doc += data[start];
      tf = data[start + 1];
      found.push([doc, roundEven(idf * tf * (k1 + 1) /
                                 (tf + norms[lengths.charCodeAt(doc) - 48]) * scale)]);
    }
    return found;
  };

  Engine.prototype.termScores = function (name, term) {
    var key = name + " " + term;
    var scores = this.scoreCache.get(key);
    if (scores === undefined) {
      var scale = this.scale;
      var found = new Map();
      this.postings(term, name).forEach(function (p) { found.set(p[0], p[1] / scale); });
      this.scoreCache.set(key, scores = found);
    }
    return scores;
  };

  // --- Concepts -------------------------------------------------------------------

  function firstTerms(phrases) {
    var terms = [];
    phrases.forEach(function (p) {
      var t = p[0] === ALL ? p[1] : p[0];
      if (t !== undefined) terms.push(t);
    });
    return terms;
  }

  Engine.prototype.addSynonyms = function (variants, phrase, weight) {
    if (!this.features.has("synonyms")) return;
    var others = this.thesaurus.alternatives(phrase);
    this.needTerms(firstTerms(others));
    var value = weight * this.tuning.synonym;
    for (var i = 0; i < others.length; i++) {
      var key = phraseKey(others[i]);
      if (this.known(others[i]) && (variants.has(key) ? variants.get(key) : 0) < value) {
        variants.set(key, value);
      }
    }
  };

  Engine.prototype.corrections = function (word) {
    if (!this.features.has("spelling")) return [];
    if (this.base) return this.base.corrections(word);
    var found = this.fixCache.get(word);
    if (found === undefined) {
      found = this.findCorrections(word);
      this.fixCache.set(word, found);
    }
    return found;
  };

  /** The words of one spelling bucket, for look-ups, and their article counts. */
  Engine.prototype.bucket = function (name) {
    var cached = this.spellingCache.get(name);
    if (cached) return cached;
    var words = this.file(name);
    var counts = new Map();
    Object.keys(words).forEach(function (w) { counts.set(w, words[w]); });
    cached = {spellings: new analysis.Spellings(Array.from(counts.keys())), counts: counts};
    this.spellingCache.set(name, cached);
    return cached;
  };

  /** kb.engine.Engine._find_corrections: words of the same first letter only. */
  Engine.prototype.findCorrections = function (word) {
    var n = analysis.length(word);
    if (n < 4 || n > this.tuning.maxLookup || analysis.python.isDigit(word)) return [];
    var maxdist = n < 7 ? 1 : 2;
    var names = spellingFiles(this.meta, word, maxdist);
    this.need(names);
    var found = [];
    var counts = new Map();
    for (var i = 0; i < names.length; i++) {
      var bucket = this.bucket(names[i]);
      found = found.concat(bucket.spellings.within(word, maxdist, 1));
      bucket.counts.forEach(function (count, w) { counts.set(w, count); });
    }
    var alike = new Map();
    found.forEach(function (w) { alike.set(w, analysis.ratio(word, w)); });
    var ranked = found.slice().sort(function (a, b) {
      var x = alike.get(a);
      var y = alike.get(b);
      if (x !== y) return x > y ? -1 : 1;
      x = counts.get(a);
      y = counts.get(b);
      if (x !== y) return x > y ? -1 : 1;
      return analysis.compare(a, b);
    });
    return ranked.slice(0, 3).map(function (w) {
      return [w, alike.get(w) >= 1 - 1.5 / Math.max(n, analysis.length(w)) ? 1 : 2];
    });
  };

  /** The terms of the parts of a compound (kb.engine.Engine._compound), the shards of
   * its parts asked for together: every head is looked up, and the tail of each head
   * known. */
  Engine.prototype.compound = function (word) {
    if (!this.features.has("compounds")) return null;
    var w = Array.from(word);
    var n = w.length;
    if (n > this.tuning.maxLookup) return null;
    var analyzer = this.analyzer;
    var stops = analyzer.stopWords;
    var pairs = [];
    for (var cut = 4; cut < n - 3; cut++) {
      var head = w.slice(0, cut).join("");
      var tail = w.slice(cut).join("");
      var heads = [head];
      if (head.endsWith("s") && cut > 4) heads.push(w.slice(0, cut - 1).join(""));
      heads.forEach(function (h) {
        if (!stops.has(h) && !stops.has(tail)) pairs.push([analyzer.stem(h), analyzer.stem(tail)]);
      });
    }
    this.needTerms(pairs.map(function (p) { return p[0]; }));
    var self = this;
    this.needTerms(pairs.filter(function (p) { return self.df(p[0]); }).map(function (p) {
      return p[1];
    }));
    return analyzer.compound(word, function (t) { return self.df(t) > 0; },
                             this.tuning.maxLookup);
  };

  /** [concepts, suggestion] (kb.engine.Engine.concepts). A concept is {word, variants,
   * known}, its variants a Map from phrase keys to weights in Python's order. */
  Engine.prototype.concepts = function (question) {
    var analyzer = this.analyzer;
    var tuning = this.tuning;
    var words = analyzer.meaningful(analyzer.words(question));
    var concepts = new Map();
    var corrected = new Map();
    var lookups = 0;
    for (var i = 0; i < words.length; i++) {
      var word = words[i];
      if (concepts.has(word)) continue;
      var term = analyzer.stem(word);
      var variants = this.knownVariants(word, term);
      var single = false;
      variants.forEach(function (weight, key) { single = single || key.indexOf(" ") < 0; });
      if (!single && lookups < tuning.maxCorrected) {
        lookups++;
        var fix = this.unknownVariants(word, variants);
        if (fix !== null) corrected.set(word, fix);
      }
      var known = variants.size > 0;
      concepts.set(word, {word: word, known: known,
                          variants: known ? variants : new Map([[term, tuning.same]])});
    }
    this.addPhrases(concepts, words);
    var chosen = Array.from(concepts.values());
    if (chosen.length > tuning.maxConcepts) {
      var self = this;
      var keyed = chosen.map(function (c) { return [-self.weight(c), c]; });
      keyed.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
      chosen = keyed.slice(0, tuning.maxConcepts).map(function (k) { return k[1]; });
    }
    var suggestion = null;
    if (corrected.size && words.length <= tuning.maxSuggested) {
      suggestion = analyzer.words(question).map(function (w) {
        return corrected.has(w) ? corrected.get(w) : w;
      }).join(" ");
    }
    return [chosen, suggestion];
  };

  /** The best idf of a concept's variants. */
  Engine.prototype.weight = function (concept) {
    var best = -Infinity;
    var self = this;
    concept.variants.forEach(function (w, key) { best = Math.max(best, self.idf(phraseOf(key))); });
    return best;
  };

  Engine.prototype.knownVariants = function (word, term) {
    var tuning = this.tuning;
    var variants = new Map();
    if (this.df(term)) variants.set(term, tuning.same);
    var forms = this.features.has("forms") ? this.analyzer.forms(word) : [];
    for (var i = 0; i < forms.length; i++) {
      if (this.df(forms[i]) && !variants.has(forms[i])) variants.set(forms[i], tuning.form);
    }
    var pairs = [[term, tuning.same]].concat(Array.from(variants));
    for (i = 0; i < pairs.length; i++) {
      this.addSynonyms(variants, phraseOf(pairs[i][0]), pairs[i][1]);
    }
    if (variants.has(term) && analysis.length(word) >= 8) {
      var parts = this.compound(word);
      var key = parts ? phraseKey([ALL].concat(parts)) : null;
      if (parts && !variants.has(key)) variants.set(key, tuning.compound * tuning.knownCompound);
    }
    return variants;
  };

  Engine.prototype.unknownVariants = function (word, variants) {
    var tuning = this.tuning;
    var fixes = this.corrections(word);
    var parts = fixes.length && fixes[0][1] === 1 ? null : this.compound(word);
    var i;
    if (parts) {
      variants.set(phraseKey([ALL].concat(parts)), tuning.compound);
      for (i = 0; i < parts.length; i++) {
        if (!variants.has(parts[i])) variants.set(parts[i], tuning.compound / 2);
        this.addSynonyms(variants, [parts[i]], tuning.compound / 2);
      }
      return null;
    }
    var analyzer = this.analyzer;
    this.needTerms(fixes.map(function (f) { return analyzer.stem(f[0]); }));
    for (i = 0; i < fixes.length; i++) {
      var weight = tuning.spelling[fixes[i][1] - 1];
      var fixed = analyzer.stem(fixes[i][0]);
      if (this.df(fixed) && (variants.has(fixed) ? variants.get(fixed) : 0) < weight) {
        variants.set(fixed, weight);
        this.addSynonyms(variants, [fixed], weight);
      }
    }
    return fixes.length ? fixes[0][0] : null;
  };

  Engine.prototype.addPhrases = function (concepts, words) {
    if (!this.features.has("synonyms")) return;
    var tuning = this.tuning;
    var matches = this.thesaurus.matches(words.map(this.analyzer.stem, this.analyzer));
    for (var m = 0; m < matches.length; m++) {
      var start = matches[m][0];
      var end = matches[m][1];
      if (end - start < 2) continue;
      var key = words.slice(start, end).join(" ");
      this.needTerms(firstTerms([matches[m][2]].concat(matches[m][3])));
      var variants = new Map();
      if (this.known(matches[m][2])) variants.set(phraseKey(matches[m][2]), tuning.same);
      var others = matches[m][3];
      for (var i = 0; i < others.length; i++) {
        var other = phraseKey(others[i]);
        if (this.known(others[i]) && !variants.has(other)) variants.set(other, tuning.synonym);
      }
      if (variants.size) {
        concepts.set(key, {word: key, variants: variants, known: true});
        words.slice(start, end).forEach(function (w) {
          if (concepts.has(w) && !concepts.get(w).known) concepts.delete(w);
        });
      }
    }
  };

  // --- Scores ---------------------------------------------------------------------

  Engine.prototype.scoreConcept = function (concept) {
    var tuning = this.tuning;
    var best = new Map();
    tuning.fields.forEach(function (name) { best.set(name, new Map()); });
    var together = new Map();
    var self = this;
    concept.variants.forEach(function (weight, key) {
      var variant = phraseOf(key);
      var terms = variant[0] === ALL ? variant.slice(1) : variant;
      if (terms.length === 1) {
        self.keepBestPerField(best, terms[0], weight);
      } else {
        var names = variant[0] === ALL ? tuning.fields : tuning.shortFields;
        self.keepBestTogether(together, terms, names, weight);
      }
    });
    var scores = new Map();
    best.forEach(function (fieldBest) {
      if (!scores.size) {
        scores = fieldBest;
        return;
      }
      fieldBest.forEach(function (score, doc) { add(scores, doc, score); });
    });
    together.forEach(function (score, doc) {
      if (score > (scores.has(doc) ? scores.get(doc) : 0)) scores.set(doc, score);
    });
    return scores;
  };

  Engine.prototype.keepBestPerField = function (best, term, weight) {
    var weights = this.tuning.fieldWeights;
    var fields = this.tuning.fields;
    for (var f = 0; f < fields.length; f++) {
      var name = fields[f];
      var fieldBest = best.get(name);
      var found = this.termScores(name, term);
      var factor = weights[name] * weight;
      if (!fieldBest.size) {
        var fresh = new Map();
        found.forEach(function (score, doc) { fresh.set(doc, score * factor); });
        best.set(name, fresh);
        continue;
      }
      found.forEach(function (score, doc) {
        score *= factor;
        if (score > (fieldBest.has(doc) ? fieldBest.get(doc) : 0)) fieldBest.set(doc, score);
      });
    }
  };

  Engine.prototype.keepBestTogether = function (together, terms, names, weight) {
    var weights = this.tuning.fieldWeights;
    var sums = [];
    for (var t = 0; t < terms.length; t++) {
      var total = new Map();
      for (var f = 0; f < names.length; f++) {
        var boost = weights[names[f]];
        this.termScores(names[f], terms[t]).forEach(function (score, doc) {
          add(total, doc, score * boost * weight);
        });
      }
      sums.push(total);
    }
    sums[0].forEach(function (first, doc) {
      var score = 0;
      for (var i = 0; i < sums.length; i++) {
        if (!sums[i].has(doc)) return;
        score += sums[i].get(doc);
      }
      if (score > (together.has(doc) ? together.get(doc) : 0)) together.set(doc, score);
    });
  };

  /** Per article whose title has a term asked: the share of its title's terms the
   * question covers (kb.engine.Engine._title_answered). */
  Engine.prototype.titleAnswered = function (asked) {
    var matched = new Map();
    var self = this;
    asked.forEach(function (term) {
      self.postings(term, "title").forEach(function (p) { add(matched, p[0], 1); });
    });
    var answered = new Map();
    if (!matched.size) return answered;
    var sizes = this.file("len").sizes;
    matched.forEach(function (count, doc) {
      answered.set(doc, count / (sizes.charCodeAt(doc) - 48));
    });
    return answered;
  };

  /** The ranked [score, coverage, doc] of a question, before its hits are read. */
  Engine.prototype.rank = function (question, limit) {
    var tuning = this.tuning;
    var found = this.concepts(question);
    var concepts = found[0];
    var result = {suggestion: found[1], hits: [], good: false,
                  unknown: concepts.filter(function (c) { return !c.known; })
                    .map(function (c) { return c.word; })};
    if (!concepts.some(function (c) { return c.known; })) return result;
    var asked = new Set();  // every term scored: their postings in one round trip
    concepts.forEach(function (c) {
      c.variants.forEach(function (w, key) {
        phraseOf(key).forEach(function (t) { if (t !== ALL) asked.add(t); });
      });
    });
    this.needPostings(Array.from(asked));
    var self = this;
    var weights = concepts.map(function (c) {
      return c.known ? self.weight(c) : self.meta.unknown_idf;
    });
    var totalWeight = weights.reduce(function (a, b) { return a + b; }, 0) || 1.0;
    var perConcept = concepts.map(this.scoreConcept, this);
    var totals = new Map();
    perConcept.forEach(function (scores) {
      scores.forEach(function (score, doc) { add(totals, doc, score); });
    });
    var wanted = Math.max(limit, tuning.candidates);
    var pool = Array.from(totals.keys());
    if (pool.length > wanted) {
      var values = Array.from(totals.values()).sort(function (a, b) { return b - a; });
      var cutoff = values[wanted - 1];
      pool = pool.filter(function (doc) { return totals.get(doc) >= cutoff; });
    }
    var candidates = pool.sort(function (a, b) {
      var x = totals.get(a);
      var y = totals.get(b);
      return x !== y ? (x > y ? -1 : 1) : a - b;
    }).slice(0, wanted);
    var answered = this.titleAnswered(asked);
    var ranked = candidates.map(function (doc) {
      var covered = 0;
      for (var i = 0; i < concepts.length; i++) {
        if (perConcept[i].has(doc)) covered += weights[i];
      }
      var coverage = covered / totalWeight;
      var title = answered.has(doc) ? answered.get(doc) : 0;
      var score = round3(totals.get(doc) * (tuning.coverageBase + coverage) *
                         (1 + tuning.titleMatch * title));
      return [score, round3(coverage), doc];
    });
    ranked.sort(function (a, b) { return a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : 0; });  // stable
    result.hits = ranked.slice(0, limit);
    result.good = result.hits.length > 0 && result.hits[0][1] >= tuning.goodCoverage;
    return result;
  };

  Engine.prototype.answer = function (question, ranked) {
    var block = this.meta.doc_block;
    var self = this;
    var good = this.tuning.goodCoverage;
    var hits = ranked.hits.map(function (r) {
      var stored = self.file("docs/" + Math.floor(r[2] / block))[r[2] % block];
      return {slug: own.call(stored, "slug") ? stored.slug : "", url: stored.url,
              title: stored.title, summary: stored.summary,
              src_uri: own.call(stored, "src_uri") ? stored.src_uri : "",
              policy: own.call(stored, "policy") ? stored.policy : null,
              kind: own.call(stored, "kind") ? stored.kind : "article",
              score: r[0], coverage: r[1]};
    });
    return {
      question: question, hits: hits, good: ranked.good, declined: !ranked.good,
      answers: ranked.good ? hits.filter(function (h) { return h.coverage >= good; }) : [],
      suggestion: ranked.good ? null : ranked.suggestion, unknown: ranked.unknown,
    };
  };

  // --- Loading the index in a page ---------------------------------------------------

  return {Engine: Engine, round3: round3, roundEven: roundEven,
          spellingShard: spellingShard, lexRange: lexRange, FEATURES: FEATURES};
});
