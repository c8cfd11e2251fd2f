/* Study mode: start-up, tabs, progress figures, backup (export / import / reset) and the
offline set-up (web app manifest, service worker). Nothing here talks to another host. */

import { Mock } from "./mock.js";
import { ProgressError, Store } from "./store.js";
import { Review } from "./review.js";
import { $, fill, number, percent, say } from "./util.js";

const CARD_FORMAT = "mlops-interview-kit/cards";
const RETENTION_DAYS = 30;
const WARM_PAGES = 40; // question pages of today's queue kept for offline use

const root = $("mlk-study");
const lang = root.dataset.lang;
const siteRoot = new URL(root.dataset.root, window.location.href); // the German root
const storeKey = `mlk-study:${siteRoot.pathname}`;
const TABS = ["review", "mock", "progress"];

function notice(message) {
  const box = $("mlk-study-notice");
  box.textContent = message;
  box.hidden = !message;
}

function addManifest() {
  if (document.querySelector("link[rel=manifest]")) return;
  const link = document.createElement("link");
  link.rel = "manifest";
  link.href = "manifest.webmanifest";
  document.head.append(link);
}

function tabs(onSelect) {
  const list = root.querySelector("[role=tablist]");
  const buttons = TABS.map((name) => $(`mlk-tab-${name}`));
  const select = (name, focusPanel = false) => {
    TABS.forEach((other, i) => {
      const on = other === name;
      buttons[i].setAttribute("aria-selected", String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      $(`mlk-panel-${other}`).hidden = !on;
    });
    window.history.replaceState(null, "", name === "review" ? window.location.pathname
      : `#${name}`);
    onSelect(name);
    if (focusPanel) $(`mlk-panel-${name}`).focus();
  };
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[role=tab]");
    if (button) select(button.id.replace("mlk-tab-", ""));
  });
  list.addEventListener("keydown", (event) => {
    const i = buttons.indexOf(document.activeElement);
    const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 };
    if (i < 0 || !(event.key in moves)) return;
    event.preventDefault();
    const j = (moves[event.key] + TABS.length) % TABS.length;
    select(TABS[j]);
    buttons[j].focus();
  });
  const wanted = window.location.hash.slice(1);
  select(TABS.includes(wanted) ? wanted : "review");
  return select;
}

function figures(deck, store) {
  const ids = new Set(deck.map((c) => c.id));
  const { cards, log } = store.state;
  const learned = deck.filter((c) => cards[c.id] && cards[c.id].state !== 0).length;
  const since = Date.now() - RETENTION_DAYS * 864e5;
  // True retention: of the reviews of cards already learned (state Review), the share
  // not answered "Again".
  const reviews = log.filter((e) => ids.has(e[0]) && e[1] >= since && e[3] === 2);
  const passed = reviews.filter((e) => e[2] > 1).length;
  $("mlk-stat-learned").textContent = `${number(learned, lang)} / ${number(deck.length, lang)}`;
  $("mlk-stat-retention").textContent = reviews.length
    ? percent(passed / reviews.length, lang) : "–";
  $("mlk-stat-reviews").textContent = number(log.filter((e) => ids.has(e[0])).length, lang);
}

function backup(store, ui, refresh) {
  const status = $("mlk-backup-status");
  const error = $("mlk-backup-error");
  const show = (ok, message) => {
    error.textContent = ok ? "" : message;
    if (ok) say(status, message); else status.textContent = "";
  };
  $("mlk-export").addEventListener("click", () => {
    const now = Date.now();
    const blob = new Blob([store.exported(now)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `mlops-interview-kit-progress-${new Date(now).toISOString().slice(0, 10)}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10e3);
    show(true, fill(ui.study_exported, { n: number(Object.keys(store.state.cards).length, lang) }));
  });
  const input = $("mlk-import");
  $("mlk-import-button").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    try {
      const taken = store.import(await file.text());
      show(true, fill(ui.study_imported, { n: number(taken, lang) }));
      refresh();
    } catch (problem) {
      const detail = problem instanceof ProgressError ? problem.where || problem.code : "file";
      show(false, problem instanceof ProgressError && problem.code === "newer"
        ? ui.study_import_newer : fill(ui.study_import_invalid, { detail }));
    }
  });
  const confirm = $("mlk-reset-confirm");
  $("mlk-reset").addEventListener("click", () => {
    confirm.hidden = false;
    $("mlk-reset-no").focus();
  });
  $("mlk-reset-no").addEventListener("click", () => {
    confirm.hidden = true;
    $("mlk-reset").focus();
  });
  $("mlk-reset-yes").addEventListener("click", () => {
    store.clear();
    confirm.hidden = true;
    show(true, ui.study_reset_done);
    refresh();
    $("mlk-reset").focus();
  });
}

/** Ask the service worker to keep a list of URLs (reply when done). */
function post(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

async function offline(review, ui) {
  const status = $("mlk-offline-status");
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  try {
    await navigator.serviceWorker.register(new URL("sw.js", siteRoot), {
      scope: siteRoot.href, updateViaCache: "none",
    });
    const registration = await navigator.serviceWorker.ready;
    const here = new URL("../", window.location.href); // this language's root
    const urls = [];
    // What this page fetched itself (the search worker, say) and today's question pages.
    for (const entry of performance.getEntriesByType("resource")) {
      if (entry.name.startsWith(siteRoot.href)) urls.push(entry.name);
    }
    for (const id of review.upcoming(WARM_PAGES)) {
      urls.push(new URL(`questions/${id}/`, here).href);
    }
    await post(registration.active, { type: "warm", urls });
    status.textContent = ui.study_offline_ready;
    root.dataset.offline = "ready";
  } catch {
    // No offline copy (private mode, blocked storage): the page works online as before.
  }
}

async function main() {
  if (!globalThis.FSRS) throw new Error("scheduler missing");
  addManifest();
  const response = await fetch(new URL(root.dataset.cards, window.location.href));
  const data = await response.json();
  if (data.format !== CARD_FORMAT) throw new Error("unknown card format");
  const { ui } = data;
  const categories = new Map(data.categories.map((c) => [c.id, c.title]));
  const store = new Store(storeKey);
  if (store.unreadable) notice(ui.study_storage_unreadable);
  else if (!store.persistent) notice(ui.study_storage_off);
  let review = null;
  const update = () => figures(data.cards, store);
  review = new Review({ deck: data.cards, store, ui, lang, categories, onChange: update });
  const refresh = () => {
    store.refresh();
    review.showSettings();
    review.current = null;
    review.render();
  };
  let select = null;
  const mock = new Mock({
    deck: data.cards, store, ui, lang, categories, tags: data.tags,
    onQueued: () => review.render(),
    onReview: () => { select("review", false); review.current = null; review.render(true); },
  });
  mock.show("setup", false);
  select = tabs((name) => { if (name === "review") review.render(); });
  backup(store, ui, refresh);
  review.render();
  // Another tab (the other language, say) saved progress: show the same schedule here.
  window.addEventListener("storage", (event) => {
    if (event.key !== storeKey) return;
    store.refresh();
    review.showSettings();
    review.render();
  });
  root.dataset.ready = "true";
  offline(review, ui);
}

main().catch(() => {
  notice(root.dataset.failed || "");
  root.dataset.ready = "failed";
});
