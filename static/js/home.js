// The facilitator's home (on the laptop only): create an atelier from a
// template, then open its console with the key in the URL fragment.
import { t } from "./i18n.js";

const form = document.getElementById("create-form");
const message = document.getElementById("message");

// Hosted mode: requests made with the session cookie carry the CSRF token.
function csrfHeader() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { "X-CSRFToken": meta.content } : {};
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(new FormData(form).entries());
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const response = await fetch("/api/workshops", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...csrfHeader() },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error ? data.error.message : t("Création impossible."));
    localStorage.setItem(`facilitate:key:${data.id}`, data.facilitator_key);
    location.href = `/w/${data.id}/console#key=${encodeURIComponent(data.facilitator_key)}`;
  } catch (error) {
    message.textContent = error.message;
    message.hidden = false;
    button.disabled = false;
  }
});
