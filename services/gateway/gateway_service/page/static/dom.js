// Building the page's elements: text only, never HTML.

/** A child element: ``el("span", {class: "x", text: "hi"}, child...)``. Text only, never HTML. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Children to show: null and undefined (a widget switched off) are left out. */
export const present = (children) => children.filter((c) => c !== null && c !== undefined);
