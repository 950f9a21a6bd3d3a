// Dialogue-log review: find conversations, read them turn by turn, tag, mark, correct, export.
import { $, announce, api, el, type Json, signedIn } from "./common";

const INTENTS = ["greeting", "browse", "product_question", "compare", "price_stock", "support", "complaint", "human", "off_topic"];
let offset = 0;
let total = 0;
let current: string | null = null;

function filters(): URLSearchParams {
  const form = $("filters") as HTMLFormElement;
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (String(value).trim()) params.set(name, String(value).trim());
  return params;
}

async function search(more = false): Promise<void> {
  offset = more ? offset : 0;
  const params = filters();
  ($("export") as HTMLAnchorElement).href = `/staff/api/export.jsonl?${params}`;
  params.set("offset", String(offset));
  $("review-error").textContent = "";
  try {
    const page = await api(`/sessions?${params}`);
    total = page.total;
    const body = $("results").querySelector("tbody")!;
    if (!more) body.replaceChildren();
    for (const row of page.items) body.append(line(row));
    offset += page.items.length;
    $("results").hidden = total === 0;
    $("more").hidden = offset >= total;
    $("count").textContent = `${total} conversation${total === 1 ? "" : "s"} found.`;
  } catch (error) {
    $("review-error").textContent = (error as Error).message;
  }
}

function line(row: Json): HTMLTableRowElement {
  const open = el("button", { type: "button", class: "link" }, row.first_message || row.session_id);
  open.addEventListener("click", () => show(row.session_id));
  const cells = [
    row.created_at.replace("T", " ").slice(0, 16), open, String(row.messages), row.intents.join(", "),
    `${row.ratings.up || 0} up, ${row.ratings.down || 0} down`, row.converted ? "yes" : "no",
    row.handed_over ? "yes" : "no", row.lead_score == null ? "" : row.lead_score.toFixed(2),
    row.tags.join(", "), row.review || "",
  ];
  return el("tr", { "data-session": row.session_id }, ...cells.map((c) => el("td", {}, c)));
}

async function show(sessionId: string): Promise<void> {
  current = sessionId;
  const data = await api(`/sessions/${encodeURIComponent(sessionId)}`);
  $("session").hidden = false;
  const facts = $("session-facts");
  facts.replaceChildren();
  const budget = data.profile?.max_price ? `up to ${data.profile.max_price}` : "not said";
  const rows: [string, string][] = [
    ["Session", data.session_id], ["Started", data.created_at], ["Channel", data.channel],
    ["Lead score", data.lead_score == null ? "not scored" : data.lead_score.toFixed(2)], ["Budget", budget],
    ["Events", data.events.map((e: Json) => `${e.kind}${e.product_id ? ` ${e.product_id}` : ""}`).join(", ") || "none"],
    ["Review", data.review ? `${data.review}${data.review_note ? `: ${data.review_note}` : ""}` : "not reviewed"],
  ];
  for (const [name, value] of rows) facts.append(el("dt", {}, name), el("dd", {}, value));
  ($("tags") as HTMLInputElement).value = data.tags.join(", ");
  // Turns and what staff said, in the order they happened.
  const items: [string, HTMLElement][] = [
    ...data.turns.map((turn: Json) => [turn.at, turnView(turn)] as [string, HTMLElement]),
    ...data.staff_messages.map((said: Json) => [said.at, el("li", { class: "agent" },
      el("p", {}, el("strong", {}, `${said.name} (${said.kind}): `), said.text),
      ...(said.kind === "left" && said.draft ? [el("p", { class: "meta" }, `Note: ${said.draft}`)] : []))] as [string, HTMLElement]),
  ];
  items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  $("turns").replaceChildren(...items.map(([, item]) => item));
  $("session-title").focus();
}

