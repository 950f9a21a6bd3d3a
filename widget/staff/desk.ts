// The agents' desk: sign in, the live list of conversations, one conversation watched as it
// happens, take over, reply (from a suggested draft or not) and hand back.
import { $, announce, api, el, type Json, signOut, state } from "./common";

let socket: WebSocket | null = null;
let retry = 0;
let watched: string | null = null;
let draft: Json | null = null;
const items = new Map<string, Json>();
const answers = new Map<number, HTMLElement>();
const shownAgents = new Set<number>();
let waitingBefore = new Set<string>();

// --- signing in ----------------------------------------------------------------------------
export async function desk(): Promise<void> {
  try {
    state.me = await api("/me");
    enter();
  } catch {
    $("sign-in").hidden = false;
    $("username").focus();
  }
  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = ($("username") as HTMLInputElement).value.trim();
    const password = ($("password") as HTMLInputElement).value;
    try {
      state.me = await api("/login", { username, password });
      ($("password") as HTMLInputElement).value = "";
      $("sign-in-error").textContent = "";
      enter();
    } catch (error) {
      $("sign-in-error").textContent = (error as Error).message;
    }
  });
  $("sign-out").addEventListener("click", signOut);
  wire();
}

function enter(): void {
  const next = new URLSearchParams(location.search).get("next");
  if (next && /^\/staff\/[a-z]+$/.test(next.split("?")[0])) return location.assign(next);
  if (state.me!.role === "viewer") return location.assign("/staff/review"); // the desk needs an agent
  $("sign-in").hidden = true;
  $("desk").hidden = false;
  $("nav").hidden = false;
  const who = $("who");
  who.textContent = `${state.me!.name} (${state.me!.role})`;
  who.hidden = false;
  $("sign-out").hidden = false;
  connect();
  loadCanned();
}

