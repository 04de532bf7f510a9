// How a TaskView reads on the page: result labels, colours, timers. No DOM here.

export const OUTCOMES = {
  accepted: { label: "Accepted", tone: "green" },
  declined: { label: "Declined", tone: "red" },
  rona: { label: "RONA", tone: "yellow" },
  cancelled: { label: "Cancelled by caller", tone: "grey" },
  rescinded: { label: "Rescinded", tone: "grey" },
  expired: { label: "Expired", tone: "unknown" },
  not_accepted: { label: "Not accepted", tone: "red" },
  user_aborted: { label: "User aborted", tone: "grey" },
  destination_accepted: { label: "Destination accepted", tone: "green" },
  destination_declined: { label: "Destination declined", tone: "red" },
  destination_not_reached: { label: "Destination not reached", tone: "yellow" },
};

const STATES = {
  incoming: "Incoming",
  dialing: "Dialing out",
  ringing: "Ringing",
  connected: "Connected",
};

const MODALITIES = { voice: "Call", email: "E-mail", chat: "Chat" };

/** The modality in words ("Call", "Outbound call", "E-mail", "Chat"): the row says it in
 *  text beside its icon, so calls, mails and chats never look alike. */
export function modalityLabel(view) {
  const label = MODALITIES[view.modality] ?? view.modality ?? "";
  return view.modality === "voice" && view.direction === "outbound" ? "Outbound call" : label;
}

export const TIMER_NAMES = {
  queue_s: "Queue time",
  ring_s: "Ring time",
  connected_s: "Connected time",
  dialout_s: "Dial-out time",
  ringing_s: "Ringing time",
};

/** The result text: the state while live, the outcome once ended. */
export function resultLabel(view) {
  if (view.state !== "ended") return STATES[view.state] ?? view.state;
  return OUTCOMES[view.outcome]?.label ?? "Ended";
}

/** The left border's tone: by outcome once ended, "live" while the task lives. */
export function tone(view) {
  if (view.state !== "ended") return "live";
  return OUTCOMES[view.outcome]?.tone ?? "unknown";
}

/** The pulsing icon: yellow while it rings (incoming, or the agent's own call ringing out),
 *  green while connected, none once ended. */
export function pulse(view) {
  if (view.state === "connected") return "connected";
  if (view.state === "ended") return null;
  return "incoming";
}

// The server's clock: the list's as_of against this machine's clock when it arrived, so a
// wrong clock here does not make timers run ahead or behind.
let skewMs = 0;
export function syncClock(serverInstant) {
  const server = Date.parse(serverInstant);
  if (!Number.isNaN(server)) skewMs = server - Date.now();
}
export const serverNow = () => Date.now() + skewMs;

/** Seconds on the shown timer now: timers[shown] + (now - as_of) while it counts. */
export function shownSeconds(view, now = serverNow()) {
  const name = view.shown_timer;
  if (!name) return null;
  const base = view.timers?.[name];
  if (base === null || base === undefined) return null;
  if (!view.live_timers?.includes(name)) return base;
  return base + Math.max(0, (now - Date.parse(view.as_of)) / 1000);
}

export function isTicking(view) {
  return Boolean(view.shown_timer && view.live_timers?.includes(view.shown_timer));
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** Today: the time; earlier: date and time. */
export function when(instant) {
  const date = new Date(instant);
  const today = new Date().toDateString() === date.toDateString();
  return today ? timeFormat.format(date) : dayFormat.format(date);
}

export const fullTime = (instant) => dayFormat.format(new Date(instant));

/** A position for a changed task among the others: the queue's order as far as a view
 *  shows it (incoming, then outbound attempts, connected, history by latest update). The
 *  list itself comes in the server's exact order; this only places one changed row. */
export function compareTasks(a, b) {
  const rank = (v) => ({ incoming: 0, dialing: 1, ringing: 1, connected: 2 })[v.state] ?? 3;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return Date.parse(b.updated_at) - Date.parse(a.updated_at);
  return Date.parse(a.started_at) - Date.parse(b.started_at);
}

/** A session-details field as a person reads it: system fields by their label, instants
 * in the agent's time zone; custom parameters by the label their service's owners set,
 * else by their name. */
const SYSTEM_FIELD_LABELS = {
  session_id: "Session ID",
  service_id: "Service ID",
  service_name: "Service",
  service_upn: "Service UPN",
  caller: "Caller",
  modality: "Modality",
  started_at: "Started",
};
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** ``label``: the owners' label of a custom parameter (``session_details[].label``). */
export function detailField(name, value, label = null) {
  const system = !label && name in SYSTEM_FIELD_LABELS;
  label = label || SYSTEM_FIELD_LABELS[name] || name;
  let shown = ISO_INSTANT.test(value) ? fullTime(value) : value;
  if (system && name === "modality") shown = MODALITIES[value] ?? value;
  return [label, shown];
}

const CALLER_DETAIL_LABELS = {
  company: "Company",
  street: "Street",
  postal_code: "Postal code",
  city: "City",
  country: "Country",
  email: "E-mail",
  phone: "Phone",
};

/** A caller detail's name as a person reads it ("postal_code" is "Postal code"). */
export const callerDetailLabel = (name) => CALLER_DETAIL_LABELS[name] ?? name;
