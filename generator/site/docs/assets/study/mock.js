/* Study mode: the mock interview. Answer aloud against a countdown, tick the key points you
covered, and the weak questions join today's review queue. */

import {
  $, clock, fill, focusIn, item, matches, number, percent, say, shuffled, ticked,
} from "./util.js";

const WEAK = 0.75; // a question (or topic) below 75 % of its key points counts as weak
const WARN_AT = 30e3;

export class Mock {
  constructor({ deck, store, ui, lang, categories, tags, onQueued, onReview }) {
    Object.assign(this, { deck, store, ui, lang, categories, tags, onQueued, onReview });
    this.run = null;
    this.interval = 0;
    this.bind();
  }

  bind() {
    $("mlk-mock-setup").addEventListener("submit", (event) => {
      event.preventDefault();
      this.start();
    });
    $("mlk-mock-stop").addEventListener("click", () => this.check());
    $("mlk-mock-pause").addEventListener("click", () => this.pause());
    $("mlk-mock-next").addEventListener("click", () => this.next());
    $("mlk-mock-cancel").addEventListener("click", () => this.show("setup"));
    $("mlk-summary-review").addEventListener("click", () => this.onReview());
    $("mlk-summary-again").addEventListener("click", () => this.show("setup"));
  }

  /** One of "setup", "run", "summary" is visible. */
  show(part, focus = true) {
    window.clearInterval(this.interval);
    $("mlk-mock-setup").hidden = part !== "setup";
    $("mlk-mock-run").hidden = part !== "run";
    $("mlk-mock-summary").hidden = part !== "summary";
    if (part === "setup") {
      this.run = null;
      if (focus) $("mlk-panel-mock").focus();
    }
  }

  start() {
    const filters = {
      categories: ticked(document.querySelector("[data-mock=categories]")),
      difficulties: ticked(document.querySelector("[data-mock=difficulties]")),
    };
    const pool = this.deck.filter((card) => matches(card, filters));
    if (!pool.length) {
      say($("mlk-mock-setup-status"), this.ui.study_mock_none);
      return;
    }
    const wanted = Math.round(Number($("mlk-mock-count").value)) || 5;
    const count = Math.min(pool.length, Math.max(1, wanted));
    $("mlk-mock-count").value = String(count);
    const minutes = Number($("mlk-mock-minutes").value) || 2;
    $("mlk-mock-setup-status").textContent = "";
    this.run = { cards: shuffled(pool).slice(0, count), i: 0, results: [], ms: minutes * 60e3 };
    this.show("run");
    this.ask();
  }

  ask() {
    const run = this.run;
    const card = run.cards[run.i];
    $("mlk-mock-position").textContent = fill(this.ui.study_mock_position,
      { n: run.i + 1, total: run.cards.length });
    $("mlk-mock-category").textContent = this.categories.get(card.c) || "";
    $("mlk-mock-question").innerHTML = card.q;
    $("mlk-mock-timer-box").hidden = false;
    $("mlk-mock-check").hidden = true;
    $("mlk-mock-status").textContent = "";
    run.deadline = Date.now() + run.ms;
    run.left = run.ms;
    run.paused = false;
    run.warned = false;
    this.pauseLabel();
    this.tick();
    window.clearInterval(this.interval);
    this.interval = window.setInterval(() => this.tick(), 250);
    focusIn($("mlk-mock-question"), $("mlk-mock-run"));
  }

  tick() {
    const run = this.run;
    if (!run) return;
    const left = run.paused ? run.left : run.deadline - Date.now();
    $("mlk-mock-timer").textContent = clock(left);
    $("mlk-mock-bar").style.width = `${Math.max(0, Math.min(1, left / run.ms)) * 100}%`;
    if (!run.warned && left <= WARN_AT && run.ms > WARN_AT) {
      run.warned = true;
      say($("mlk-mock-status"), this.ui.study_mock_warning);
    }
    if (left <= 0) {
      say($("mlk-mock-status"), this.ui.study_mock_time_up);
      this.check(false);
    }
  }

  pause() {
    const run = this.run;
    if (!run) return;
    if (run.paused) run.deadline = Date.now() + run.left;
    else run.left = run.deadline - Date.now();
    run.paused = !run.paused;
    this.pauseLabel();
  }

