// Hosted mode only (HTTPS, a secure context): install the service worker that
// keeps this page available offline. Over plain HTTP on a laptop nothing
// changes, as before.
if (location.protocol === "https:" && "serviceWorker" in navigator) {
  navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active.postMessage({ keep: location.pathname }))
    .catch(() => {});
}
