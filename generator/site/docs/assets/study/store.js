/* Study mode: the learner's progress, kept in this browser (localStorage) by question id.

One record per site (keyed by the site's root path), shared by both languages. Every change
re-reads the stored record first, so a German and an English tab never overwrite each
other's reviews. Export writes the record as JSON; import checks every field before it
touches anything and merges (the more recently reviewed copy of a card wins). */

export const FORMAT = "mlops-interview-kit/progress";
export const VERSION = 1;
const MAX_LOG = 20000; // about 1 MB; older review entries only feed the retention figure
const MAX_FILE = 10 * 1024 * 1024;
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ProgressError extends Error {
  /** code: "json" | "format" | "newer" | "field" | "size"; where: the offending field. */
  constructor(code, where = "") {
    super(`${code}${where ? `: ${where}` : ""}`);
    this.code = code;
    this.where = where;
  }
}

export function defaultSettings() {
  return { newPerDay: 10, filters: { categories: [], difficulties: [], tags: [] } };
}

export function empty() {
  return {
    format: FORMAT, version: VERSION, cards: {}, log: [], flagged: {},
    settings: defaultSettings(), extra: { day: "", n: 0 },
  };
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isCount = (v, max = 1e9) => Number.isInteger(v) && v >= 0 && v <= max;
const isNumber = (v, min, max) => typeof v === "number" && Number.isFinite(v) && v >= min
  && v <= max;

function when(value, where) {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ProgressError("field", where);
  return new Date(ms).toISOString();
}

function card(value, where) {
  if (!isObject(value)) throw new ProgressError("field", where);
  const out = {
    due: when(value.due, `${where}.due`),
    stability: value.stability,
    difficulty: value.difficulty,
    scheduled_days: value.scheduled_days,
    learning_steps: value.learning_steps,
    reps: value.reps,
    lapses: value.lapses,
    state: value.state,
    last_review: value.last_review == null ? null
      : when(value.last_review, `${where}.last_review`),
  };
  const checks = {
    stability: isNumber(out.stability, 0, 1e7),
    difficulty: isNumber(out.difficulty, 0, 10),
    scheduled_days: isCount(out.scheduled_days),
    learning_steps: isCount(out.learning_steps, 1000),
    reps: isCount(out.reps),
    lapses: isCount(out.lapses),
    state: isCount(out.state, 3),
  };
  for (const [field, ok] of Object.entries(checks)) {
    if (!ok) throw new ProgressError("field", `${where}.${field}`);
  }
  return out;
}

function strings(value, where) {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 500
      || value.some((s) => typeof s !== "string" || s.length > 100)) {
    throw new ProgressError("field", where);
  }
  return value.slice();
}

/** A checked, normalised copy of a progress record; throws ProgressError. */
export function validate(data) {
  if (!isObject(data) || data.format !== FORMAT) throw new ProgressError("format", "format");
  if (!Number.isInteger(data.version) || data.version < 1) {
    throw new ProgressError("format", "version");
  }
  if (data.version > VERSION) throw new ProgressError("newer", "version");
  const out = empty();
  if (!isObject(data.cards)) throw new ProgressError("field", "cards");
  for (const [id, value] of Object.entries(data.cards)) {
    if (!ID.test(id) || id.length > 120) throw new ProgressError("field", `cards.${id}`);
    out.cards[id] = card(value, `cards.${id}`);
  }
  if (!Array.isArray(data.log)) throw new ProgressError("field", "log");
  out.log = data.log.map((entry, i) => {
    const ok = Array.isArray(entry) && entry.length === 4 && typeof entry[0] === "string"
      && ID.test(entry[0]) && isNumber(entry[1], 0, 8.64e15) && isCount(entry[2], 4)
      && entry[2] >= 1 && isCount(entry[3], 3);
    if (!ok) throw new ProgressError("field", `log.${i}`);
    return entry.slice();
  });
  if (data.flagged !== undefined) {
    if (!isObject(data.flagged)) throw new ProgressError("field", "flagged");
    for (const [id, t] of Object.entries(data.flagged)) {
      if (!ID.test(id) || !isNumber(t, 0, 8.64e15)) {
        throw new ProgressError("field", `flagged.${id}`);
      }
      out.flagged[id] = t;
    }
  }
  if (data.settings !== undefined) {
    const s = data.settings;
    if (!isObject(s) || !isCount(s.newPerDay, 999) || (s.filters !== undefined
        && !isObject(s.filters))) {
      throw new ProgressError("field", "settings");
    }
    const f = s.filters || {};
    out.settings = {
      newPerDay: s.newPerDay,
      filters: {
        categories: strings(f.categories, "settings.filters.categories"),
        difficulties: strings(f.difficulties, "settings.filters.difficulties"),
        tags: strings(f.tags, "settings.filters.tags"),
      },
    };
  }
  if (data.extra !== undefined) {
    const e = data.extra;
    if (!isObject(e) || typeof e.day !== "string" || (e.day && !DATE.test(e.day))
        || !isCount(e.n, 9999)) {
      throw new ProgressError("field", "extra");
    }
    out.extra = { day: e.day, n: e.n };
  }
  return out;
}

