// archbook search: answers queries in the page from the index `archbook build` writes under search/
// (format: docs/search-index.md). Text is normalised, split and stemmed exactly as
// Sources/ArchbookCore/Search/SearchText.swift does. Over http the index is fetched as JSON; from disk
// (file://, where fetch is blocked) the same data comes as scripts calling archbookSearchData().
// No network access beyond the site's own files, no dependencies; results are built with DOM calls only.
(function () {
  "use strict";

  // ---- Text, as SearchText.swift -----------------------------------------------------------------

  function normalize(s) { return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(); }
  function words(s) { return normalize(s).match(/[\p{L}\p{N}]+/gu) || []; }
  function term(w) { return /^[a-z]{3,}$/.test(w) ? stem(w) : w; }

  // M. F. Porter's 1980 stemmer with Porter2's step 1c, step by step as PorterStemmer in SearchText.swift.
  function isConsonant(b, i) {
    var c = b[i];
    if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
    if (c === "y") return i === 0 ? true : !isConsonant(b, i - 1);
    return true;
  }
  function measure(b, count) {
    var n = 0, i = 0;
    while (i < count && isConsonant(b, i)) i++;
    while (i < count) {
      while (i < count && !isConsonant(b, i)) i++;
      if (i >= count) break;
      n++;
      while (i < count && isConsonant(b, i)) i++;
    }
    return n;
  }
  function hasVowel(b, count) { for (var i = 0; i < count; i++) if (!isConsonant(b, i)) return true; return false; }
  function doubleConsonant(b, count) { return count >= 2 && b[count - 1] === b[count - 2] && isConsonant(b, count - 1); }
  function cvc(b, count) {
    if (count < 3 || !isConsonant(b, count - 1) || isConsonant(b, count - 2) || !isConsonant(b, count - 3)) return false;
    var c = b[count - 1];
    return c !== "w" && c !== "x" && c !== "y";
  }
  function ends(b, s) { return b.length >= s.length && b.slice(b.length - s.length).join("") === s; }
  function replace(b, suffix, by, minMeasure) {
    if (!ends(b, suffix)) return false;
    var stemLength = b.length - suffix.length;
    if (measure(b, stemLength) > minMeasure) b.splice(stemLength, suffix.length, ...by.split(""));
    return true;
  }
  var STEP2 = [["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"],
    ["abli", "able"], ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"], ["ization", "ize"],
    ["ation", "ate"], ["ator", "ate"], ["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"],
    ["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"]];
  var STEP3 = [["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""], ["ness", ""]];
  var STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism",
    "ate", "iti", "ous", "ive", "ize"];
  function stem(word) {
    if (word.length <= 2) return word;
    var b = word.split(""), i;
    // 1a
    if (ends(b, "sses") || ends(b, "ies")) b.length -= 2;
    else if (ends(b, "ss")) { /* kept */ }
    else if (ends(b, "s")) b.length -= 1;
    // 1b
    if (ends(b, "eed")) {
      if (measure(b, b.length - 3) > 0) b.length -= 1;
    } else {
      var removed = false;
      if (ends(b, "ed") && hasVowel(b, b.length - 2)) { b.length -= 2; removed = true; }
      else if (ends(b, "ing") && hasVowel(b, b.length - 3)) { b.length -= 3; removed = true; }
      if (removed) {
        if (ends(b, "at") || ends(b, "bl") || ends(b, "iz")) b.push("e");
        else if (doubleConsonant(b, b.length) && "lsz".indexOf(b[b.length - 1]) < 0) b.length -= 1;
        else if (measure(b, b.length) === 1 && cvc(b, b.length)) b.push("e");
      }
    }
    // 1c, as in Porter2: only a y after a consonant that is not the first letter becomes i.
    if (ends(b, "y") && b.length >= 3 && "aeiouy".indexOf(b[b.length - 2]) < 0) b[b.length - 1] = "i";
    for (i = 0; i < STEP2.length; i++) if (replace(b, STEP2[i][0], STEP2[i][1], 0)) break;
    for (i = 0; i < STEP3.length; i++) if (replace(b, STEP3[i][0], STEP3[i][1], 0)) break;
    for (i = 0; i < STEP4.length; i++) {
      var suffix = STEP4[i];
      if (!ends(b, suffix)) continue;
      var stemLength = b.length - suffix.length;
      if (suffix === "ion" && !(stemLength > 0 && (b[stemLength - 1] === "s" || b[stemLength - 1] === "t"))) break;
      if (measure(b, stemLength) > 1) b.length = stemLength;
      break;
    }
    if (ends(b, "e")) {
      var m = measure(b, b.length - 1);
      if (m > 1 || (m === 1 && !cvc(b, b.length - 1))) b.length -= 1;
    }
    if (measure(b, b.length) > 1 && doubleConsonant(b, b.length) && b[b.length - 1] === "l") b.length -= 1;
    return b.join("");
  }

  // ---- Loading ---------------------------------------------------------------------------------------

  var script = document.currentScript;
  var base = script ? script.src.replace(/assets\/archbook-search\.js(\?.*)?$/, "") : "";
  var cache = {}, waiting = {};

  window.archbookSearchData = function (name, data) {
    cache[name] = data;
    (waiting[name] || []).forEach(function (w) { w.resolve(data); });
    delete waiting[name];
  };

  function load(name) {
    if (cache[name]) return Promise.resolve(cache[name]);
    // The per-document files exist only as scripts (docs/search-index.md), over http too.
    if (location.protocol === "file:" || name.indexOf("docs/") === 0) {
      return new Promise(function (resolve, reject) {
        var first = !waiting[name];
        (waiting[name] = waiting[name] || []).push({ resolve: resolve, reject: reject });
        if (!first) return;
        var s = document.createElement("script");
        s.src = base + "search/" + name + ".js";
        s.onerror = function () {
          (waiting[name] || []).forEach(function (w) { w.reject(new Error("cannot load search/" + name + ".js")); });
          delete waiting[name];
        };
        document.head.appendChild(s);
      });
    }
    return fetch(base + "search/" + name + ".json").then(function (r) {
      if (!r.ok) throw new Error("cannot load search/" + name + ".json (" + r.status + ")");
      return r.json();
    }).then(function (data) { cache[name] = data; return data; });
  }

  // ---- The index -------------------------------------------------------------------------------------

  function Index(meta) {
    this.meta = meta;
    this.sorted = {};
  }
  Index.open = function () {
    if (!Index.current) {
      Index.current = load("index").then(function (meta) {
        if (meta.version !== 2) throw new Error("the search index has format version " + meta.version + "; this script reads version 2");
        return new Index(meta);
      });
    }
    return Index.current;
  };
  Index.prototype.shardOf = function (t) {
    var shards = this.meta.shards, lo = 0, hi = shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  /** Terms of a shard (or of the whole index) as {terms, keys}, keys sorted as the index sorts them. */
  Index.prototype.shard = function (k) {
    var self = this;
    if (!this.meta.split) return Promise.resolve(this.keyed("all", this.meta.terms));
    return load("terms-" + k).then(function (terms) { return self.keyed(k, terms); });
  };
  Index.prototype.keyed = function (k, terms) {
    if (!this.sorted[k]) this.sorted[k] = { terms: terms, keys: Object.keys(terms).sort() };
    return this.sorted[k];
  };
  Index.prototype.postings = function (t) {
    return this.shard(this.meta.split ? this.shardOf(t) : 0).then(function (s) {
      return Object.prototype.hasOwnProperty.call(s.terms, t) ? s.terms[t] : null;
    });
  };
  /** Index terms beginning with `prefix`, across as many shards as they span. */
  Index.prototype.withPrefix = function (prefix) {
    var self = this, out = [];
    function scan(k) {
      return self.shard(k).then(function (s) {
        var keys = s.keys, lo = 0, hi = keys.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < prefix) lo = mid + 1; else hi = mid; }
        for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0; i++) out.push([keys[i], s.terms[keys[i]]]);
        var more = self.meta.split && k + 1 < self.meta.shards.length && self.meta.shards[k + 1].lastIndexOf(prefix, 0) === 0;
        return more ? scan(k + 1) : out;
      });
    }
    return scan(this.meta.split ? this.shardOf(prefix) : 0);
  };
  /** How many term shards hold terms beginning with `prefix` (1 for an index in one file). */
  Index.prototype.shardSpan = function (prefix) {
    if (!this.meta.split) return 1;
    var n = 1, shards = this.meta.shards;
    for (var k = this.shardOf(prefix) + 1; k < shards.length && shards[k].lastIndexOf(prefix, 0) === 0; k++) n++;
    return n;
  };
  Index.prototype.doc = function (k) {
    return this.meta.split ? load("docs/" + k) : Promise.resolve(this.meta.docs[k]);
  };
  Index.prototype.facets = function () {
    return this.meta.split ? load("facets") : Promise.resolve(this.meta.facetData);
  };

  /** Postings as {doc: weighted score}. */
  function decode(list, weight, into) {
    var idf = list[0] / 100, doc = 0;
    for (var i = 1; i + 1 < list.length; i += 2) {
      doc += list[i];
      var score = idf * list[i + 1] / 100 * weight, prev = into[doc];
      if (!prev || prev.score < score) into[doc] = { score: score };
    }
    return into;
  }

  function editDistanceAtMost(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return false;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
        if (cur[j] < best) best = cur[j];
      }
      if (best > max) return false;
      prev2 = prev; prev = cur;
    }
    return prev[b.length] <= max;
  }

  // ---- Queries ---------------------------------------------------------------------------------------

  var FACETS = ["kind", "status", "tag", "year"];

  /** `kind:decision status:"in progress" "exact phrase" words` */
  function parse(q, prefixes) {
    var out = { filters: { kind: [], status: [], tag: [], year: [] }, phrases: [], words: [], idTerm: null, open: false };
    var rest = q.replace(/(^|\s)(kind|status|tag|year):(?:"([^"]*)"?|(\S*))/gi, function (m, sp, f, quoted, plain) {
      var v = quoted !== undefined ? quoted : plain;
      if (v) out.filters[f.toLowerCase()].push(normalize(v).trim());
      return " ";
    });
    rest = rest.replace(/"([^"]*)("?)/g, function (m, p) {
      var ws = words(p);
      if (ws.length > 1) out.phrases.push(ws.map(term));
      return " " + p + " ";
    });
    var ws = words(rest);
    out.open = ws.length > 0 && !/[\s"]$/.test(q);
    // An ID: "ADR-12", "adr 12", "ADR12", or a bare number such as "0012".
    var compact = normalize(rest).replace(/[\s_-]+/g, "");
    var m = /^([a-z]*)0*(\d+)$/.exec(compact);
    if (m && (m[1] === "" || prefixes.indexOf(m[1]) >= 0)) out.idTerm = (m[1] ? m[1] + "-" : "#") + parseInt(m[2], 10);
    out.words = ws;
    return out;
  }

  function facetMatches(facet, selected, value, label) {
    if (!selected.length) return true;
    var v = normalize(value), l = label ? normalize(label) : "";
    return selected.some(function (s) { return s === v || s === l || (facet === "kind" && s + "s" === v); });
  }

  /**
   * Runs a query: resolves to {results: [{doc, score}], counts: {facet: [[value, label, count]]}, fuzzy}.
   * Documents must match every word (a word matches through its stem, the prefix being typed, or, when nothing
   * else does, a close spelling); an ID puts its document first; phrases are checked in the documents' text.
   */
  function search(index, query) {
    var q = parse(query, index.meta.prefixes);
    var fuzzyUsed = false, expanded = {};
    var wordJobs = q.words.map(function (w, i) {
      var isLast = i === q.words.length - 1 && q.open;
      var t = term(w), hits = {};
      return index.postings(t).then(function (list) {
        if (list) decode(list, 1, hits);
        if (!isLast && list) return hits;
        var prefixJobs = [index.withPrefix(w)];
        if (t !== w) prefixJobs.push(index.withPrefix(t));
        return Promise.all(prefixJobs).then(function (groups) {
          var seen = {};
          groups.forEach(function (g) {
            g.sort(function (a, b) { return b[1].length - a[1].length; });
            g.slice(0, 40).forEach(function (e) {
              if (seen[e[0]] || e[0] === t) return;
              seen[e[0]] = true;
              expanded[e[0]] = true;
              decode(e[1], isLast ? 0.8 : 0.6, hits);
            });
          });
          // A stem the typed word runs past ("deploym" → "deploy"), only when the word matches nothing as it
          // stands (else "backup" would also find every "back"), and only the longest such stem.
          var shorter = [];
          var runsPast = isLast && !Object.keys(hits).length;
          for (var n = w.length - 1; runsPast && n >= 4; n--) shorter.push(index.postings(w.slice(0, n)));
          return Promise.all(shorter).then(function (lists) {
            lists.some(function (l, k) {
              if (l) { decode(l, 0.7, hits); expanded[w.slice(0, w.length - 1 - k)] = true; }
              return !!l;
            });
            if (Object.keys(hits).length || w.length < 4 || /^\d+$/.test(w)) return hits;
            // Nothing at all: close spellings that start with the same letter, or with the same two or three
            // letters when the one letter's terms fill more than a few shards of a split index.
            var lead = w[0];
            while (lead.length < 3 && index.shardSpan(lead) > 8) lead = w.slice(0, lead.length + 1);
            return index.withPrefix(lead).then(function (cands) {
              var max = w.length >= 7 ? 2 : 1;
              cands.forEach(function (e) {
                if (e[0].length > 2 && (editDistanceAtMost(w, e[0], max) || editDistanceAtMost(t, e[0], max))) {
                  decode(e[1], 0.5, hits);
                  fuzzyUsed = true;
                  expanded[e[0]] = true;
                }
              });
              return hits;
            });
          });
        });
      });
    });
    var idJob = q.idTerm ? index.postings(q.idTerm) : Promise.resolve(null);
    return Promise.all([Promise.all(wordJobs), idJob, index.facets()]).then(function (parts) {
      var perWord = parts[0], idList = parts[1], facetData = parts[2];
      var idDocs = {};
      if (idList) { var d = 0; for (var i = 1; i < idList.length; i += 2) { d += idList[i]; idDocs[d] = true; } }
      var scores = {};
      if (perWord.length) {
        // Every word must match; an ID query also keeps its document even when the words do not all match.
        Object.keys(perWord[0]).forEach(function (doc) {
          var total = 0;
          for (var k = 0; k < perWord.length; k++) {
            var h = perWord[k][doc];
            if (!h) return;
            total += h.score;
          }
          scores[doc] = { score: total };
        });
      } else if (anyFilter(q)) {
        for (var n = 0; n < index.meta.documents; n++) scores[n] = { score: 0 };
      }
      Object.keys(idDocs).forEach(function (doc) {
        scores[doc] = { score: 1e6 + (scores[doc] ? scores[doc].score : 0) };
      });
      var docs = Object.keys(scores).map(Number);
      var counts = facetCounts(index, facetData, docs, q.filters);
      docs = docs.filter(function (doc) { return passes(index, facetData, doc, q.filters, null); });
      docs.sort(function (a, b) {
        return scores[b].score - scores[a].score || yearOf(index, facetData, b) - yearOf(index, facetData, a) || a - b;
      });
      var results = docs.map(function (doc) { return { doc: doc, score: scores[doc].score }; });
      q.expanded = expanded;
      if (!q.phrases.length) return { results: results, counts: counts, fuzzy: fuzzyUsed, query: q };
      return keepPhrases(index, results, q.phrases).then(function (kept) {
        return { results: kept, counts: counts, fuzzy: fuzzyUsed, query: q };
      });
    });
  }

  function anyFilter(q) { return FACETS.some(function (f) { return q.filters[f].length > 0; }); }

  function facetValue(index, facetData, facet, doc) {
    var codes = facetData[facet], values = index.meta.facets[facet], k;
    if (typeof codes === "string") { var c = codes.charCodeAt(doc); k = c === 33 ? -1 : (c > 92 ? c - 36 : c - 35); }
    else k = codes[doc];
    return k >= 0 ? values[k] : null;
  }

  function yearOf(index, facetData, doc) {
    var v = facetValue(index, facetData, "year", doc);
    return v ? parseInt(v[0], 10) : 0;
  }

  function tagsOf(index, facetData, doc) {
    if (!facetData.tagDocs) {
      facetData.tagDocs = facetData.tag.map(function (gaps) {
        var set = {}, d = 0;
        gaps.forEach(function (g) { d += g; set[d] = true; });
        return set;
      });
    }
    var out = [];
    facetData.tagDocs.forEach(function (set, k) { if (set[doc]) out.push(index.meta.facets.tag[k]); });
    return out;
  }

  function passes(index, facetData, doc, filters, except) {
    for (var i = 0; i < FACETS.length; i++) {
      var f = FACETS[i], selected = filters[f];
      if (f === except || !selected.length) continue;
      if (f === "tag") {
        if (!tagsOf(index, facetData, doc).some(function (v) { return facetMatches(f, selected, v[0]); })) return false;
      } else {
        var v = facetValue(index, facetData, f, doc);
        if (!v || !facetMatches(f, selected, v[0], f === "kind" ? v[1] : null)) return false;
      }
    }
    return true;
  }

  /** Counts per facet value over the matches, each facet ignoring its own selection (so choices add up). */
  function facetCounts(index, facetData, docs, filters) {
    var counts = {};
    FACETS.forEach(function (f) {
      var values = index.meta.facets[f], c = values.map(function () { return 0; });
      docs.forEach(function (doc) {
        if (!passes(index, facetData, doc, filters, f)) return;
        if (f === "tag") {
          tagsOf(index, facetData, doc).forEach(function (v) { c[values.indexOf(v)]++; });
        } else {
          var v = facetValue(index, facetData, f, doc);
          if (v) c[values.indexOf(v)]++;
        }
      });
      counts[f] = values.map(function (v, k) { return { value: v[0], label: f === "kind" ? v[1] : v[0], count: c[k] }; })
        .filter(function (e) { return e.count > 0 || filters[f].indexOf(normalize(e.value)) >= 0; });
    });
    return counts;
  }

  /** Phrases are checked in the text of the best-scoring candidates, as many as a page of results needs. */
  function keepPhrases(index, results, phrases) {
    var kept = [], i = 0, limit = 60;
    function next() {
      if (i >= results.length || i >= limit) return Promise.resolve(kept);
      var r = results[i++];
      return index.doc(r.doc).then(function (frag) {
        var seq = [];
        frag[7].forEach(function (s) { words(s[1] + " " + s[2]).forEach(function (w) { seq.push(term(w)); }); });
        words(frag[1]).forEach(function (w) { seq.push(term(w)); });
        if (phrases.every(function (p) { return containsRun(seq, p); })) kept.push(r);
        return next();
      });
    }
    return next();
  }

  function containsRun(seq, run) {
    outer: for (var i = 0; i + run.length <= seq.length; i++) {
      for (var j = 0; j < run.length; j++) if (seq[i + j] !== run[j]) continue outer;
      return true;
    }
    return false;
  }

  // ---- Showing results -------------------------------------------------------------------------------

  /** A match of a query word in displayed text: same term, or the prefix being typed. */
  function matcher(q) {
    var terms = {}, prefixes = [];
    q.words.forEach(function (w, i) {
      terms[term(w)] = true;
      if (i === q.words.length - 1 && q.open) prefixes.push(w);
    });
    q.phrases.forEach(function (p) { p.forEach(function (t) { terms[t] = true; }); });
    Object.keys(q.expanded || {}).forEach(function (t) { terms[t] = true; });
    return function (token) {
      var n = normalize(token);
      if (terms[term(n)] || terms[n]) return true;
      return prefixes.some(function (p) { return n.lastIndexOf(p, 0) === 0; });
    };
  }

  /** Appends `text` to `el` with matched words in <mark>, cut to about `size` words around the first match. */
  function highlight(el, text, isMatch, size) {
    var re = /[\p{L}\p{N}\p{M}]+/gu, tokens = [], m;
    while ((m = re.exec(text))) tokens.push({ start: m.index, end: m.index + m[0].length, hit: isMatch(m[0]) });
    var first = tokens.findIndex(function (t) { return t.hit; });
    var from = 0, to = tokens.length;
    if (size && tokens.length > size) {
      from = Math.max(0, (first < 0 ? 0 : first) - Math.floor(size / 3));
      to = Math.min(tokens.length, from + size);
    }
    var start = from > 0 ? tokens[from].start : 0, end = to < tokens.length ? tokens[to - 1].end : text.length;
    if (from > 0) el.appendChild(document.createTextNode("… "));
    var at = start;
    for (var i = from; i < to; i++) {
      var t = tokens[i];
      if (!t.hit) continue;
      el.appendChild(document.createTextNode(text.slice(at, t.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(t.start, t.end);
      el.appendChild(mark);
      at = t.end;
    }
    el.appendChild(document.createTextNode(text.slice(at, end)));
    if (to < tokens.length) el.appendChild(document.createTextNode(" …"));
    return first >= 0;
  }

  function slug(s) { return normalize(s).replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "") || "x"; }

  /** One result as a list item: linked title, ID, kind, status badge, date and a snippet. */
  function resultItem(index, r, frag, isMatch, kindLabels) {
    var li = document.createElement("li");
    li.className = "search-result";
    var segs = frag[7], best = 0, bestHits = -1;
    segs.forEach(function (s, k) {
      var hits = 0;
      (s[1] + " " + s[2]).replace(/[\p{L}\p{N}\p{M}]+/gu, function (w) { if (isMatch(w)) hits++; return w; });
      if (hits > bestHits) { best = k; bestHits = hits; }
    });
    var seg = segs[best];
    var a = document.createElement("a");
    a.className = "search-result-title";
    a.href = base + frag[5] + (seg && seg[0] && bestHits > 0 ? "#" + encodeURIComponent(seg[0]) : "");
    if (frag[0]) {
      var id = document.createElement("span");
      id.className = "doc-id";
      id.textContent = frag[0];
      a.appendChild(id);
      a.appendChild(document.createTextNode(" "));
    }
    var title = document.createElement("span");
    highlight(title, frag[1], isMatch, 0);
    a.appendChild(title);
    li.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "search-result-meta";
    meta.appendChild(document.createTextNode(kindLabels[frag[2]] || frag[2] || "Document"));
    if (frag[3]) {
      meta.appendChild(document.createTextNode(" "));
      var badge = document.createElement("span");
      badge.className = "badge status-" + slug(frag[3]);
      badge.textContent = frag[3];
      meta.appendChild(badge);
    }
    if (frag[4]) {
      meta.appendChild(document.createTextNode(" "));
      var time = document.createElement("time");
      time.dateTime = frag[4];
      time.textContent = frag[4];
      meta.appendChild(time);
    }
    li.appendChild(meta);
    if (seg) {
      var p = document.createElement("p");
      p.className = "search-snippet";
      if (seg[1] && bestHits > 0) {
        var h = document.createElement("span");
        h.className = "search-snippet-heading";
        highlight(h, seg[1], isMatch, 0);
        p.appendChild(h);
        p.appendChild(document.createTextNode(" — "));
      }
      highlight(p, seg[2], isMatch, 28);
      li.appendChild(p);
    }
    return li;
  }

  /** Up/down arrows move between the result links and the box; Escape returns to the box. */
  function keyboard(input, list, onEscape) {
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a.search-result-title")); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { var l = links(); if (l.length) { e.preventDefault(); l[0].focus(); } }
      else if (e.key === "Escape") { onEscape(); }
    });
    list.addEventListener("keydown", function (e) {
      var l = links(), k = l.indexOf(document.activeElement);
      if (k < 0) return;
      if (e.key === "ArrowDown") { e.preventDefault(); if (k + 1 < l.length) l[k + 1].focus(); }
      else if (e.key === "ArrowUp") { e.preventDefault(); if (k > 0) l[k - 1].focus(); else input.focus(); }
      else if (e.key === "Escape") { e.preventDefault(); input.focus(); onEscape(); }
    });
  }

  function kindLabelsOf(index) {
    var labels = {};
    index.meta.facets.kind.forEach(function (v) { labels[v[0]] = v[1].replace(/s$/, ""); });
    return labels;
  }

  /** Renders results into `list`, `count` at a time; resolves once they are in the page. */
  function show(index, outcome, list, count) {
    var isMatch = matcher(outcome.query), labels = kindLabelsOf(index);
    var shown = outcome.results.slice(0, count);
    return Promise.all(shown.map(function (r) { return index.doc(r.doc); })).then(function (frags) {
      list.textContent = "";
      shown.forEach(function (r, k) { list.appendChild(resultItem(index, r, frags[k], isMatch, labels)); });
    });
  }

  // ---- The box in every page's header -----------------------------------------------------------------

  function debounce(f, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(f, ms); };
  }

  function setupHeader(form) {
    var input = form.querySelector("input[type=search]");
    var panel = form.querySelector(".search-dropdown");
    var list = panel.querySelector("ol");
    var status = panel.querySelector(".search-dropdown-status");
    var generation = 0;
    function close() { panel.hidden = true; list.setAttribute("data-open", "false"); }
    function run() {
      var q = input.value;
      var mine = ++generation;
      if (!q.trim()) { close(); return; }
      Index.open().then(function (index) {
        return search(index, q).then(function (outcome) {
          if (mine !== generation) return;
          return show(index, outcome, list, 8).then(function () {
            if (mine !== generation) return;
            var n = outcome.results.length;
            status.textContent = n ? n + (n === 1 ? " result" : " results") + (outcome.fuzzy ? " (close spellings)" : "") : "No results";
            panel.hidden = false;
            list.setAttribute("data-open", "true");
          });
        });
      }).catch(function (e) { status.textContent = "Search is unavailable: " + e.message; panel.hidden = false; });
    }
    input.addEventListener("input", debounce(run, 60));
    input.addEventListener("focus", function () { Index.open(); });
    keyboard(input, list, close);
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  }

  // ---- The search page --------------------------------------------------------------------------------

  function setupPage(page) {
    var input = page.querySelector("input[type=search]");
    var list = page.querySelector(".search-results");
    var status = page.querySelector(".search-status");
    var facetsBox = page.querySelector(".search-facets");
    var more = page.querySelector(".search-more");
    var generation = 0, count = 20, last = null;
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";

    function toggle(facet, value, on) {
      var token = facet + ":" + (/\s/.test(value) ? "\"" + value + "\"" : value);
      // A trailing space closes the last word (no prefix matching): keep it as it was, so that the counts the
      // boxes showed are the counts the new query gets.
      var tail = /[\s"]$/.test(input.value) ? " " : "";
      var q = input.value.replace(new RegExp("(^|\\s)" + facet + ":(\"" + escapeRe(value) + "\"|" + escapeRe(value) + ")(?=\\s|$)", "gi"), " ").trim();
      input.value = (on ? (q + " " + token).trim() : q) + (q || on ? tail : "");
      run();
    }
    function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

    function renderFacets(index, outcome) {
      facetsBox.textContent = "";
      var names = { kind: "Kind", status: "Status", tag: "Tag", year: "Year" };
      FACETS.forEach(function (f) {
        var entries = outcome.counts[f];
        if (!entries.length) return;
        var fs = document.createElement("fieldset");
        var legend = document.createElement("legend");
        legend.textContent = names[f];
        fs.appendChild(legend);
        entries.forEach(function (e, k) {
          var id = "facet-" + f + "-" + k;
          var box = document.createElement("input");
          box.type = "checkbox";
          box.id = id;
          box.checked = outcome.query.filters[f].indexOf(normalize(e.value)) >= 0
            || (f === "kind" && outcome.query.filters[f].indexOf(normalize(e.label)) >= 0);
          box.addEventListener("change", function () { toggle(f, e.value, box.checked); });
          var label = document.createElement("label");
          label.htmlFor = id;
          label.textContent = e.label + " (" + e.count + ")";
          var row = document.createElement("div");
          row.className = "facet-option";
          row.appendChild(box);
          row.appendChild(label);
          fs.appendChild(row);
        });
        facetsBox.appendChild(fs);
      });
    }

    function run() {
      var q = input.value, mine = ++generation;
      var url = new URL(location.href);
      // Trailing space kept: it changes the answer (the last word is then complete, not a prefix).
      if (q.trim()) url.searchParams.set("q", q.replace(/^\s+/, "")); else url.searchParams.delete("q");
      if (location.protocol !== "file:" || url.href !== location.href) {
        try { history.replaceState(null, "", url.href); } catch (e) { /* some browsers refuse on file: */ }
      }
      if (!q.trim()) {
        list.textContent = "";
        facetsBox.textContent = "";
        status.textContent = "Type to search every document. Try an ID such as ADR-1, a phrase in quotes, or kind:decision.";
        more.hidden = true;
        return Promise.resolve();
      }
      var started = performance.now();
      return Index.open().then(function (index) {
        return search(index, q).then(function (outcome) {
          if (mine !== generation) return;
          last = { index: index, outcome: outcome };
          var ms = performance.now() - started;
          page.setAttribute("data-query-ms", ms.toFixed(1));
          renderFacets(index, outcome);
          return show(index, outcome, list, count).then(function () {
            if (mine !== generation) return;
            var n = outcome.results.length;
            status.textContent = (n ? n + (n === 1 ? " document" : " documents") : "No documents") + " match"
              + (n === 1 ? "es" : "") + (outcome.fuzzy ? " (including close spellings)" : "") + ".";
            more.hidden = n <= count;
            page.setAttribute("data-ready", String(mine));
          });
        });
      }).catch(function (e) { status.textContent = "Search is unavailable: " + e.message; });
    }
    more.addEventListener("click", function () {
      count += 20;
      if (last) show(last.index, last.outcome, list, count).then(function () { more.hidden = last.outcome.results.length <= count; });
    });
    input.addEventListener("input", debounce(function () { count = 20; run(); }, 60));
    page.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); run(); });
    keyboard(input, list, function () { });
    run();
  }

  // "/" focuses the search box, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var box = document.querySelector(".search-page input[type=search]") || document.querySelector(".site-search input[type=search]");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });

  var page = document.querySelector(".search-page");
  if (page) setupPage(page);
  var header = document.querySelector("form.site-search");
  if (header && !page) setupHeader(header);

  // For tests and the benchmark: the same functions the page uses.
  window.archbookSearch = { normalize: normalize, words: words, term: term, stem: stem, parse: parse,
    open: Index.open, search: search };
})();