function turnView(turn: Json): HTMLElement {
  const item = el("li", { class: "turn", "data-turn": String(turn.id) });
  item.append(
    el("p", {}, el("strong", {}, "Shopper: "), turn.user_text),
    el("p", {}, el("strong", {}, "Assistant: "), turn.action === "with_agent" ? "(a person answered)" : turn.reply || (turn.error_message ?? "")),
  );
  const facts = [
    `status ${turn.status}${turn.error_code ? ` (${turn.error_code})` : ""}`, `intent ${turn.intent ?? "–"}`,
    `action ${turn.action ?? "–"}`, `mood ${turn.sentiment ?? "–"}`,
    `first token ${turn.ttft_ms == null ? "–" : Math.round(turn.ttft_ms)} ms`,
    `total ${turn.total_ms == null ? "–" : Math.round(turn.total_ms)} ms`,
    `tokens ${turn.prompt_tokens ?? "–"} in / ${turn.completion_tokens ?? "–"} out`,
    `model ${turn.adapter || "base"}`, turn.rating ? `rated ${turn.rating}` : "not rated",
  ];
  item.append(el("p", { class: "meta" }, facts.join(" · ")));
  if (turn.products.length) item.append(el("p", { class: "meta" }, `Products: ${turn.products.map((p: Json) => `${p.id} (${p.score})`).join(", ")}`));
  if (turn.grounding.length) item.append(el("p", { class: "meta guard" }, `Guard: ${turn.grounding.map((g: Json) => Object.values(g).join(" ")).join("; ")}`));
  for (const c of turn.corrections) item.append(el("p", { class: "meta" }, `Corrected by ${c.agent}: ${c.text}`));
  const actions = el("div", { class: "row" });
  for (const [mark, label] of [["good", "Good example"], ["bad", "Bad example"]]) {
    const button = el("button", { type: "button", "aria-pressed": String(turn.mark === mark) }, label);
    button.addEventListener("click", async () => {
      const next = turn.mark === mark ? null : mark;
      await api(`/turns/${turn.id}/mark`, { mark: next });
      turn.mark = next;
      for (const b of actions.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", "false");
      if (next) button.setAttribute("aria-pressed", "true");
      announce(next ? `Marked as a ${next} example.` : "Mark cleared.");
    });
    actions.append(button);
  }
  // The intent the message really has: the intent classifier learns from these labels.
  const labelId = `intent-${turn.id}`;
  const choice = el("select", { id: labelId }) as HTMLSelectElement;
  choice.append(el("option", { value: "" }, "not labelled"), ...INTENTS.map((name) => el("option", { value: name }, name.replace("_", " "))));
  choice.value = turn.intent_label ?? "";
  choice.addEventListener("change", async () => {
    const intent = choice.value || null;
    await api(`/turns/${turn.id}/intent`, { intent });
    announce(intent ? `Labelled as ${intent.replace("_", " ")}.` : "Label cleared.");
  });
  actions.append(el("label", { for: labelId }, "Intent really is"), choice);
  const fix = el("button", { type: "button" }, "Correct the reply");
  fix.addEventListener("click", () => {
    const id = `fix-${turn.id}`;
    const area = el("textarea", { id, rows: "3", maxlength: "4000" });
    area.value = turn.reply;
    const save = el("button", { type: "submit" }, "Save correction");
    const form = el("form", {}, el("label", { for: id }, "The reply it should have given"), area, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await api(`/turns/${turn.id}/correct`, { text: area.value });
      form.replaceWith(el("p", { class: "meta" }, `Corrected: ${area.value}`));
      announce("Correction saved.");
    });
    fix.replaceWith(form);
    area.focus();
  });
  actions.append(fix);
  item.append(actions);
  return item;
}

export async function review(): Promise<void> {
  if (!(await signedIn())) return;
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  $("more").addEventListener("click", () => search(true));
  $("tags-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const tags = ($("tags") as HTMLInputElement).value.split(",").map((t) => t.trim()).filter(Boolean);
    await api(`/sessions/${encodeURIComponent(current!)}/tags`, { tags });
    announce("Tags saved.");
  });
  for (const button of $("verdict-form").querySelectorAll<HTMLButtonElement>("button[data-verdict]")) {
    button.addEventListener("click", async () => {
      const verdict = button.dataset.verdict || null;
      const note = ($("verdict-note") as HTMLInputElement).value.trim() || null;
      await api(`/sessions/${encodeURIComponent(current!)}/review`, { verdict, note });
      announce(verdict ? `Reviewed as ${verdict}.` : "Review cleared.");
    });
  }
  search();
}
