// Where a sign-in lands afterwards: a page of this site only.

// Anything else would make the sign-in an open redirect. The browser's own URL parser
// decides (a string check misses "/\evil.example", which the browser reads as
// "//evil.example", and tabs or newlines, which it drops). Backslashes and control
// characters are refused before parsing, then the parsed URL must be on this origin with a
// path of a single leading "/".
export function safeNext(wanted, origin = window.location.origin) {
  if (typeof wanted !== "string" || !wanted.startsWith("/")) return "/";
  if (/[\\\u0000-\u001f\u007f]/.test(wanted)) return "/";
  let url;
  try {
    url = new URL(wanted, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin || !url.pathname.startsWith("/") || url.pathname.startsWith("//"))
    return "/";
  return url.pathname + url.search + url.hash;
}
