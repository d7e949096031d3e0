// Service worker of the participant's page (hosted mode, HTTPS only): a phone
// that loses the network can still reload /j/<code>. The page comes from the
// network when it can, else from this cache; the notes written meanwhile wait
// in the page's localStorage outbox and leave when the connection returns.
const CACHE = "facilitate-participant-v2";
const SHELL = [
  "/static/css/app.css",
  "/static/vendor/socket.io.min.js",
  "/static/js/participant.js",
  "/static/js/live.js",
  "/static/js/offline.js",
  "/static/js/results.js",
  "/static/js/html.js",
  "/static/js/i18n.js",
  "/static/vendor/preact.module.js",
  "/static/vendor/htm.module.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// Network first, so that a phone online always gets the current page and
// scripts; the cache answers only when the network does not.
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

// The page that registered the worker was loaded before it existed: it asks
// for itself to be kept (the join page of its atelier, /j/<code>).
self.addEventListener("message", (event) => {
  const path = event.data && event.data.keep;
  if (typeof path === "string" && path.startsWith("/j/")) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.add(path)));
  }
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/j/") || url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(event.request));
  }
});
