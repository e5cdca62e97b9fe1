// Light and dark themes: follows the system setting unless the user picks one; the choice is
// kept in this browser. Cells keep their layer colours with a readable text colour either way.

const KEY = "navlayer-theme";
const ORDER = ["system", "light", "dark"];

/** @returns {string} the theme in force: "light" or "dark" */
export function effective() {
  const pick = localStorage.getItem(KEY) || "system";
  if (pick === "light" || pick === "dark") return pick;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Applies the stored choice and wires the switch button. @param {HTMLButtonElement} button */
export function initTheme(button) {
  const apply = () => {
    const pick = localStorage.getItem(KEY) || "system";
    document.documentElement.dataset.theme = effective();
    button.textContent = "Theme: " + pick;
    button.setAttribute("aria-label", "Theme: " + pick + " (switch)");
  };
  button.addEventListener("click", () => {
    const pick = localStorage.getItem(KEY) || "system";
    localStorage.setItem(KEY, ORDER[(ORDER.indexOf(pick) + 1) % ORDER.length]);
    apply();
  });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", apply);
  apply();
}
