/* Search that understands word forms: a thin layer in front of Material's search worker.
 *
 * Material's worker appends "*" to every query term, and lunr does not stem wildcard
 * terms, so "drifts" found nothing and "Modellen" missed "Modell". Before Material sees a
 * query, this layer rewrites each term to the prefix its stem keeps (lunr's own Porter
 * stemmer for English, lunr-languages' Snowball stemmer for German, both shipped with
 * Material), splits German compounds into words the index knows, and adds the terms the
 * glossary lists for a word people type ("Bereitstellung" -> "Deployment"). The index
 * itself is untouched: one per language, built by MkDocs.
 *
 * Loaded as the search worker (the page's config points here; ?w= names Material's worker,
 * ?lang= the language). It sits beside Material's worker, whose relative "../lunr" paths
 * must keep working; mlk-synonyms.js is generated from content/glossary.yaml.
 */
(function () {
  "use strict";
  var params = new URLSearchParams(self.location.search);
  var lang = params.get("lang") || "en";
  var SETUP = 0, QUERY = 2, MIN = 3;
  self.MLK_SYNONYMS = {};
  importScripts("mlk-synonyms.js");
  var vocabulary = Object.create(null);
  var synonyms = null;

  function stemmer() {
    if (lang === "de") {
      if (!self.lunr.de) {
        importScripts("../lunr/min/lunr.stemmer.support.min.js", "../lunr/min/lunr.de.min.js");
      }
      return self.lunr.de.stemmer;
    }
    return self.lunr.stemmer;
  }

  /* The prefix of a word its stem keeps: suffix stripping shortens a word, and German
     Snowball also folds umlauts, so the original letters of that length are the prefix
     every inflected form in the (unstemmed) index starts with. */
  function prefix(word) {
    var stem = stemmer()(new self.lunr.Token(word)).toString();
    // Porter turns a final y into i ("canary" -> "canari", "registries" -> "registri"):
    // without that i the prefix matches both the singular and the plural.
    if (lang !== "de" && /i$/.test(stem) && /(y|ies)$/.test(word)) stem = stem.slice(0, -1);
    var n = Math.max(MIN, Math.min(word.length, stem.length));
    return word.slice(0, n);
  }

  function known(part) {
    if (part.length < 4) return false;
    for (var word in vocabulary) if (word.lastIndexOf(part, 0) === 0) return true;
    return false;
  }

  /* "Modellüberwachung" -> "modell", "überwach" when the index knows both parts (a
     linking s/es/n/en may join them); the shortest head that works wins. */
  function compound(word) {
    if (lang !== "de" || word.length < 9 || vocabulary[word]) return [];
    for (var i = 4; i <= word.length - 5; i++) {
      var head = word.slice(0, i), tail = prefix(word.slice(i));
      if (tail.length < 4 || !known(tail)) continue;
      var heads = [head, head.replace(/(es|en|s|n)$/, "")];
      for (var h = 0; h < heads.length; h++) {
        if (heads[h].length >= 4 && (known(heads[h]) || known(prefix(heads[h])))) {
          return [heads[h], tail];
        }
      }
    }
    return [];
  }

  function expansions(word) {
    if (!synonyms) {
      synonyms = Object.create(null);
      Object.keys(self.MLK_SYNONYMS).forEach(function (key) {
        synonyms[key] = self.MLK_SYNONYMS[key];
        synonyms[prefix(key)] = self.MLK_SYNONYMS[key];
      });
    }
    return synonyms[word] || synonyms[prefix(word)] || [];
  }

  function rewrite(query) {
    if (/["+\-~^:*]/.test(query)) return query;  // the learner's own lunr syntax wins
    var out = [];
    query.toLowerCase().split(/[\s\-]+/).forEach(function (word) {
      if (!word) return;
      if (word.length <= MIN) { out.push(word); return; }
      out.push(prefix(word));
      compound(word).forEach(function (part) { out.push(part); });
      expansions(word).forEach(function (term) {
        term.split(/\s+/).forEach(function (t) { if (t) out.push(t.length > MIN ? prefix(t) : t); });
      });
    });
    return out.filter(function (t, i) { return out.indexOf(t) === i; }).join(" ");
  }

  function learn(docs) {
    docs.forEach(function (doc) {
      ((doc.title || "") + " " + (doc.text || "")).replace(/<[^>]*>/g, " ").toLowerCase()
        .split(/[^\p{L}\p{N}]+/u).forEach(function (w) { if (w.length >= 4) vocabulary[w] = true; });
    });
  }

  /* Every page hands over a stub index (site/search_index.py): answer "ready" at once and
     fetch the full index on the first query, so pages nobody searches stay light. */
  var stub = null, loaded = false;
  function loadFull(base) {
    var xhr = new XMLHttpRequest();  // synchronous is fine in a worker
    xhr.open("GET", new URL("search_index.full.json", base).href, false);
    xhr.send();
    var full = JSON.parse(xhr.responseText);
    learn(full.docs);
    loaded = true;
    swallowReady = true;
    self.dispatchEvent(new MessageEvent("message", {data: {type: SETUP, data: {
      config: full.config, docs: full.docs, options: stubOptions}}}));
  }
  var stubOptions = {}, indexBase = null;
  // The page was told "ready" already: Material's own READY after the late setup is dropped.
  var post = self.postMessage.bind(self), swallowReady = false;
  self.postMessage = function (m) {
    if (swallowReady && m && m.type === 1) { swallowReady = false; return; }
    post(m);
  };

  self.addEventListener("message", function (ev) {
    var message = ev.data;
    if (!message) return;
    // Material's page passes the index on as {config, docs, options}: an empty list of
    // documents is the stub (no site has no pages).
    if (message.type === SETUP && message.data && message.data.docs &&
        message.data.docs.length === 0 && !loaded) {
      ev.stopImmediatePropagation();
      stub = message.data;
      stubOptions = message.data.options || {};
      indexBase = params.get("index") ? new URL(params.get("index"), self.location.href)
        : new URL("../../../search/", self.location.href);
      post({type: 1});  // READY: the learner can type
      return;
    }
    if (message.type === QUERY && stub && !loaded) {
      ev.stopImmediatePropagation();
      if (!String(message.data || "").trim()) {  // Material asks once with "" at start
        post({type: 3, data: {items: []}});
        return;
      }
      loadFull(indexBase);
      // Material builds its index asynchronously: ask again once it has.
      setTimeout(function () { self.dispatchEvent(new MessageEvent("message", {data: message})); }, 0);
      return;
    }
    if (message.type === SETUP && message.data && message.data.docs) {
      learn(message.data.docs);
    } else if (message.type === "mlk-rewrite") {  // for tests: how a query is rewritten
      ev.stopImmediatePropagation();
      if (stub && !loaded) loadFull(indexBase);
      self.postMessage({type: "mlk-rewritten", data: rewrite(message.data)});
    } else if (message.type === QUERY && typeof message.data === "string") {
      try { message.data = rewrite(message.data); } catch (err) { /* keep the query as typed */ }
    }
  });

  importScripts(params.get("w"));
})();
