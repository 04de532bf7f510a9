// The modality icons, drawn as inline SVG (no image request; the policy allows no inline
// style, and none is needed: `fill` is an attribute). Decorative: the label beside each
// icon is what a screen reader reads, so every icon is aria-hidden.

const SVG = "http://www.w3.org/2000/svg";

// 24×24 outlines: a handset, an envelope, a speech bubble.
const PATHS = {
  voice:
    "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z",
  email:
    "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.4V17h16V7.4l-8 5.3zM5.2 7 12 11.5 18.8 7z",
  chat: "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4.5 4V17H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v10h1.5v1.6L7.3 15H20V5z",
};

/** The icon of a modality (voice, email, chat); null for one it does not know. */
export function modalityIcon(modality) {
  const d = PATHS[modality];
  if (!d) return null;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}
