/* Study mode: the daily spaced-repetition queue (FSRS via the vendored ts-fsrs). */

import {
  $, duration, fill, focusIn, item, matches, number, relative, say, studyDay, tick, ticked,
} from "./util.js";

const F = globalThis.FSRS;
const LEARN_AHEAD = 20 * 60e3; // like Anki: a learning card may come up to 20 min early
const GOOD = 3;

export function scheduler() {
  return F.fsrs(F.generatorParameters({
    request_retention: 0.9, maximum_interval: 365, enable_fuzz: true,
  }));
}

/** A stored card as ts-fsrs input (a new card when nothing is stored). */
export function fsrsCard(stored, now) {
  if (!stored) return F.createEmptyCard(new Date(now));
  const last = stored.last_review ? Date.parse(stored.last_review) : null;
  return {
    ...stored,
    due: new Date(stored.due),
    last_review: last === null ? undefined : new Date(last),
    elapsed_days: last === null ? 0 : Math.max(0, Math.floor((now - last) / 864e5)),
  };
}

function stored(card) {
  return {
    due: card.due.toISOString(), stability: card.stability, difficulty: card.difficulty,
    scheduled_days: card.scheduled_days, learning_steps: card.learning_steps, reps: card.reps,
    lapses: card.lapses, state: card.state,
    last_review: card.last_review ? new Date(card.last_review).toISOString() : null,
  };
}

/** What to study now: the next card and today's counts. `deck` is the bank, in order. */
export function plan(deck, state, now) {
  const day = studyDay(now);
  const today = state.log.filter((e) => e[1] >= day.start);
  const newDone = new Set(today.filter((e) => e[3] === 0).map((e) => e[0])).size;
  const extra = state.extra.day === day.key ? state.extra.n : 0;
  const newLeft = Math.max(0, state.settings.newPerDay + extra - newDone);
  const learningNow = []; const learningLater = []; const reviews = [];
  const fresh = []; const flagged = [];
  let later = Infinity;
  for (const card of deck) {
    const s = state.cards[card.id];
    const flag = state.flagged[card.id];
    if (flag && (!s || !s.last_review || Date.parse(s.last_review) < flag)) {
      flagged.push(card); // weak in a mock interview: due today, whatever the filters
      continue;
    }
    if (!matches(card, state.settings.filters)) continue;
    if (!s || s.state === 0) { fresh.push(card); continue; }
    const due = Date.parse(s.due);
    if (s.state === 1 || s.state === 3) {
      if (due <= now) learningNow.push([due, card]);
      else if (due < day.end) learningLater.push([due, card]);
      else later = Math.min(later, due);
    } else if (due < day.end) reviews.push([due, card]);
    else later = Math.min(later, due);
  }
  const byDue = (a, b) => a[0] - b[0];
  learningNow.sort(byDue); learningLater.sort(byDue); reviews.sort(byDue);
  const fresh_ = fresh.slice(0, newLeft);
  let next = learningNow.length ? learningNow[0][1] : flagged[0] || null;
  if (!next && (reviews.length || fresh_.length)) {
    // Mix new cards into the reviews: take from the larger pile.
    next = fresh_.length > reviews.length ? fresh_[0] : reviews[0][1];
  }
  const waiting = learningLater.length ? learningLater[0][0] : null;
  if (!next && waiting !== null && waiting - now <= LEARN_AHEAD) next = learningLater[0][1];
  return {
    next,
    waiting,
    later: waiting ?? (Number.isFinite(later) ? later : null),
    moreNew: fresh.length > fresh_.length,
    counts: {
      new: fresh_.length, learning: learningNow.length + learningLater.length,
      due: reviews.length + flagged.length, done: today.length,
    },
  };
}

/** The question page's model answer, links made absolute (the page lives elsewhere). */
async function modelAnswer(id) {
  const url = new URL(`../questions/${id}/`, window.location.href);
  const response = await fetch(url);
  if (!response.ok) throw new Error(String(response.status));
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const body = doc.querySelector(".mlk-answer .mlk-body");
  if (!body) throw new Error("no answer");
  body.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
  for (const attr of ["href", "src"]) {
    body.querySelectorAll(`[${attr}]`).forEach((el) => {
      el.setAttribute(attr, new URL(el.getAttribute(attr), url).href);
    });
  }
  return document.importNode(body, true);
}

export class Review {
  constructor({ deck, store, ui, lang, categories, onChange }) {
    Object.assign(this, { deck, store, ui, lang, categories, onChange });
    this.f = scheduler();
    this.current = null; // card data on screen
    this.revealed = false;
    this.undo = null;
    this.timer = 0;
    this.bind();
    this.showSettings();
  }

