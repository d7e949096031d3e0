// What the console and the projector share: the facilitator key, which
// arrives in the URL fragment (never sent to the server in a request line,
// never in logs) and is kept in this browser for reloads.
export function facilitatorKey(workshopId) {
  return keyFromFragment(`facilitate:key:${workshopId}`);
}

// A key from the URL fragment (`#key=...`), kept under `storageKey`.
export function keyFromFragment(storageKey) {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromHash) {
    localStorage.setItem(storageKey, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return localStorage.getItem(storageKey);
}
