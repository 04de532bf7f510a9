// Opening links in new tabs, and saying so when the browser blocked some.
//
// Browsers allow a page to open a tab only from a click, and most allow one tab per click:
// "Open all context links" opens the first and the rest are blocked unless the agent allows
// pop-ups for this site; a tab opened without a click (a session coming in) is blocked
// outright. A blocked `window.open` returns null, which is how this module counts them.
// The features "noopener"/"noreferrer" would make it return null for a tab that did open,
// so they are not passed: the opener is cut by hand before the new tab loads anything
// (its navigation starts after this task), and the page's Referrer-Policy (no-referrer)
// already keeps the address out of the request.

/** http(s) links only: a javascript: or data: URL never opens from the page. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Opens each http(s) URL in a new tab: {opened, blocked} counts. */
export function openTabs(urls) {
  let opened = 0;
  let blocked = 0;
  for (const url of urls.map(safeUrl).filter(Boolean)) {
    const tab = window.open(url, "_blank");
    if (tab) {
      tab.opener = null;
      opened += 1;
    } else blocked += 1;
  }
  return { opened, blocked };
}

/** What to tell the agent when tabs were blocked; "" when none was. ``what``: the tabs in
 *  words ("context link", "chat"); ``again``: how to try again after allowing pop-ups. */
export function blockedMessage({ opened, blocked }, what, again) {
  if (!blocked) return "";
  const total = opened + blocked;
  const plural = total === 1 ? what : `${what}s`;
  let count = `${blocked} of ${total} ${plural}`;
  if (blocked === total) count = total === 1 ? `the ${what}` : `all ${total} ${plural}`;
  return (
    `The browser blocked ${count} from opening in new tabs. To allow them, choose the ` +
    `blocked pop-up icon at the end of the address bar and always allow pop-ups from ` +
    `${window.location.origin}, or add this site under "Pop-ups and redirects" in the ` +
    `browser's site settings. ${again}`
  );
}