  bind() {
    $("mlk-reveal").addEventListener("click", () => this.reveal());
    $("mlk-ratings").addEventListener("click", (event) => {
      const button = event.target.closest("[data-rating]");
      if (button) this.rate(Number(button.dataset.rating));
    });
    $("mlk-full-toggle").addEventListener("click", () => this.toggleFull());
    $("mlk-undo").addEventListener("click", () => this.undoLast());
    $("mlk-more-new").addEventListener("click", () => {
      const day = studyDay(Date.now());
      this.store.update((s) => {
        s.extra = { day: day.key, n: (s.extra.day === day.key ? s.extra.n : 0) + 10 };
      });
      this.render(true);
    });
    document.querySelectorAll("#mlk-settings [data-filter]").forEach((set) => {
      set.addEventListener("change", () => this.saveSettings());
    });
    $("mlk-new-per-day").addEventListener("change", () => this.saveSettings());
    document.addEventListener("keydown", (event) => this.key(event));
  }

  showSettings() {
    const { settings } = this.store.state;
    document.querySelectorAll("#mlk-settings [data-filter]").forEach((set) => {
      tick(set, settings.filters[set.dataset.filter] || []);
    });
    $("mlk-new-per-day").value = String(settings.newPerDay);
    this.tagCount(true);
  }

  tagCount(open = false) {
    const n = ticked(document.querySelector("#mlk-settings [data-filter=tags]")).length;
    $("mlk-tags-count").textContent = number(n, this.lang);
    $("mlk-tags-count").hidden = !n;
    if (open && n) $("mlk-tags").open = true;
  }

  saveSettings() {
    const input = $("mlk-new-per-day");
    const perDay = Math.min(999, Math.max(0, Math.round(Number(input.value)) || 0));
    input.value = String(perDay);
    const filters = {};
    document.querySelectorAll("#mlk-settings [data-filter]").forEach((set) => {
      filters[set.dataset.filter] = ticked(set);
    });
    this.store.update((s) => { s.settings = { newPerDay: perDay, filters }; });
    this.tagCount();
    this.render();
  }

  /** The card on screen stays while nobody has rated it (here or in another tab) and the
   * filters still include it: a learning card coming due never swaps a card mid-answer. */
  keeps(card) {
    const state = this.store.state;
    const s = state.cards[card.id];
    return (s ? s.reps : 0) === this.shownReps
      && (matches(card, state.settings.filters) || Boolean(state.flagged[card.id]));
  }

  /** Update the counts; show the next card unless the one on screen stays. */
  render(focus = false) {
    window.clearTimeout(this.timer);
    const now = Date.now();
    const p = plan(this.deck, this.store.state, now);
    for (const [key, value] of Object.entries(p.counts)) {
      $(`mlk-count-${key}`).textContent = number(value, this.lang);
    }
    this.onChange();
    if (this.current && this.keeps(this.current)) return;
    this.current = p.next;
    this.revealed = false;
    $("mlk-card").hidden = !p.next;
    $("mlk-done").hidden = Boolean(p.next);
    if (p.next) {
      this.front(p.next);
      if (focus) focusIn($("mlk-card-question"), $("mlk-card"));
    } else {
      this.done(p, now);
      if (focus) focusIn($("mlk-done"));
    }
    if (p.waiting !== null) {
      // A learning card comes due later today: look again when it may be shown.
      const wait = Math.max(1000, Math.min(p.waiting - LEARN_AHEAD - now, 60e3));
      this.timer = window.setTimeout(() => this.render(), wait);
    }
  }

  front(card) {
    const s = this.store.state.cards[card.id];
    this.shownReps = s ? s.reps : 0;
    const cat = this.categories.get(card.c);
    $("mlk-card-category").textContent = cat || "";
    $("mlk-card-difficulty").textContent = `${this.ui.difficulty}: ${this.ui[`difficulty_${card.d}`]}`;
    $("mlk-card-question").innerHTML = card.q;
    $("mlk-card-back").hidden = true;
    $("mlk-card-full").hidden = true;
    $("mlk-card-full").replaceChildren();
    $("mlk-full-toggle").setAttribute("aria-expanded", "false");
    $("mlk-full-toggle").disabled = false;
    $("mlk-card-page").href = `../questions/${card.id}/`;
    $("mlk-reveal").hidden = false;
    $("mlk-ratings").hidden = true;
    $("mlk-points-title").textContent = card.p && this.ui.star_structure
      ? this.ui.star_structure : this.ui.key_points;
  }

  done(p, now) {
    const empty = !this.deck.some((c) => matches(c, this.store.state.settings.filters));
    $("mlk-done-title").textContent = empty ? this.ui.study_no_match : this.ui.study_finished;
    $("mlk-done-next").textContent = p.later !== null
      ? fill(this.ui.study_next_due, { when: relative(p.later, now, this.lang) }) : "";
    $("mlk-more-new").hidden = !p.moreNew;
  }

