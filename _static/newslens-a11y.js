// Accessibility fixes for what the theme writes (checked by axe-core in tests/test_browser.py), and figures kept
// readable on a phone. Runs once the page is parsed.
"use strict";
// Smallest text in a figure, in px at the figure's natural size: newslens.plots.MIN_FONT_PT (9 pt) at 100 dpi.
const NEWSLENS_MIN_FONT_PX = 12.5;
// A figure is never shown so small that this text drops below 9 px; a wider one scrolls inside its own box.
const NEWSLENS_MIN_TEXT_PX = 9;

function newslensFixPage() {
  // The navigation's expand buttons (pydata-sphinx-theme) are <summary> elements with an icon only: name them.
  document.querySelectorAll("nav details > summary").forEach((summary) => {
    if (!summary.textContent.trim() && !summary.getAttribute("aria-label")) {
      const link = summary.parentElement.parentElement.querySelector(":scope > a");
      summary.setAttribute("aria-label", "Show the sections of " + (link ? link.textContent.trim() : "this page"));
    }
  });
  // myst-nb's hide-input toggles say "Show code cell source" but were named "Toggle hidden content".
  document.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach((s) => s.removeAttribute("aria-label"));
  // The bibliography: a list whose entries carry a deprecated role; make them list items.
  document.querySelectorAll('.citation-list[role="list"] > [role="doc-biblioentry"]').forEach((e) => e.setAttribute("role", "listitem"));
  // The book's title in the sidebar sits outside any landmark: it belongs to the navigation.
  document.querySelectorAll(".bd-sidebar-primary .sidebar-primary-items__start").forEach((e) => {
    if (!e.closest("nav, [role=navigation]")) {
      e.setAttribute("role", "navigation");
      e.setAttribute("aria-label", "Book");
    }
  });
}

function newslensFigureWidths() {
  const scale = NEWSLENS_MIN_TEXT_PX / NEWSLENS_MIN_FONT_PX;
  document.querySelectorAll(".cell_output img, figure img").forEach((img) => {
    const set = () => { if (img.naturalWidth) img.style.minWidth = Math.ceil(img.naturalWidth * scale) + "px"; };
    if (img.complete) set(); else img.addEventListener("load", set);
  });
}

// A box that scrolls sideways must be reachable by keyboard to be scrolled (axe: scrollable-region-focusable).
function newslensFocusableScrollers() {
  document.querySelectorAll(".cell_output, figure, .output.text_html").forEach((box) => {
    if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
    else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
  });
}

document.addEventListener("DOMContentLoaded", () => { newslensFixPage(); newslensFigureWidths(); });
window.addEventListener("load", newslensFocusableScrollers);
window.addEventListener("resize", newslensFocusableScrollers);
