// Adds the GOV.UK Frontend behaviour (accordions, menus, focus on error summaries). The console
// works without it: every page is complete HTML and every action a plain link or form.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
