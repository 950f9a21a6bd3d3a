// Shared by the staff pages: DOM helpers, the API client, who is signed in.
import { el } from "../src/dom";

export type Json = { [key: string]: any };

export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
export const state: { me: Json | null } = { me: null };

export { el };

export function announce(text: string): void {
  $("announce").textContent = text;
}

export async function api(path: string, body?: Json): Promise<Json> {
  const init: RequestInit = body === undefined ? {} : {
    method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRF-Token": state.me?.csrf || "" },
  };
  const response = await fetch(`/staff/api${path}`, { credentials: "same-origin", ...init });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data?.error?.message || `The request failed (${response.status}).`);
  return data;
}

// The signed-in staff member, or a trip to the sign-in page and back.
export async function signedIn(): Promise<Json | null> {
  try {
    state.me = await api("/me");
  } catch {
    location.assign(`/staff?next=${encodeURIComponent(location.pathname + location.search)}`);
    return null;
  }
  const who = $("who");
  who.textContent = `${state.me.name} (${state.me.role})`;
  who.hidden = false;
  $("sign-out").hidden = false;
  $("sign-out").addEventListener("click", signOut);
  return state.me;
}

export async function signOut(): Promise<void> {
  await api("/logout", {}).catch(() => undefined);
  location.assign("/staff");
}
