// Interface strings: t("Texte en français", {param}) -> the text with its
// {param} placeholders filled. French is the message id; a catalog-backed
// version (other languages) keeps this signature.
export function t(msgid, params = {}) {
  return msgid.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}
