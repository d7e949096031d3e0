// Translation hook: user-visible strings go through t("Texte français", {param}).
// This fallback returns the French text with its {params} filled in.
export function t(msgid, params = {}) { return msgid.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m)); }
