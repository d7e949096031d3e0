// The projector's second QR code: joining the room's Wi-Fi. Fetched with the
// facilitator key (never part of a public page), refreshed every few seconds
// so that what the console types appears on the big screen.
import { facilitatorKey } from "./staff.js";

const workshopId = document.getElementById("app").dataset.workshop;
const panel = document.getElementById("wifi-panel");
const image = document.getElementById("wifi-qr");
let shown = "";

async function refresh() {
  const headers = { "X-Facilitator-Key": facilitatorKey(workshopId) || "" };
  const response = await fetch(`/api/workshops/${workshopId}/wifi`, { headers });
  if (!response.ok) return;
  const wifi = await response.json();
  const signature = JSON.stringify(wifi);
  if (signature === shown) return;
  shown = signature;
  panel.hidden = !wifi.ssid;
  if (!wifi.ssid) return;
  const svg = await fetch(`/api/workshops/${workshopId}/wifi.svg`, { headers });
  if (image.src) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(await svg.blob());
  document.getElementById("wifi-name").textContent = wifi.ssid;
}

refresh().catch(() => {});
setInterval(() => refresh().catch(() => {}), 5000);