  pauseLabel() {
    const button = $("mlk-mock-pause");
    button.textContent = this.run && this.run.paused ? this.ui.study_mock_resume
      : this.ui.study_mock_pause;
    button.setAttribute("aria-pressed", String(Boolean(this.run && this.run.paused)));
  }

  /** Stop the clock and show the key points as a checklist. */
  check(clearStatus = true) {
    const run = this.run;
    if (!run) return;
    window.clearInterval(this.interval);
    if (clearStatus) $("mlk-mock-status").textContent = "";
    const card = run.cards[run.i];
    $("mlk-mock-timer-box").hidden = true;
    $("mlk-mock-points").replaceChildren(...card.k.map((point, i) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = String(i);
      label.append(box, " ", item(point, "span"));
      li.append(label);
      return li;
    }));
    $("mlk-mock-short").innerHTML = card.s;
    $("mlk-mock-short").closest("details").hidden = !card.s;
    const last = run.i + 1 === run.cards.length;
    $("mlk-mock-next").textContent = last ? this.ui.study_mock_finish : this.ui.study_mock_next;
    $("mlk-mock-check").hidden = false;
    $("mlk-mock-check-title").focus({ preventScroll: true });
  }

  next() {
    const run = this.run;
    if (!run) return;
    const card = run.cards[run.i];
    const got = document.querySelectorAll("#mlk-mock-points input:checked").length;
    run.results.push({ card, got, total: card.k.length });
    run.i += 1;
    if (run.i < run.cards.length) this.ask();
    else this.summary();
  }

  summary() {
    const { results } = this.run;
    const got = results.reduce((sum, r) => sum + r.got, 0);
    const total = results.reduce((sum, r) => sum + r.total, 0);
    $("mlk-summary-score").textContent = fill(this.ui.study_mock_score, {
      got: number(got, this.lang), total: number(total, this.lang),
      percent: percent(total ? got / total : 0, this.lang),
    });
    // Topics: each category and tag, scored by the mean share of key points covered.
    const topics = new Map();
    const add = (key, name, ratio) => {
      const t = topics.get(key) || { name, sum: 0, n: 0 };
      t.sum += ratio; t.n += 1;
      topics.set(key, t);
    };
    for (const r of results) {
      const ratio = r.total ? r.got / r.total : 0;
      add(`c:${r.card.c}`, this.categories.get(r.card.c) || r.card.c, ratio);
      for (const tag of r.card.t) add(`t:${tag}`, this.tags[tag] || tag, ratio);
    }
    const weak = [...topics.values()].map((t) => ({ name: t.name, score: t.sum / t.n }))
      .filter((t) => t.score < WEAK).sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1))
      .slice(0, 6);
    $("mlk-summary-weak").replaceChildren(...(weak.length
      ? weak.map((t) => item(`${escapeHtml(t.name)} <span class="mlk-score">${
        percent(t.score, this.lang)}</span>`))
      : [item(escapeHtml(this.ui.study_mock_no_weak))]));
    $("mlk-summary-list").replaceChildren(...results.map((r) => {
      const li = item(r.card.q, "li");
      const link = document.createElement("a");
      link.href = `../questions/${r.card.id}/`;
      link.replaceChildren(...li.childNodes);
      const score = document.createElement("span");
      score.className = "mlk-score";
      score.textContent = `${r.got}/${r.total}`;
      li.replaceChildren(link, " ", score);
      if (r.total && r.got / r.total < WEAK) li.classList.add("mlk-weak");
      return li;
    }));
    const queued = results.filter((r) => !r.total || r.got / r.total < WEAK);
    if (queued.length) {
      const now = Date.now();
      this.store.update((s) => { queued.forEach((r) => { s.flagged[r.card.id] = now; }); });
      this.onQueued();
    }
    $("mlk-summary-queued").textContent = queued.length
      ? fill(this.ui.study_mock_queued, { n: number(queued.length, this.lang) }) : "";
    $("mlk-summary-review").hidden = !queued.length;
    this.show("summary");
    focusIn($("mlk-summary-title"), $("mlk-mock-summary"));
  }
}

function escapeHtml(value) {
  const node = document.createElement("span");
  node.textContent = value;
  return node.innerHTML;
}
