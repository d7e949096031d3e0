// htm bound to Preact: html`<${Component} prop=${value} />`, no build step.
import { h } from "preact";
import htm from "htm";

export const html = htm.bind(h);
