// Interface strings: t("Texte en français", {param}) -> the text in the page's
// language with its {param} placeholders filled. French is the message id;
// the page carries the other language's catalog (the same .po as the server's,
// see facilitate/i18n.py) in <script id="i18n-catalog">.
const source = document.getElementById("i18n-catalog");
const catalog = source ? JSON.parse(source.textContent) : {};

// Marks a string for `make i18n` that is translated later, by t(variable).
export const N_ = (msgid) => msgid;

export function t(msgid, params = {}) {
  const text = catalog[msgid] || msgid;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}
