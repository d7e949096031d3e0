// The join cards page: its button prints (no inline script under the hosted mode's CSP).
document.getElementById("print").addEventListener("click", () => window.print());
