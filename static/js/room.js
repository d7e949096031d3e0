// The console's room settings, beside the main console script: the venue's
// Wi-Fi (shown as a second QR code on the projector) and the co-facilitation
// link, whose key the owner can renew to revoke it.
import { t } from "./i18n.js";
import { facilitatorKey } from "./staff.js";

const workshopId = document.getElementById("app").dataset.workshop;
const key = () => facilitatorKey(workshopId);
const csrf = document.querySelector('meta[name="csrf-token"]');

function headers() {
  const h = { "Content-Type": "application/json", "X-Facilitator-Key": key() || "" };
  if (csrf) h["X-CSRFToken"] = csrf.content;
  return h;
}

async function call(method, path, body) {
  const response = await fetch(`/api/workshops/${workshopId}${path}`, {
    method,
    headers: headers(),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.message : t("Action impossible."));
  return data;
}

const wifiForm = document.getElementById("wifi-form");
const wifiMessage = document.getElementById("wifi-message");

async function loadWifi() {
  const wifi = await call("GET", "/wifi");
  wifiForm.ssid.value = wifi.ssid || "";
  wifiForm.password.value = wifi.password || "";
  wifiForm.security.value = wifi.security;
}

wifiForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const wifi = await call("PUT", "/wifi", Object.fromEntries(new FormData(wifiForm).entries()));
    wifiMessage.textContent = wifi.ssid
      ? t("Le projecteur affiche le réseau « {ssid} ».", { ssid: wifi.ssid })
      : t("Code QR du Wi-Fi retiré.");
  } catch (error) {
    wifiMessage.textContent = error.message;
  }
});

const link = document.getElementById("cofac-link");
// The address phones use (the laptop's LAN address, or the public URL), not 127.0.0.1.
const publicOrigin = new URL(document.getElementById("join-url").textContent.trim()).origin;
const showLink = () => {
  link.value = `${publicOrigin}/w/${workshopId}/console#key=${encodeURIComponent(key() || "")}`;
};

document.getElementById("cofac-regenerate").addEventListener("click", async () => {
  if (!confirm(t("Créer un nouveau lien ? Les personnes qui ont l'ancien lien perdront l'accès à la console."))) return;
  try {
    const { facilitator_key: fresh } = await call("POST", "/key");
    localStorage.setItem(`facilitate:key:${workshopId}`, fresh);
    location.reload(); // the server disconnected every console that used the old key
  } catch (error) {
    wifiMessage.textContent = error.message;
  }
});

// The limited invitation: a link and its QR code for a second device.
const invitation = document.getElementById("cofac-invitation");
document.getElementById("cofac-invite").addEventListener("click", async () => {
  try {
    const { url } = await call("POST", "/cofacilitator");
    document.getElementById("cofac-invite-link").value = url;
    const qr = await fetch(`/api/workshops/${workshopId}/cofacilitator.svg`, { headers: headers() });
    document.getElementById("cofac-invite-qr").src = URL.createObjectURL(await qr.blob());
    invitation.hidden = false;
  } catch (error) {
    wifiMessage.textContent = error.message;
  }
});
document.getElementById("cofac-invite-revoke").addEventListener("click", async () => {
  try {
    await call("DELETE", "/cofacilitator");
    invitation.hidden = true;
  } catch (error) {
    wifiMessage.textContent = error.message;
  }
});

showLink();
loadWifi().catch(() => {});
