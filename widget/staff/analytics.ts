// Customer insight and sales analytics: the period's figures, charts and tables.
import { $, api, el, type Json, signedIn } from "./common";

const pct = (value: number | null) => (value == null ? "–" : `${(value * 100).toFixed(1)}%`);
const ms = (value: number | null) => (value == null ? "–" : `${Math.round(value)} ms`);

function rows(id: string, lines: (string | number)[][]): void {
  const body = $(id).querySelector("tbody")!;
  body.replaceChildren(...lines.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, String(c))))));
}

async function load(): Promise<void> {
  const params = new URLSearchParams();
  for (const name of ["since", "until"]) {
    const value = ($(name) as HTMLInputElement).value;
    if (value) params.set(name, value);
  }
  $("analytics-error").textContent = "";
  let data: Json;
  try {
    data = await api(`/analytics?${params}`);
  } catch (error) {
    $("analytics-error").textContent = (error as Error).message;
    return;
  }
  ($("since") as HTMLInputElement).value = data.since;
  ($("until") as HTMLInputElement).value = data.until;
  const revenue = Object.entries(data.assisted_revenue).map(([c, v]) => `${v} ${c}`).join(", ") || "none reported";
  const key: [string, string][] = [
    ["Conversations", String(data.conversations)],
    ["Assisted purchases", String(data.assisted_purchases)],
    ["Assisted revenue", revenue],
    ["Conversion with the assistant", pct(data.conversion_assisted)],
    ["Conversion of visits without chat", pct(data.conversion_without_chat)],
    ["Handed over to a person", `${data.handovers} (${pct(data.handover_rate)})`],
    ["Ratings", `${data.rated_up} helpful, ${data.rated_down} not helpful (${pct(data.rated_up_share)} helpful)`],
    ["Time to first token p50 / p95", `${ms(data.ttft_p50_ms)} / ${ms(data.ttft_p95_ms)}`],
    ["Replies the guard caught", String(data.guard_catches)],
  ];
  $("key").replaceChildren(...key.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]));
  for (const [name, alt] of [
    ["conversations", `Bar chart of conversations and purchases per day; the numbers are in the table below it.`],
    ["versions", "Bar chart of time to first token by model version; the numbers are in the table below it."],
    ["demand", "Bar chart of what shoppers asked for that the catalog does not hold; the numbers are in the table below it."],
  ]) {
    const image = $(`chart-${name}`) as HTMLImageElement;
    image.alt = alt;
    image.src = `/staff/api/analytics/${name}.svg?${params}`;
  }
  rows("days", data.per_day.map((d: Json) => [d.day, d.conversations, d.purchases]));
  rows("versions", data.versions.map((v: Json) => [v.name, v.conversations, v.messages, v.purchases, pct(v.conversion_rate), v.rated_up, v.rated_down, v.guard_catches, `${ms(v.ttft_p50_ms)} / ${ms(v.ttft_p95_ms)}`]));
  rows("demand", data.missed_demand.map((m: Json) => [m.term, m.count, m.previous, m.examples.join(" · ")]));
  rows("segments", data.segments.map((s: Json) => [s.budget, s.interest, s.conversations, pct(s.conversion_rate)]));
  const forecast = data.forecast;
  $("forecast-note").textContent = `From ${forecast.history_days} days of history; 90% intervals.`;
  const range = (f: Json) => `${f.expected} (${f.low}–${f.high}), ${f.method}`;
  rows("forecast", Object.entries(forecast.series).map(([name, s]: [string, any]) => {
    const check = s.backtest[0];
    const held = check ? `${check.predicted} vs ${check.actual}${check.percent_error == null ? "" : ` (${check.percent_error}% off)`}, ${check.held ? "inside" : "outside"} the interval` : "not enough history yet";
    return [name, range(s.forecasts[0]), range(s.forecasts[1]), held];
  }));
  const lead = data.lead_model;
  $("lead-model").textContent = lead.source === "learned"
    ? `Lead scores come from a model learned from ${lead.learned_from} finished conversations.`
    : "Lead scores use prior weights until enough conversations have ended in a purchase (and not).";
}

export async function analytics(): Promise<void> {
  if (!(await signedIn())) return;
  $("period").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  load();
}
