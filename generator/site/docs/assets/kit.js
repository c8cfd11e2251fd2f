/* MLOps Interview Kit: small behaviours on top of Material (no inline scripts: CSP). */
(function () {
  "use strict";
  /* Labels come from the page (ui.yaml, in the page's language). */
  var t = function (key) {
    var a = document.querySelector("a.mlk-zoom");
    return (a && a.getAttribute("data-" + key)) || key;
  };

  /* The answer toggle says what it does: "Antwort zeigen" closed, "Antwort ausblenden" open. */
  function label(d) {
    var s = d.querySelector(":scope > summary");
    if (s && d.dataset.show) s.textContent = d.open ? d.dataset.hide : d.dataset.show;
  }
  document.querySelectorAll("details.mlk-answer").forEach(function (d) {
    d.addEventListener("toggle", function () { label(d); });
    label(d);
  });

  /* A question is not in the navigation (it would grow every page with the bank): mark its
     category there as the current place. */
  var chip = document.querySelector(".mlk-meta a.mlk-chip");
  if (chip) {
    var target = new URL(chip.getAttribute("href"), location.href).pathname;
    document.querySelectorAll(".md-nav--primary a.md-nav__link").forEach(function (a) {
      if (new URL(a.getAttribute("href"), location.href).pathname === target) {
        a.classList.add("md-nav__link--active");
        a.setAttribute("aria-current", "location");
      }
    });
  }

  /* A link to a section inside the folded answer opens the fold first. */
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var d = el && el.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    if (el) el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) reveal();

  /* Print unfolds every answer and follow-up: a printed page cannot be clicked open. */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true; opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; }); opened = [];
  });

  /* A diagram opens in a zoomable view (a native dialog: Escape closes it). */
  var viewer = null, scale = 1, img = null;
  function zoom(by) {
    scale = Math.max(0.25, Math.min(4, scale * by));
    img.style.width = Math.round(img.dataset.width * scale) + "px";
  }
  function build() {
    viewer = document.createElement("dialog");
    viewer.className = "mlk-viewer";
    viewer.setAttribute("aria-label", t("title"));
    var bar = document.createElement("div");
    bar.className = "mlk-viewer-bar";
    [["−", t("zoom-out"), function () { zoom(1 / 1.25); }],
     ["+", t("zoom-in"), function () { zoom(1.25); }],
     ["×", t("close"), function () { viewer.close(); }]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button"; button.textContent = b[0]; button.title = b[1];
      button.setAttribute("aria-label", b[1]);
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
    var body = document.createElement("div");
    body.className = "mlk-viewer-body";
    img = document.createElement("img");
    body.appendChild(img);
    viewer.appendChild(bar); viewer.appendChild(body);
    viewer.addEventListener("click", function (e) { if (e.target === viewer) viewer.close(); });
    document.body.appendChild(viewer);
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.mlk-zoom");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    if (!viewer) build();
    var dark = (document.body.getAttribute("data-md-color-scheme") || "") === "slate";
    img.src = dark ? a.dataset.dark : a.dataset.light;
    img.alt = (a.querySelector("img") || {}).alt || "";
    img.dataset.width = a.dataset.width;
    scale = 1; zoom(1);
    viewer.showModal();
  });
})();