  reveal() {
    if (!this.current || this.revealed) return;
    this.revealed = true;
    const card = this.current;
    $("mlk-card-short").innerHTML = card.s;
    $("mlk-card-short").hidden = !card.s;
    $("mlk-short-title").hidden = !card.s;
    $("mlk-card-points").replaceChildren(...card.k.map((k) => item(k)));
    const now = Date.now();
    const preview = this.f.repeat(fsrsCard(this.store.state.cards[card.id], now), new Date(now));
    for (const n of [1, 2, 3, 4]) {
      $(`mlk-interval-${n}`).textContent = duration(preview[n].card.due - now, this.lang);
    }
    $("mlk-card-back").hidden = false;
    $("mlk-reveal").hidden = true;
    $("mlk-ratings").hidden = false;
    $("mlk-card-back").focus({ preventScroll: true }); // the question stays in view
  }

  rate(rating) {
    if (!this.current || !this.revealed) return;
    const card = this.current;
    const now = Date.now();
    let before; let flag; let next;
    this.store.update((s) => { // from the freshest record: another tab may have saved
      before = s.cards[card.id];
      flag = s.flagged[card.id];
      next = this.f.next(fsrsCard(before, now), new Date(now), rating).card;
      s.cards[card.id] = stored(next);
      s.log.push([card.id, now, rating, before ? before.state : 0]);
      delete s.flagged[card.id];
    });
    this.undo = { id: card.id, t: now, before: before || null, flag };
    $("mlk-undo").hidden = false;
    say($("mlk-review-status"), fill(this.ui.study_rated, {
      rating: this.ui[`study_${["", "again", "hard", "good", "easy"][rating]}`],
      when: relative(next.due.getTime(), now, this.lang),
    }));
    this.current = null;
    this.render(true);
  }

  undoLast() {
    const u = this.undo;
    if (!u) return;
    this.store.update((s) => {
      if (u.before) s.cards[u.id] = u.before; else delete s.cards[u.id];
      s.log = s.log.filter((e) => !(e[0] === u.id && e[1] === u.t));
      if (u.flag) s.flagged[u.id] = u.flag;
    });
    this.undo = null;
    $("mlk-undo").hidden = true;
    this.current = null;
    // Show the undone card again, even if the queue would now pick another one first.
    const card = this.deck.find((c) => c.id === u.id);
    this.render();
    if (card) {
      this.current = card;
      this.revealed = false;
      $("mlk-card").hidden = false;
      $("mlk-done").hidden = true;
      this.front(card);
      focusIn($("mlk-card-question"), $("mlk-card"));
    }
  }

  async toggleFull() {
    const toggle = $("mlk-full-toggle");
    const box = $("mlk-card-full");
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    box.hidden = !open;
    if (!open || box.childElementCount || !this.current) return;
    const id = this.current.id;
    box.setAttribute("aria-busy", "true");
    try {
      const answer = await modelAnswer(id);
      if (this.current && this.current.id === id) box.replaceChildren(...answer.childNodes);
    } catch {
      box.replaceChildren(item(this.ui.study_answer_offline, "p"));
    } finally {
      box.removeAttribute("aria-busy");
    }
  }

  /** Keys as in Anki: Space (or Enter) shows the answer, then 1-4 rate, Space = Good. */
  key(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if ($("mlk-panel-review").hidden || $("mlk-card").hidden || !this.current) return;
    const target = event.target;
    if (target.closest("input, select, textarea, [contenteditable], summary, details")) return;
    const onControl = target.closest("button, a");
    if (event.key === " " || event.key === "Enter") {
      if (onControl) return; // the focused control handles it
      event.preventDefault();
      if (!this.revealed) this.reveal(); else this.rate(GOOD);
    } else if (this.revealed && ["1", "2", "3", "4"].includes(event.key)) {
      event.preventDefault();
      this.rate(Number(event.key));
    }
  }

  /** Question ids coming up today (due, learning, the day's new cards), at most `limit`:
   * their pages are cached so "open question page" works offline too. */
  upcoming(limit) {
    const state = this.store.state;
    const now = Date.now();
    const end = studyDay(now).end;
    const due = this.deck.filter((c) => state.cards[c.id] && state.cards[c.id].state !== 0
      && Date.parse(state.cards[c.id].due) < end);
    const fresh = this.deck.filter((c) => (!state.cards[c.id] || state.cards[c.id].state === 0)
      && matches(c, state.settings.filters)).slice(0, state.settings.newPerDay);
    return [...due, ...fresh].slice(0, limit).map((c) => c.id);
  }
}