// --- the live list ---------------------------------------------------------------------------
function connect(): void {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/staff/ws`);
  socket.addEventListener("open", () => {
    retry = 0;
    $("connection").textContent = "";
    if (watched) socket!.send(JSON.stringify({ type: "watch", session_id: watched }));
  });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => {
    if (event.code === 4401 || event.code === 4403) {
      $("connection").textContent = event.reason || "Your session ended. Sign in again.";
      setTimeout(() => location.reload(), 1500);
      return;
    }
    $("connection").textContent = "Reconnecting…";
    setTimeout(connect, Math.min(10000, 500 * 2 ** retry++));
  });
}

function receive(frame: Json): void {
  switch (frame.type) {
    case "conversations":
      items.clear(); // a whole list after every (re)connect: nothing missed
      for (const item of frame.items) items.set(item.session_id, item);
      return renderList();
    case "conversation":
      if (!frame.item.live && frame.item.state === "bot") items.delete(frame.item.session_id);
      else items.set(frame.item.session_id, frame.item);
      if (frame.item.session_id === watched) facts(frame.item);
      return renderList();
    case "watching":
      return show(frame.detail);
    case "live":
      if (frame.session_id === watched) live(frame.frame);
      return;
    case "error":
      $("talk-error").textContent = frame.message;
  }
}

function waited(since: number | null): string {
  if (!since) return "";
  const minutes = Math.floor((Date.now() / 1000 - since) / 60);
  return minutes < 1 ? "waiting <1 min" : `waiting ${minutes} min`;
}

function renderList(): void {
  const list = $("list");
  list.replaceChildren();
  const waiting = new Set<string>();
  for (const item of items.values()) {
    if (item.state === "waiting_for_human") waiting.add(item.session_id);
    const state = { bot: "with the assistant", waiting_for_human: "waits for a person", with_agent: `with ${item.agent}` }[item.state as string] || item.state;
    const button = el("button", { type: "button", "data-session": item.session_id },
      el("span", { class: "badge" }, [state, item.online ? "online" : "offline", waited(item.waiting_since), item.shopper || "", item.intent || "",
        item.sentiment && item.sentiment !== "neutral" ? item.sentiment : "", item.lead_score == null ? "" : `lead ${Math.round(item.lead_score * 100)}%`,
        item.budget ? `budget ${item.budget}` : ""].filter(Boolean).join(" · ")),
      item.last_message || item.session_id);
    if (item.session_id === watched) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => watch(item.session_id));
    list.append(el("li", { class: item.state }, button));
  }
  $("empty").hidden = items.size > 0;
  const fresh = [...waiting].filter((id) => !waitingBefore.has(id));
  if (fresh.length) {
    announce(`${fresh.length} new handover request${fresh.length > 1 ? "s" : ""}.`);
    beep();
  }
  waitingBefore = waiting;
  document.title = waiting.size ? `(${waiting.size}) Staff desk` : "Staff desk";
}

function beep(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.connect(audio.destination);
    tone.frequency.value = 880;
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch {
    // no sound allowed yet: the title and the list show it
  }
}

// --- one conversation ------------------------------------------------------------------------
function watch(sessionId: string): void {
  watched = sessionId;
  socket?.send(JSON.stringify({ type: "watch", session_id: sessionId }));
  renderList();
}

function facts(summary: Json): void {
  const list = $("facts");
  list.replaceChildren();
  const rows: [string, string][] = [
    ["Session", summary.session_id],
    ["Name", summary.shopper || "not given"],
    ["State", summary.state === "with_agent" ? `with ${summary.agent}` : summary.state],
    ["Shopper", summary.online ? "online" : "left the page"],
    ["Budget", summary.budget || "not said"],
    ["Interests", (summary.interests || []).join(", ") || "none yet"],
    ["Page", summary.context?.product_id || "not on a product page"],
    ["Cart", summary.context?.cart?.length ? summary.context.cart.join(", ") : "empty"],
  ];
  for (const [name, value] of rows) list.append(el("dt", {}, name), el("dd", {}, value));
  const mine = summary.state === "with_agent" && summary.agent === state.me?.username;
  $("claim").hidden = mine || summary.state === "with_agent";
  $("suggest").hidden = !mine;
  $("follow-up").hidden = !mine;
  $("reply").hidden = !mine;
  $("hand-back").hidden = !mine;
}

function line(kind: string, who: string, text: string, products: Json[] = []): HTMLElement {
  const item = el("li", { class: kind }, el("span", { class: "who" }, `${who}:`), el("span", { class: "body" }, text));
  if (products.length) item.append(el("span", { class: "products" }, `Shown: ${products.map((p) => `${p.title} (${p.price} ${p.currency})`).join("; ")}`));
  $("log").append(item);
  item.scrollIntoView({ block: "nearest" });
  return item;
}

function show(detail: Json): void {
  $("talk").hidden = false;
  $("talk-error").textContent = "";
  $("log").replaceChildren();
  answers.clear();
  shownAgents.clear();
  facts(detail.summary);
  for (const item of detail.history) {
    if (item.role === "user") line("user", "Shopper", item.text);
    else if (item.role === "agent") agentLine(item.message_id, item.kind, item.name, item.text, item.products);
    else {
      const kind = item.error === "taken_over" ? "assistant cut" : "assistant";
      answers.set(item.message_id, line(kind, "Assistant", item.text, item.products));
    }
  }
  setDraft(detail.draft);
}

function agentLine(id: number, kind: string, name: string, text: string, products: Json[] = []): void {
  if (shownAgents.has(id)) return;
  shownAgents.add(id);
  if (kind === "message") line("agent", name, text, products);
  else line("notice", "Note", text);
}

function live(frame: Json): void {
  switch (frame.type) {
    case "accepted":
      line("user", "Shopper", frame.text);
      announce(`Shopper: ${frame.text}`);
      return;
    case "products": {
      const answer = answers.get(frame.message_id) || line("assistant", "Assistant", "");
      answers.set(frame.message_id, answer);
      answer.append(el("span", { class: "products" }, `Shown: ${frame.products.map((p: Json) => p.title).join("; ")}`));
      return;
    }
    case "token": {
      const answer = answers.get(frame.message_id) || line("assistant", "Assistant", "");
      answers.set(frame.message_id, answer);
      answer.querySelector(".body")!.append(frame.text);
      return;
    }
    case "done": {
      const answer = answers.get(frame.message_id);
      if (answer && frame.text) answer.querySelector(".body")!.textContent = frame.text;
      return;
    }
    case "error": {
      const answer = answers.get(frame.message_id);
      if (frame.code === "taken_over") (answer || line("assistant", "Assistant", "")).classList.add("cut");
      else line("notice", "Error", frame.message);
      return;
    }
    case "handover":
      line("notice", "Note", `The shopper asked for a person (${frame.reason}).`);
      return;
    case "agent":
      agentLine(frame.id, frame.kind, frame.name, frame.text, frame.products);
      return;
    case "draft":
      setDraft(frame.draft);
  }
}

function setDraft(next: Json | null): void {
  draft = next;
  const text = $("reply-text") as HTMLTextAreaElement;
  if (next) text.value = next.text;
  $("draft-products").textContent = next?.products?.length ? `With the products: ${next.products.map((p: Json) => p.title).join("; ")}` : "";
}

async function act(path: string, body: Json = {}): Promise<Json | null> {
  $("talk-error").textContent = "";
  try {
    return await api(`/conversations/${encodeURIComponent(watched!)}${path}`, body);
  } catch (error) {
    $("talk-error").textContent = (error as Error).message;
    return null;
  }
}

async function loadCanned(): Promise<void> {
  const select = $("canned") as HTMLSelectElement;
  const list = await api("/canned").catch(() => []);
  select.replaceChildren(el("option", { value: "" }, list.length ? "Choose one" : "None saved yet"));
  for (const reply of list as Json[]) select.append(el("option", { value: String(reply.id) }, `${reply.title}${reply.shared ? " (shared)" : ""}`));
}

function wire(): void {
  $("insert-canned").addEventListener("click", async () => {
    const id = ($("canned") as HTMLSelectElement).value;
    if (!id) return;
    const filled = await act(`/canned/${id}`);
    if (filled) {
      const text = $("reply-text") as HTMLTextAreaElement;
      text.value = text.value ? `${text.value} ${filled.text}` : filled.text;
      text.focus();
    }
  });
  $("follow-up").addEventListener("click", async () => {
    const drafted = await act("/follow-up");
    if (drafted) {
      $("follow-up-text").textContent = `Subject: ${drafted.subject}\n\n${drafted.text}`;
      $("follow-up-draft").hidden = false;
    }
  });
  $("claim").addEventListener("click", async () => {
    const summary = await act("/claim");
    if (summary) {
      facts(summary);
      ($("suggest") as HTMLButtonElement).focus();
    }
  });

  $("suggest").addEventListener("click", async () => {
    const suggested = await act("/suggest");
    if (suggested) {
      setDraft(suggested);
      ($("reply-text") as HTMLTextAreaElement).focus();
    }
  });

  $("discard").addEventListener("click", () => {
    setDraft(null);
    ($("reply-text") as HTMLTextAreaElement).value = "";
  });

  $("reply").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = ($("reply-text") as HTMLTextAreaElement).value.trim();
    if (!text) return;
    const body: Json = { text };
    if (draft) Object.assign(body, { draft: draft.text, products: draft.products.map((p: Json) => p.id) });
    if (await act("/messages", body)) {
      setDraft(null);
      ($("reply-text") as HTMLTextAreaElement).value = "";
    }
  });

  $("hand-back").addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = ($("note") as HTMLInputElement).value.trim();
    const summary = await act("/hand-back", note ? { note } : {});
    if (summary) facts(summary);
  });
}
