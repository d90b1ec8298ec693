/* kb answer engine: text analysis, the same as kb/analysis.py (issue 16).
 *
 * The answer index is written by Python and questions are answered in the browser, so
 * a question must become exactly the terms Python would make of it: the same folding,
 * cleaning, words, stop words, Snowball stems (Whoosh's ports, not the official ones:
 * they differ), Dutch word forms, compound splits, spelling distances and synonym
 * phrases. tests/test_engine_js.py compares every function here with Python's.
 *
 * Python indexes strings by code point and JavaScript by UTF-16 unit: wherever a
 * length or a position matters the code here counts code points.
 *
 * No dependencies, no build step, no eval: it runs under a strict Content Security
 * Policy, in Node (module.exports) and in a page (globalThis.kbEngine.analysis).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.kbEngine = root.kbEngine || {};
    root.kbEngine.analysis = api;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  "use strict";

  // --- Python's character classes -------------------------------------------------

  // str.isspace() and re's \s: JavaScript's \s lacks \x1c-\x1f and \x85 and has \ufeff.
  var SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
    "\\u202f\\u205f\\u3000";
  // re's \w for str patterns is str.isalnum() or "_": letters and every character with a
  // numeric value, which are exactly the categories L and N. JavaScript's \w is ASCII.
  var WORD = "\\p{L}\\p{N}_";
  // str.isdigit(): decimal digits and the other characters of Numeric_Type Digit
  // (superscripts, circled and dingbat digits...), which no regex property names.
  var DIGIT = "\\p{Nd}\\xb2\\xb3\\xb9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079" +
    "\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd" +
    "\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{10a40}-\\u{10a43}" +
    "\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}";

  var IS_SPACE = new RegExp("^[" + SPACE + "]$", "u");
  var IS_WORD_CHAR = new RegExp("^[" + WORD + "]$", "u");
  var ALL_ALPHA = /^\p{L}+$/u;
  var ALL_DIGITS = new RegExp("^[" + DIGIT + "]+$", "u");
  var SOME_DIGIT = new RegExp("[" + DIGIT + "]", "u");
  var ASCII = /^[\x00-\x7f]*$/;

  function codePoints(text) {
    return Array.from(text);
  }

  function length(text) {  // in code points, as Python's len()
    var n = text.length;
    for (var i = 0; i < text.length - 1; i++) {
      var c = text.charCodeAt(i);
      var d = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
    return n;
  }

  // Python's order of strings: by code point (sort() compares UTF-16 units, which puts
  // characters above U+FFFF before U+E000-U+FFFF).
  function compare(a, b) {
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i);
      var y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    return j < b.length ? -1 : 0;
  }

  // --- fold -----------------------------------------------------------------------

  // str.casefold() is str.lower() except for these lowercase characters (the only
  // ones whose case folding differs after fold's NFKD and accent removal): sharp s,
  // final sigma, Greek iota subscripts, Cyrillic rounded letters and lowercase
  // Cherokee, which folds to uppercase.
  var FOLDS = {
    "\u00df": "ss", "\u0345": "\u03b9", "\u03c2": "\u03c3",
    "\u1fb2": "\u1f70\u03b9", "\u1fb3": "\u03b1\u03b9", "\u1fb4": "\u03ac\u03b9",
    "\u1fb7": "\u03b1\u0342\u03b9", "\u1fc2": "\u1f74\u03b9", "\u1fc3": "\u03b7\u03b9",
    "\u1fc4": "\u03ae\u03b9", "\u1fc7": "\u03b7\u0342\u03b9", "\u1ff2": "\u1f7c\u03b9",
    "\u1ff3": "\u03c9\u03b9", "\u1ff4": "\u03ce\u03b9", "\u1ff7": "\u03c9\u0342\u03b9",
  };
  (function () {
    var i;
    var rounded = "\u0432\u0434\u043e\u0441\u0442\u0442\u044a\u0463\ua64b";
    for (i = 0; i < rounded.length; i++) FOLDS[String.fromCharCode(0x1c80 + i)] = rounded[i];
    for (i = 0; i < 8; i++) {  // with ypogegrammeni: the letter, then iota
      FOLDS[String.fromCharCode(0x1f80 + i)] = String.fromCharCode(0x1f00 + i) + "\u03b9";
      FOLDS[String.fromCharCode(0x1f90 + i)] = String.fromCharCode(0x1f20 + i) + "\u03b9";
      FOLDS[String.fromCharCode(0x1fa0 + i)] = String.fromCharCode(0x1f60 + i) + "\u03b9";
    }
    for (i = 0x13f8; i <= 0x13fd; i++) FOLDS[String.fromCharCode(i)] = String.fromCharCode(i - 8);
    for (i = 0xab70; i <= 0xabbf; i++) {
      FOLDS[String.fromCharCode(i)] = String.fromCharCode(i - 0x97d0);
    }
  })();
  var FOLDED = new RegExp("[" + Object.keys(FOLDS).join("") + "]", "g");
  var COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  function foldOne(c) {
    return FOLDS[c];
  }

  /** Lowercase without accents: "Cafeïne" -> "cafeine" (kb.analysis.fold). */
  function fold(text) {
    text = text.toLowerCase().replace(FOLDED, foldOne);
    if (ASCII.test(text)) return text;
    return text.normalize("NFKD").replace(COMBINING, "");
  }

  // --- clean ----------------------------------------------------------------------

  var PLACEHOLDER = /\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\$\{[^}]*\}|\[\[[^\]]*\]\]/gs;
  var ATTR_LIST = new RegExp("\\{[" + SPACE + "]*[:.#][^}]*\\}", "g");
  var LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
  // Python's \b before a word character: no word character before it.
  var URL = new RegExp("(?<![" + WORD + "])(?:https?://|www\\.)[^" + SPACE + "]+" +
    "|[^" + SPACE + "]+@[^" + SPACE + "]+\\.[" + WORD + "]+", "gu");
  var TAG = /<[^>]+>/g;
  var ENTITY = new RegExp("&#?[" + WORD + "]+;", "gu");

  /** Text without markup, template placeholders, links' targets and addresses. */
  function clean(text) {
    if (text.indexOf("{") >= 0 || text.indexOf("[[") >= 0) {
      text = text.replace(PLACEHOLDER, " ").replace(ATTR_LIST, " ");
    }
    text = text.replace(LINK, "$1");
    if (text.indexOf("@") >= 0 || text.indexOf("://") >= 0 || text.indexOf("www.") >= 0) {
      text = text.replace(URL, " ");
    }
    return text.replace(TAG, " ").replace(ENTITY, " ");
  }

  // --- words ----------------------------------------------------------------------

  var WORDS = /[\p{L}\p{N}]+/gu;  // re's [^\W_]+

  function isDigits(word) {
    return ALL_DIGITS.test(word);
  }

  /** Order numbers, postcodes, tracking codes: digits that answer no question. */
  function noise(word) {
    if (ALL_ALPHA.test(word) || !SOME_DIGIT.test(word)) return false;
    return length(word) > 4 || !isDigits(word);
  }

  /** Folded words of text, markup and noise dropped, stop words kept. */
  function words(text) {
    var found = fold(clean(text)).match(WORDS) || [];
    return found.filter(function (w) { return !noise(w); });
  }

  // --- Snowball stemmers, as whoosh.lang.snowball ports them ----------------------

  // Python's s[i] for one index: negative counts from the end, outside raises.
  function at(s, i) {
    var j = i < 0 ? s.length + i : i;
    if (j < 0 || j >= s.length) throw new RangeError("string index out of range");
    return s.charAt(j);
  }

  function isIn(chars, c) {
    return chars.indexOf(c) >= 0;
  }

  function endsWithAny(word, suffixes) {
    for (var i = 0; i < suffixes.length; i++) if (word.endsWith(suffixes[i])) return true;
    return false;
  }

  function replaceAll(text, from, to) {
    return text.split(from).join(to);
  }

  // R1: after the first non-vowel following a vowel; R2: the same within R1.
  function regions(word, vowels) {
    var r1 = "";
    var r2 = "";
    var i;
    for (i = 1; i < word.length; i++) {
      if (!isIn(vowels, word[i]) && isIn(vowels, word[i - 1])) {
        r1 = word.slice(i + 1);
        break;
      }
    }
    for (i = 1; i < r1.length; i++) {
      if (!isIn(vowels, r1[i]) && isIn(vowels, r1[i - 1])) {
        r2 = r1.slice(i + 1);
        break;
      }
    }
    return [r1, r2];
  }

  // Letters between vowels that count as consonants, marked upper case: "y" at the
  // start or after a vowel, and (Dutch) "i" between vowels.
  function markConsonants(word, vowels, dutch) {
    var i;
    if (word.startsWith("y")) word = "Y" + word.slice(1);
    for (i = 1; i < word.length; i++) {
      if (isIn(vowels, word[i - 1]) && word[i] === "y") {
        word = word.slice(0, i) + "Y" + word.slice(i + 1);
      }
    }
    if (dutch) {
      for (i = 1; i < word.length - 1; i++) {
        if (isIn(vowels, word[i - 1]) && word[i] === "i" && isIn(vowels, word[i + 1])) {
          word = word.slice(0, i) + "I" + word.slice(i + 1);
        }
      }
    }
    return word;
  }

  var NL_VOWELS = "aeiouy\u00e8";
  var NL_UNDOUBLE = ["kk", "dd", "tt"];
  var NL_ACCENTS = /[\u00e4\u00e1\u00eb\u00e9\u00ed\u00ef\u00f6\u00f3\u00fc\u00fa]/g;
  var NL_PLAIN = {
    "\u00e4": "a", "\u00e1": "a", "\u00eb": "e", "\u00e9": "e", "\u00ed": "i",
    "\u00ef": "i", "\u00f6": "o", "\u00f3": "o", "\u00fc": "u", "\u00fa": "u",
  };

  function dutchStep1(s) {
    var suffixes = ["heden", "ene", "en", "se", "s"];
    for (var k = 0; k < suffixes.length; k++) {
      var suffix = suffixes[k];
      var n = suffix.length;
      if (!s.r1.endsWith(suffix)) continue;
      if (suffix === "heden") {
        s.word = s.word.slice(0, -5) + "heid";
        s.r1 = s.r1.slice(0, -5) + "heid";
        if (s.r2.endsWith("heden")) s.r2 = s.r2.slice(0, -5) + "heid";
      } else if ((suffix === "ene" || suffix === "en") && !s.word.endsWith("heden") &&
                 !isIn(NL_VOWELS, at(s.word, -n - 1)) &&
                 s.word.slice(-n - 3, -n) !== "gem") {
        chop(s, n);
        if (endsWithAny(s.word, NL_UNDOUBLE)) chop(s, 1);
      } else if ((suffix === "se" || suffix === "s") && !isIn(NL_VOWELS, at(s.word, -n - 1)) &&
                 at(s.word, -n - 1) !== "j") {
        chop(s, n);
      }
      break;
    }
  }

  // Cut n letters off the word and both regions (Python's s[:-n] clamps at empty).
  function chop(s, n) {
    s.word = s.word.slice(0, -n);
    s.r1 = s.r1.slice(0, -n);
    s.r2 = s.r2.slice(0, -n);
  }

  function dutchStep3b(s, step2) {
    var suffixes = ["baar", "lijk", "bar", "end", "ing", "ig"];
    for (var k = 0; k < suffixes.length; k++) {
      var suffix = suffixes[k];
      if (!s.r2.endsWith(suffix)) continue;
      if (suffix === "end" || suffix === "ing") {
        s.word = s.word.slice(0, -3);
        s.r2 = s.r2.slice(0, -3);
        if (s.r2.endsWith("ig") && at(s.word, -3) !== "e") s.word = s.word.slice(0, -2);
        else if (endsWithAny(s.word, NL_UNDOUBLE)) s.word = s.word.slice(0, -1);
      } else if (suffix === "ig" && at(s.word, -3) !== "e") {
        s.word = s.word.slice(0, -2);
      } else if (suffix === "lijk") {
        s.word = s.word.slice(0, -4);
        s.r1 = s.r1.slice(0, -4);
        if (s.r1.endsWith("e") && !isIn(NL_VOWELS, at(s.word, -2))) {
          s.word = s.word.slice(0, -1);
          if (endsWithAny(s.word, NL_UNDOUBLE)) s.word = s.word.slice(0, -1);
        }
      } else if (suffix === "baar") {
        s.word = s.word.slice(0, -4);
      } else if (suffix === "bar" && step2) {
        s.word = s.word.slice(0, -3);
      }
      break;
    }
  }

  function dutch(word) {
    var i;
    word = markConsonants(word.toLowerCase().replace(NL_ACCENTS, function (c) {
      return NL_PLAIN[c];
    }), NL_VOWELS, true);
    var rr = regions(word, NL_VOWELS);
    var s = {word: word, r1: rr[0], r2: rr[1]};
    // R1 is adjusted so that the region before it has at least 3 letters.
    for (i = 1; i < word.length; i++) {
      if (!isIn(NL_VOWELS, word[i]) && isIn(NL_VOWELS, word[i - 1])) {
        if (i + 1 < 3) s.r1 = word.slice(3);
        break;
      }
    }
    dutchStep1(s);
    var step2 = false;
    if (s.r1.endsWith("e") && !isIn(NL_VOWELS, at(s.word, -2))) {
      step2 = true;
      chop(s, 1);
      if (endsWithAny(s.word, NL_UNDOUBLE)) chop(s, 1);
    }
    if (s.r2.endsWith("heid") && at(s.word, -5) !== "c") {
      chop(s, 4);
      if (s.r1.endsWith("en") && !isIn(NL_VOWELS, at(s.word, -3)) &&
          s.word.slice(-5, -2) !== "gem") {
        chop(s, 2);
        if (endsWithAny(s.word, NL_UNDOUBLE)) chop(s, 1);
      }
    }
    dutchStep3b(s, step2);
    word = s.word;
    // Undouble a vowel: "aa", "ee", "oo", "uu" between consonants.
    if (word.length >= 4 && !isIn(NL_VOWELS, at(word, -1)) && at(word, -1) !== "I" &&
        ["aa", "ee", "oo", "uu"].indexOf(word.slice(-3, -1)) >= 0 &&
        !isIn(NL_VOWELS, at(word, -4))) {
      word = word.slice(0, -3) + at(word, -3) + at(word, -1);
    }
    return replaceAll(replaceAll(word, "I", "i"), "Y", "y");
  }

  var EN_VOWELS = "aeiouy";
  var EN_DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  var EN_LI_ENDING = "cdeghkmnrt";
  var EN_SPECIAL = new Map([
    ["skis", "ski"], ["skies", "sky"], ["dying", "die"], ["lying", "lie"], ["tying", "tie"],
    ["idly", "idl"], ["gently", "gentl"], ["ugly", "ugli"], ["early", "earli"],
    ["only", "onli"], ["singly", "singl"], ["sky", "sky"], ["news", "news"],
    ["howe", "howe"], ["atlas", "atlas"], ["cosmos", "cosmos"], ["bias", "bias"],
    ["andes", "andes"], ["inning", "inning"], ["innings", "inning"], ["outing", "outing"],
    ["outings", "outing"], ["canning", "canning"], ["cannings", "canning"],
    ["herring", "herring"], ["herrings", "herring"], ["earring", "earring"],
    ["earrings", "earring"], ["proceed", "proceed"], ["proceeds", "proceed"],
    ["proceeded", "proceed"], ["proceeding", "proceed"], ["exceed", "exceed"],
    ["exceeds", "exceed"], ["exceeded", "exceed"], ["exceeding", "exceed"],
    ["succeed", "succeed"], ["succeeds", "succeed"], ["succeeded", "succeed"],
    ["succeeding", "succeed"],
  ]);

  function hasVowel(text) {
    for (var i = 0; i < text.length; i++) if (isIn(EN_VOWELS, text[i])) return true;
    return false;
  }

  // The suffix replaced by `by` in the word and in each region long enough to hold it;
  // a shorter region becomes `r1short`/`r2short` (Whoosh leaves "e" in some cases).
  function swap(s, suffix, by, r2short) {
    var n = suffix.length;
    s.word = s.word.slice(0, -n) + by;
    s.r1 = s.r1.length >= n ? s.r1.slice(0, -n) + by : "";
    s.r2 = s.r2.length >= n ? s.r2.slice(0, -n) + by : r2short;
  }

  function englishStep1a(s) {
    var suffixes = ["sses", "ied", "ies", "us", "ss", "s"];
    for (var k = 0; k < suffixes.length; k++) {
      var suffix = suffixes[k];
      if (!s.word.endsWith(suffix)) continue;
      if (suffix === "sses") {
        chop(s, 2);
      } else if (suffix === "ied" || suffix === "ies") {
        chop(s, s.word.slice(0, -suffix.length).length > 1 ? 2 : 1);
      } else if (suffix === "s") {
        if (hasVowel(s.word.slice(0, -2))) chop(s, 1);
      }
      break;
    }
  }

  function englishStep1b(s) {
    var suffixes = ["eedly", "ingly", "edly", "eed", "ing", "ed"];
    for (var k = 0; k < suffixes.length; k++) {
      var suffix = suffixes[k];
      var n = suffix.length;
      if (!s.word.endsWith(suffix)) continue;
      if (suffix === "eed" || suffix === "eedly") {
        if (s.r1.endsWith(suffix)) swap(s, suffix, "ee", "");
      } else if (hasVowel(s.word.slice(0, -n))) {
        chop(s, n);
        var w = s.word;
        if (endsWithAny(w, ["at", "bl", "iz"])) {
          s.word += "e";
          s.r1 += "e";
          if (s.word.length > 5 || s.r1.length >= 3) s.r2 += "e";
        } else if (endsWithAny(w, EN_DOUBLES)) {
          chop(s, 1);
        } else if ((s.r1 === "" && w.length >= 3 && !isIn(EN_VOWELS, at(w, -1)) &&
                    !isIn("wxY", at(w, -1)) && isIn(EN_VOWELS, at(w, -2)) &&
                    !isIn(EN_VOWELS, at(w, -3))) ||
                   (s.r1 === "" && w.length === 2 && isIn(EN_VOWELS, at(w, 0)) &&
                    !isIn(EN_VOWELS, at(w, 1)))) {
          s.word += "e";
          if (s.r1.length > 0) s.r1 += "e";
          if (s.r2.length > 0) s.r2 += "e";
        }
      }
      break;
    }
  }

  var EN_STEP2 = ["ization", "ational", "fulness", "ousness", "iveness", "tional", "biliti",
    "lessli", "entli", "ation", "alism", "aliti", "ousli", "iviti", "fulli", "enci", "anci",
    "abli", "izer", "ator", "alli", "bli", "ogi", "li"];
  var EN_STEP2_SWAPS = {
    izer: ["ize", ""], ization: ["ize", ""], ational: ["ate", "e"], ation: ["ate", "e"],
    ator: ["ate", "e"], alism: ["al", ""], aliti: ["al", ""], alli: ["al", ""],
    ousli: ["ous", ""], ousness: ["ous", ""], iveness: ["ive", "e"], iviti: ["ive", "e"],
    biliti: ["ble", ""], bli: ["ble", ""],
  };

  function englishStep2(s) {
    for (var k = 0; k < EN_STEP2.length; k++) {
      var suffix = EN_STEP2[k];
      if (!s.word.endsWith(suffix)) continue;
      if (s.r1.endsWith(suffix)) {
        if (suffix === "tional" || suffix === "entli" || suffix === "fulli" ||
            suffix === "lessli") {
          chop(s, 2);
        } else if (suffix === "enci" || suffix === "anci" || suffix === "abli") {
          swap(s, "i", "e", "");
        } else if (Object.prototype.hasOwnProperty.call(EN_STEP2_SWAPS, suffix)) {
          swap(s, suffix, EN_STEP2_SWAPS[suffix][0], EN_STEP2_SWAPS[suffix][1]);
        } else if (suffix === "fulness") {
          chop(s, 4);
        } else if (suffix === "ogi" && at(s.word, -4) === "l") {
          chop(s, 1);
        } else if (suffix === "li" && isIn(EN_LI_ENDING, at(s.word, -3))) {
          chop(s, 2);
        }
      }
      break;
    }
  }

  var EN_STEP3 = ["ational", "tional", "alize", "icate", "iciti", "ative", "ical", "ness",
    "ful"];

  function englishStep3(s) {
    for (var k = 0; k < EN_STEP3.length; k++) {
      var suffix = EN_STEP3[k];
      if (!s.word.endsWith(suffix)) continue;
      if (s.r1.endsWith(suffix)) {
        if (suffix === "tional") chop(s, 2);
        else if (suffix === "ational") swap(s, suffix, "ate", "");
        else if (suffix === "alize") chop(s, 3);
        else if (suffix === "icate" || suffix === "iciti" || suffix === "ical") {
          swap(s, suffix, "ic", "");
        } else if (suffix === "ful" || suffix === "ness") chop(s, suffix.length);
        else if (suffix === "ative" && s.r2.endsWith(suffix)) chop(s, 5);
      }
      break;
    }
  }

  var EN_STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism",
    "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic"];

  function englishStep4(s) {
    for (var k = 0; k < EN_STEP4.length; k++) {
      var suffix = EN_STEP4[k];
      if (!s.word.endsWith(suffix)) continue;
      if (s.r2.endsWith(suffix)) {
        if (suffix !== "ion") chop(s, suffix.length);
        else if (isIn("st", at(s.word, -4))) chop(s, 3);
      }
      break;
    }
  }

  function english(word) {
    word = word.toLowerCase();
    if (EN_SPECIAL.has(word)) return EN_SPECIAL.get(word);
    word = word.replace(/[\u2019\u2018\u201b]/g, "'");
    if (word.startsWith("'")) word = word.slice(1);
    word = markConsonants(word, EN_VOWELS, false);
    var s = {word: word, r1: "", r2: ""};
    if (word.startsWith("gener") || word.startsWith("commun") || word.startsWith("arsen")) {
      s.r1 = word.slice(word.startsWith("commun") ? 6 : 5);
      for (var i = 1; i < s.r1.length; i++) {
        if (!isIn(EN_VOWELS, s.r1[i]) && isIn(EN_VOWELS, s.r1[i - 1])) {
          s.r2 = s.r1.slice(i + 1);
          break;
        }
      }
    } else {
      var rr = regions(word, EN_VOWELS);
      s.r1 = rr[0];
      s.r2 = rr[1];
    }
    var step0 = ["'s'", "'s", "'"];
    for (var k = 0; k < step0.length; k++) {
      if (s.word.endsWith(step0[k])) {
        chop(s, step0[k].length);
        break;
      }
    }
    englishStep1a(s);
    englishStep1b(s);
    if (s.word.length > 2 && isIn("yY", at(s.word, -1)) && !isIn(EN_VOWELS, at(s.word, -2))) {
      swap(s, "y", "i", "");
    }
    englishStep2(s);
    englishStep3(s);
    englishStep4(s);
    word = s.word;
    if (s.r2.endsWith("l") && at(word, -2) === "l") {
      word = word.slice(0, -1);
    } else if (s.r2.endsWith("e")) {
      word = word.slice(0, -1);
    } else if (s.r1.endsWith("e")) {
      if (word.length >= 4 && (isIn(EN_VOWELS, at(word, -2)) || isIn("wxY", at(word, -2)) ||
                               !isIn(EN_VOWELS, at(word, -3)) || isIn(EN_VOWELS, at(word, -4)))) {
        word = word.slice(0, -1);
      }
    }
    return replaceAll(word, "Y", "y");
  }

  var STEMMERS = {nl: dutch, en: english};

  // The stemmers index by UTF-16 unit. A word has no private-use characters (they are
  // no letters), so each character above U+FFFF stands in for one while stemming.
  function stemmerOf(core) {
    return function (word) {
      word = word.toLowerCase();
      if (!/[\ud800-\udfff]/.test(word)) return core(word);
      var astral = [];
      var coded = word.replace(/[\ud800-\udbff][\udc00-\udfff]/g, function (c) {
        var k = astral.indexOf(c);
        if (k < 0) k = astral.push(c) - 1;
        return String.fromCharCode(0xe000 + k);
      });
      return core(coded).replace(/[\ue000-\uf8ff]/g, function (c) {
        return astral[c.charCodeAt(0) - 0xe000];
      });
    };
  }

  // --- Edit distance, spellings, similarity ---------------------------------------

  /** Whether the Levenshtein distance of a and b is at most maxdist. */
  function withinDistance(a, b, maxdist) {
    a = codePoints(a);
    b = codePoints(b);
    if (Math.abs(a.length - b.length) > maxdist) return false;
    var previous = [];
    var j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var d = Math.min(previous[j] + 1, current[j - 1] + 1,
                         previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        current.push(d);
        if (d < least) least = d;
      }
      if (least > maxdist) return false;
      previous = current;
    }
    return previous[previous.length - 1] <= maxdist;
  }

  /** word and every form of it with up to depth letters left out (a Set). */
  function deletionForms(word, depth) {
    if (depth === undefined) depth = 1;
    var forms = new Set([word]);
    var edge = [word];
    for (var round = 0; round < depth; round++) {
      var next = new Set();
      edge.forEach(function (w) {
        var cps = codePoints(w);
        for (var i = 0; i < cps.length; i++) {
          next.add(cps.slice(0, i).join("") + cps.slice(i + 1).join(""));
        }
      });
      next.forEach(function (w) { forms.add(w); });
      edge = Array.from(next);
    }
    return forms;
  }

  /** The index's spelling words, found by the deletions they share with a word
   * (kb.search._Spellings). */
  function Spellings(list) {
    this.table = new Map();
    var table = this.table;
    list.forEach(function (word) {
      deletionForms(word, length(word) >= 5 ? 2 : 1).forEach(function (form) {
        var words = table.get(form);
        if (words) words.push(word);
        else table.set(form, [word]);
      });
    });
  }

  Spellings.prototype.within = function (word, maxdist, prefix) {
    var table = this.table;
    var found = new Set();
    deletionForms(word, maxdist).forEach(function (form) {
      (table.get(form) || []).forEach(function (c) { found.add(c); });
    });
    var start = codePoints(word).slice(0, prefix).join("");
    return Array.from(found).filter(function (c) {
      return codePoints(c).slice(0, prefix).join("") === start && withinDistance(word, c, maxdist);
    }).sort(compare);
  };

  // difflib.SequenceMatcher(None, a, b).find_longest_match: the longest block, the
  // earliest in a, then in b; then grown over "popular" elements left out of b2j.
  function longestMatch(a, b, b2j, alo, ahi, blo, bhi) {
    var besti = alo;
    var bestj = blo;
    var bestsize = 0;
    var j2len = new Map();
    for (var i = alo; i < ahi; i++) {
      var next = new Map();
      var places = b2j.get(a[i]) || [];
      for (var p = 0; p < places.length; p++) {
        var j = places[p];
        if (j < blo) continue;
        if (j >= bhi) break;
        var k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi &&
           a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    return [besti, bestj, bestsize];
  }

  /** difflib.SequenceMatcher(None, a, b).ratio(), autojunk included. */
  function ratio(a, b) {
    a = codePoints(a);
    b = codePoints(b);
    var total = a.length + b.length;
    if (!total) return 1.0;
    var b2j = new Map();
    b.forEach(function (c, j) {
      var places = b2j.get(c);
      if (places) places.push(j);
      else b2j.set(c, [j]);
    });
    if (b.length >= 200) {
      var most = Math.floor(b.length / 100) + 1;
      Array.from(b2j.keys()).forEach(function (c) {
        if (b2j.get(c).length > most) b2j.delete(c);
      });
    }
    var matches = 0;
    var queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var m = longestMatch(a, b, b2j, q[0], q[1], q[2], q[3]);
      var i = m[0];
      var j = m[1];
      var k = m[2];
      if (k) {
        matches += k;
        if (q[0] < i && q[2] < j) queue.push([q[0], i, q[2], j]);
        if (i + k < q[1] && j + k < q[3]) queue.push([i + k, q[1], j + k, q[3]]);
      }
    }
    return 2.0 * matches / total;
  }

  // --- Synonym groups -------------------------------------------------------------

  function key(phrase) {
    return phrase.join(" ");  // terms have no spaces
  }

  /** Synonym groups as analysed phrases (kb.synonyms.Thesaurus), from the groups
   * `analysis_spec` exports: each group a list of phrases, each a list of terms. */
  function Thesaurus(groups) {
    this.phrases = groups;
    this.index = new Map();
    this.longest = 1;
    for (var number = 0; number < groups.length; number++) {
      for (var p = 0; p < groups[number].length; p++) {
        var phrase = groups[number][p];
        var numbers = this.index.get(key(phrase));
        if (!numbers) this.index.set(key(phrase), [number]);
        else if (numbers[numbers.length - 1] !== number) numbers.push(number);
        this.longest = Math.max(this.longest, phrase.length);
      }
    }
  }

  Thesaurus.prototype.has = function (phrase) {
    return this.index.has(key(phrase));
  };

  /** The other phrases of every group phrase is in. */
  Thesaurus.prototype.alternatives = function (phrase) {
    var own = key(phrase);
    var seen = new Set();
    var others = [];
    var phrases = this.phrases;
    (this.index.get(own) || []).forEach(function (number) {
      phrases[number].forEach(function (p) {
        var k = key(p);
        if (k !== own && !seen.has(k)) {
          seen.add(k);
          others.push(p);
        }
      });
    });
    return others;
  };

  /** Every phrase of terms that belongs to a group: [start, end, phrase, the group's
   * other phrases], longest phrases first at each position. */
  Thesaurus.prototype.matches = function (terms) {
    var found = [];
    for (var start = 0; start < terms.length; start++) {
      for (var n = Math.min(this.longest, terms.length - start); n > 0; n--) {
        var phrase = terms.slice(start, start + n);
        if (this.index.has(key(phrase))) {
          found.push([start, start + n, phrase, this.alternatives(phrase)]);
        }
      }
    }
    return found;
  };

  // --- One language ---------------------------------------------------------------

  /** Words -> terms for the language of spec (kb.analysis.analysis_spec): what
   * kb.analysis.Analyzer does, with the site's synonym groups as `thesaurus`. */
  function Analyzer(spec) {
    this.language = spec.language;
    this.stopWords = new Set(spec.stop_words.concat(spec.extra_stop_words));
    if (spec.stemmer === null) {
      this.stemmer = function (w) { return w; };
    } else if (Object.prototype.hasOwnProperty.call(STEMMERS, spec.stemmer)) {
      this.stemmer = stemmerOf(STEMMERS[spec.stemmer]);
    } else {
      throw new Error("kb: no JavaScript stemmer for language " + spec.stemmer);
    }
    this.thesaurus = new Thesaurus(spec.thesaurus);
    this.cache = new Map();
  }

  Analyzer.prototype.words = words;

  Analyzer.prototype.stem = function (word) {
    var term = this.cache.get(word);
    if (term === undefined) {
      term = this.stemmer(word) || word;
      if (this.cache.size < 200000) this.cache.set(word, term);
    }
    return term;
  };

  Analyzer.prototype.meaningful = function (list) {
    var stop = this.stopWords;
    return list.filter(function (w) {
      return !stop.has(w) && (length(w) > 1 || isDigits(w));
    });
  };

  /** The index terms of text. */
  Analyzer.prototype.terms = function (text) {
    return this.meaningful(words(text)).map(this.stem, this);
  };

  /** Candidate terms for other forms of a Dutch word (participles, diminutives,
   * conjugations) that the stemmer does not join. */
  Analyzer.prototype.forms = function (word) {
    var w = codePoints(word);
    var n = w.length;
    if (this.language !== "nl" || n < 4) return [];
    var bases = [];
    function cut(list, k) { return list.slice(0, list.length - k); }
    ["etjes", "etje"].forEach(function (ending) {
      if (word.endsWith(ending) && n > ending.length + 3) {
        var stem = cut(w, ending.length);
        if (stem[stem.length - 1] === stem[stem.length - 2]) bases.push(cut(stem, 1));
      }
    });
    ["tjes", "tje", "jes", "je", "pje", "pjes", "ske", "skes"].forEach(function (ending) {
      if (word.endsWith(ending) && n > ending.length + 2) bases.push(cut(w, ending.length));
    });
    if ((word.endsWith("d") || word.endsWith("t")) && n > 4) {
      var bare = cut(w, 1);
      bases.push(bare);
      if (word.startsWith("ge") && bare.length > 4) bases.push(bare.slice(2));
    }
    bases.push(w);
    var candidates = [];
    bases.forEach(function (b) {
      var m = b.length;
      var base = b.join("");
      var stems = [base];
      if (m > 3 && b[m - 2] === b[m - 3] && isIn("aeou", b[m - 2])) {
        stems.push(b.slice(0, m - 2).join("") + b[m - 1]);
      }
      if (m > 2 && !isIn("aeiou", b[m - 1]) && isIn("aeiou", b[m - 2])) {
        stems.push(base + b[m - 1]);
      }
      stems.forEach(function (s) { candidates.push(s, s + "en", s + "ing"); });
      ["d", "t", "de", "te"].forEach(function (e) { candidates.push(base + e, "ge" + base + e); });
    });
    var own = this.stem(word);
    var found = [];
    var seen = new Set();
    for (var i = 0; i < candidates.length; i++) {
      var t = this.stem(candidates[i]);
      if (t !== own && !seen.has(t)) {
        seen.add(t);
        found.push(t);
      }
    }
    return found;
  };

  /** The terms of the parts of a compound ("retourlabel" -> retour, label) whose
   * terms known(term) accepts, the longest shortest part winning; null when none
   * (kb.search.Searcher._compound). */
  Analyzer.prototype.compound = function (word, known, maxLookup) {
    var w = codePoints(word);
    var n = w.length;
    if (n > maxLookup) return null;
    var stop = this.stopWords;
    var best = null;
    var bestLength = 0;
    for (var cut = 4; cut < n - 3; cut++) {
      var head = w.slice(0, cut).join("");
      var tail = w.slice(cut).join("");
      var heads = [[head, cut]];
      if (head.endsWith("s") && cut > 4) heads.push([w.slice(0, cut - 1).join(""), cut - 1]);
      for (var h = 0; h < heads.length; h++) {
        if (stop.has(heads[h][0]) || stop.has(tail)) continue;
        if (known(this.stem(heads[h][0])) && known(this.stem(tail))) {
          var shortest = Math.min(heads[h][1], n - cut);
          if (best === null || shortest > bestLength) {
            best = [heads[h][0], tail];
            bestLength = shortest;
          }
        }
      }
    }
    return best === null ? null : best.map(this.stem, this);
  };

  return {
    fold: fold,
    clean: clean,
    words: words,
    noise: noise,
    withinDistance: withinDistance,
    deletionForms: deletionForms,
    ratio: ratio,
    compare: compare,
    length: length,
    Spellings: Spellings,
    Thesaurus: Thesaurus,
    Analyzer: Analyzer,
    stemmers: {nl: stemmerOf(dutch), en: stemmerOf(english)},
    // Python's str predicates on one character, for the parity test.
    python: {
      isSpace: function (c) { return IS_SPACE.test(c); },
      isWordChar: function (c) { return IS_WORD_CHAR.test(c); },
      isDigit: function (c) { return isDigits(c); },
      isAlpha: function (c) { return ALL_ALPHA.test(c); },
    },
  };
});
