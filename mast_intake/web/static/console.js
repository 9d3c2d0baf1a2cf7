// Adds the GOV.UK Frontend behaviour (accordions, menus, focus on error summaries). The console
// works without it: every page is complete HTML and every action a plain link or form.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Copy buttons: hidden in the HTML, shown here, so without JavaScript the text stays a readable
// field to select and copy by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(`${button.dataset.copy}-copied`);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      // No clipboard permission (an http address, an old browser): select it for Ctrl+C.
      field.focus();
      field.select();
      if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected text.";
      return;
    }
    if (status) status.textContent = "Copied.";
  });
}
