// The launcher's label alone, for the loader, which paints the launcher before the rest arrives.
export const LAUNCHER: Record<string, string> = {
  en: "Chat with us", de: "Chat starten", ar: "تحدث معنا",
};
const RTL = new Set(["ar", "he", "fa", "ur"]);

export function language(lang: string): { lang: string; rtl: boolean } {
  const base = lang.toLowerCase().split("-")[0];
  const known = LAUNCHER[base] ? base : "en";
  return { lang: known, rtl: RTL.has(known) };
}
