// htm bound to Preact: html`<${Component} prop=${value} />`, no build step.
import { h } from "../vendor/preact.module.js";
import htm from "../vendor/htm.module.js";

export const html = htm.bind(h);