/** Parse an exported file; throws ProgressError (nothing is changed by a failure). */
export function parse(text) {
  if (typeof text !== "string" || text.length > MAX_FILE) throw new ProgressError("size");
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProgressError("json");
  }
  return validate(data);
}

const newer = (a, b) => (a.last_review || "") > (b.last_review || "")
  || ((a.last_review || "") === (b.last_review || "") && a.reps > b.reps);

/** Local progress plus an imported record: per card the more recently reviewed copy, every
 * review entry once, the imported settings. Returns the new record and how many cards the
 * import brought in or updated. */
export function merge(local, incoming) {
  const out = JSON.parse(JSON.stringify(local));
  let taken = 0;
  for (const [id, value] of Object.entries(incoming.cards)) {
    if (!out.cards[id] || newer(value, out.cards[id])) {
      out.cards[id] = value;
      taken += 1;
    }
  }
  const seen = new Set(out.log.map((e) => `${e[0]}|${e[1]}`));
  for (const entry of incoming.log) {
    if (!seen.has(`${entry[0]}|${entry[1]}`)) out.log.push(entry);
  }
  out.log.sort((a, b) => a[1] - b[1]);
  for (const [id, t] of Object.entries(incoming.flagged)) {
    out.flagged[id] = Math.max(out.flagged[id] || 0, t);
  }
  out.settings = incoming.settings;
  return { state: out, taken };
}

function probe() {
  try {
    const key = "mlk-study-probe";
    window.localStorage.setItem(key, "1");
    window.localStorage.removeItem(key);
    return true;
  } catch {
    return false;
  }
}

export class Store {
  /** `key`: the storage key, one per site (both languages share it). */
  constructor(key) {
    this.key = key;
    this.persistent = probe();
    this.memory = empty();
    this.unreadable = false;
    this.state = this.read();
  }

  read() {
    if (!this.persistent) return JSON.parse(JSON.stringify(this.memory));
    const raw = window.localStorage.getItem(this.key);
    if (!raw) return empty();
    try {
      return validate(JSON.parse(raw));
    } catch {
      // Keep the unreadable record aside instead of losing it, and start afresh.
      this.unreadable = true;
      try {
        window.localStorage.setItem(`${this.key}:unreadable`, raw);
        window.localStorage.removeItem(this.key);
      } catch { /* quota: the record stays where it is */ }
      return empty();
    }
  }

  write(state) {
    if (state.log.length > MAX_LOG) state.log = state.log.slice(-MAX_LOG);
    this.memory = state;
    if (!this.persistent) return;
    try {
      window.localStorage.setItem(this.key, JSON.stringify(state));
    } catch {
      this.persistent = false; // full or blocked: carry on in memory, the page says so
    }
  }

  /** Apply `change(state)` to the freshest stored record and save it. */
  update(change) {
    const state = this.read();
    change(state);
    this.write(state);
    this.state = state;
    return state;
  }

  refresh() {
    this.state = this.read();
    return this.state;
  }

  exported(now) {
    return `${JSON.stringify({ ...this.read(), exported: new Date(now).toISOString() },
      null, 1)}\n`;
  }

  /** Merge an exported file in; throws ProgressError and then changes nothing. */
  import(text) {
    const incoming = parse(text);
    let taken = 0;
    this.update((state) => {
      const merged = merge(state, incoming);
      taken = merged.taken;
      Object.assign(state, merged.state);
    });
    return taken;
  }

  clear() {
    this.write(empty());
    this.state = empty();
  }
}
