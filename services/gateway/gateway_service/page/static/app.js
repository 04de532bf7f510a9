// My Sessions: the list from GET /tasks, kept current by the live stream, and the detail.

import {
  accessToken,
  api,
  el,
  keepSessionFresh,
  liveStream,
  seg,
  SESSION_ENDED,
  signOut,
  takeTokenFromFragment,
  toSignIn,
} from "./common.js";
import { AutoOpener, autoOpenWanted, setAutoOpen } from "./autoopen.js";
import { DetailPanel } from "./detail.js";
import { TaskList } from "./list.js";
import { OUTCOMES, syncClock } from "./present.js";

// The whole history window in one page (the queue keeps at most 1,000 ended tasks):
// the list then searches and scrolls without further fetches.
const PAGE_SIZE = 1000;

takeTokenFromFragment();
if (await accessToken()) start();
else toSignIn();

function start() {
  const $ = (id) => document.getElementById(id);
  const list = new TaskList($("tasks"), (id) => openTask(id));
  const detail = new DetailPanel($("detail"), { onSaved: () => {} });
  const services = new Map(); // service_id -> name, as the tasks show them
  let cursor = null;
  let total = 0; // matching tasks, in all pages
  let stream = null;
  let refetching = null;

  const filters = () => ({
    q: $("q").value.trim(),
    service_id: $("f-service").value,
    outcome: $("f-outcome").value,
    open_only: $("f-open").checked,
  });
  const filtered = () => {
    const f = filters();
    return Boolean(f.q || f.service_id || f.outcome || f.open_only);
  };
  const matches = (view) => {
    const f = filters();
    if (f.service_id && view.service_id !== f.service_id) return false;
    if (f.outcome && view.outcome !== f.outcome) return false;
    if (f.open_only && !view.open) return false;
    return !f.q; // a search is the server's to match: refetched
  };

  for (const [value, { label }] of Object.entries(OUTCOMES))
    $("f-outcome").append(el("option", { value, text: label }));

  function query(extra = {}) {
    const f = filters();
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), ...extra });
    if (f.q) params.set("q", f.q);
    if (f.service_id) params.set("service_id", f.service_id);
    if (f.outcome) params.set("outcome", f.outcome);
    if (f.open_only) params.set("open_only", "true");
    return `/tasks?${params}`;
  }

  function learnServices(views) {
    const select = $("f-service");
    for (const view of views) {
      if (!view.service_id || services.has(view.service_id)) continue;
      services.set(view.service_id, view.service_name ?? view.service_id);
      select.append(
        el("option", { value: view.service_id, text: view.service_name ?? view.service_id }),
      );
    }
  }

  function showCount() {
    $("count").textContent = `${total} session${total === 1 ? "" : "s"}`;
  }

  async function load() {
    const page = await api(query());
    syncClock(page.as_of);
    const started = performance.now();
    list.replace(page.items);
    performance.measure("mysessions:render", { start: started });
    requestAnimationFrame(() =>
      setTimeout(() => performance.measure("mysessions:first-frame", { start: 0 })),
    );
    learnServices(page.items);
    cursor = page.next_cursor;
    $("more").hidden = !cursor;
    total = page.total;
    showCount();
    document.body.dataset.loaded = "true";
    return page;
  }

  async function more() {
    if (!cursor) return;
    const page = await api(query({ cursor }));
    list.append(page.items);
    learnServices(page.items);
    cursor = page.next_cursor;
    $("more").hidden = !cursor;
  }

  // Refetch (search, filters, or the stream's `refresh`), at most one at a time.
  // One fetch at a time; a request made meanwhile (the agent changed a filter again) runs
  // once more after it, so the list always ends on the latest search and filters.
  let again = false;
  function refetch() {
    if (refetching) {
      again = true;
      return refetching;
    }
    refetching = (async () => {
      try {
        do {
          again = false;
          const page = await load();
          stream?.setLastEventId(page.last_event_id);
        } while (again);
      } finally {
        refetching = null;
      }
    })();
    return refetching;
  }
  let searchTimer = null;
  const refetchSoon = (ms = 250) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(refetch, ms);
  };

  function openTask(id) {
    list.select(id);
    detail.open(id);
  }

  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    refetch();
  });
  $("q").addEventListener("input", () => refetchSoon());
  for (const id of ["f-service", "f-outcome", "f-open"])
    $(id).addEventListener("change", () => refetch());
  $("more").addEventListener("click", more);
  $("signout").addEventListener("click", signOut);

  keepSessionFresh();
  setInterval(() => {
    list.tick();
    detail.tick();
  }, 1000);

  (async () => {
    try {
      const me = await api("/me");
      $("who").textContent = `${me.user_id} · ${me.tenant_id}`;
      $("auto-open").checked = autoOpenWanted(me);
      $("auto-open").addEventListener("change", () => setAutoOpen(me, $("auto-open").checked));
      const opener = new AutoOpener($("auto-open-status"), () => $("auto-open").checked);
      const first = await load();
      stream = liveStream(first.last_event_id, {
        task(view) {
          learnServices([view]);
          const started = performance.now();
          const known = list.has(view.user_session_id);
          if (known || matches(view)) list.upsert(view);
          else if (filtered()) refetchSoon(500);
          if (!known && list.has(view.user_session_id)) {
            total += 1;
            showCount();
          }
          opener.taskArrived(view, !known);
          performance.measure("mysessions:update", { start: started });
          // ... and until the frame that shows it (style, layout and paint included).
          requestAnimationFrame(() =>
            setTimeout(() => performance.measure("mysessions:update-frame", { start: started })),
          );
          detail.taskChanged(view);
        },
        caption: (data) => detail.caption(data),
        // A live task's parameters or caller changed (a CRM flow): one read of its detail
        // updates both its row (the caller) and, when it is open, the detail panel.
        async context(data) {
          let fresh;
          try {
            fresh = await api(`/tasks/${seg(data.user_session_id)}`);
          } catch {
            return; // gone meanwhile, or the network: the next change or fetch shows it
          }
          if (list.has(fresh.task.user_session_id)) list.upsert(fresh.task);
          detail.contextChanged(fresh);
        },
        refresh: () => refetch(),
        status(state) {
          $("live-status").textContent = state === "live" ? "Live" : "Reconnecting…";
          $("live-status").dataset.state = state;
        },
      });
      window.addEventListener("pagehide", () => stream?.stop());
      window.addEventListener(SESSION_ENDED, () => {
        stream?.stop();
        $("live-status").textContent = "Signed out";
        $("live-status").dataset.state = "ended";
      });
    } catch (error) {
      if (error.status !== 401)
        $("count").textContent = `Could not load the sessions: ${error.message}`;
    }
  })();
}
