/* Study mode: small helpers shared by the study modules (no dependencies). */

export const $ = (id) => document.getElementById(id);

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Like Anki, a study day starts at 04:00 local time, so a late session counts as "today".
const DAY_STARTS_AT = 4;

/** Start and end (ms) of the study day that contains `now`. */
export function studyDay(now) {
  const start = new Date(now);
  start.setHours(DAY_STARTS_AT, 0, 0, 0);
  if (start.getTime() > now) start.setDate(start.getDate() - 1);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { start: start.getTime(), end: end.getTime(), key: dayKey(start) };
}

function dayKey(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "{n} of {total}" style placeholders. */
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
}

/** A short, localised duration such as "10 Min." / "3 days" / "2 mths". */
export function duration(ms, lang) {
  const span = Math.max(ms, MINUTE);
  let unit = "minute";
  let value = span / MINUTE;
  if (span >= 365 * DAY) { unit = "year"; value = span / (365 * DAY); }
  else if (span >= 30 * DAY) { unit = "month"; value = span / (30 * DAY); }
  else if (span >= DAY) { unit = "day"; value = span / DAY; }
  else if (span >= HOUR) { unit = "hour"; value = span / HOUR; }
  const digits = value < 10 && unit !== "minute" && unit !== "day" ? 1 : 0;
  return new Intl.NumberFormat(lang, {
    style: "unit", unit, unitDisplay: "short", maximumFractionDigits: digits,
  }).format(value);
}

/** "in 3 days" / "in 10 Minuten" for a moment after `now`. */
export function relative(when, now, lang) {
  const span = when - now;
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  if (span < HOUR) return rtf.format(Math.max(1, Math.round(span / MINUTE)), "minute");
  if (span < DAY) return rtf.format(Math.round(span / HOUR), "hour");
  return rtf.format(Math.round(span / DAY), "day");
}

export function percent(value, lang) {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 })
    .format(value);
}

export function number(value, lang) {
  return new Intl.NumberFormat(lang).format(value);
}

/** mm:ss for a countdown. */
export function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A uniformly shuffled copy (Fisher-Yates). */
export function shuffled(items) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Values of the ticked checkboxes in a fieldset; none ticked means "all". */
export function ticked(fieldset) {
  return [...fieldset.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
}

export function tick(fieldset, values) {
  const wanted = new Set(values.map(String));
  fieldset.querySelectorAll("input[type=checkbox]").forEach((i) => {
    i.checked = wanted.has(i.value);
  });
}

/** Does a card pass category / difficulty / tag filters (empty list: no filter)? */
export function matches(card, filters) {
  const { categories = [], difficulties = [], tags = [] } = filters;
  return (!categories.length || categories.includes(card.c))
    && (!difficulties.length || difficulties.includes(String(card.d)))
    && (!tags.length || card.t.some((t) => tags.includes(t)));
}

/** Say something to screen readers through a status region (re-announced if repeated). */
export function say(region, text) {
  if (region.textContent !== text) { region.textContent = text; return; }
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

/** A list item holding trusted, build-sanitised HTML (card data from the site itself). */
export function item(html, tag = "li") {
  const node = document.createElement(tag);
  node.innerHTML = html;
  return node;
}

/** Focus an element without a jump, scrolling its card into view below the sticky header
 * when it is out of sight (after a rating at the bottom of a long answer, say). */
export function focusIn(element, card = element) {
  element.focus({ preventScroll: true });
  const top = card.getBoundingClientRect().top;
  const header = 64;
  if (top < header || top > window.innerHeight - 96) {
    window.scrollTo({ top: window.scrollY + top - header });
  }
}

/** Plain text of build-sanitised HTML (for titles and announcements). */
export function text(html) {
  const node = document.createElement("div");
  node.innerHTML = html;
  return node.textContent || "";
}
