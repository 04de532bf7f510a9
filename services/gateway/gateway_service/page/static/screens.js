// What the settings and admin screens share beyond common.js: signing the screen in, the
// status line, the API's 422 field problems and local times.

import { api, keepSessionFresh, takeTokenFromFragment } from "./common.js";

export const $ = (id) => document.getElementById(id);

/** The screen's status line (role="status", read out when it changes). */
export function say(text) {
  $("status").textContent = text;
}

/**
 * The signed-in user (GET /api/v1/me, the token taken from the fragment first), or null
 * with the reason said when the API refuses or the user lacks ``role``: the screen then
 * shows nothing else (the API refuses the rest anyway).
 */
export async function signedInAs(role, refusal) {
  takeTokenFromFragment();
  let me;
  try {
    me = await api("/me");
  } catch (error) {
    say(error.message);
    return null;
  }
  keepSessionFresh();
  if (!me.roles.includes(role)) {
    say(refusal);
    return null;
  }
  return me;
}

/** The field problems of a 422 (``detail``: a list of {loc, msg}) as "a.b.0" -> message. */
export function fieldProblems(error) {
  const problems = new Map();
  const detail = error?.body?.detail;
  if (error?.status === 422 && Array.isArray(detail)) {
    for (const item of detail) {
      const loc = (item.loc ?? []).filter((part, i) => !(i === 0 && part === "body"));
      const key = loc.join(".");
      problems.set(key, problems.has(key) ? `${problems.get(key)}; ${item.msg}` : item.msg);
    }
  }
  return problems;
}

/** A UTC instant as the browser's local date and time. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}
