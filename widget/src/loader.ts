// The one script tag a shop pastes. It is small and cached briefly; it reads the tag's data-*
// settings, keeps a queue for calls made before the widget arrives, paints the launcher at
// once, and loads the versioned widget (cached for a year), which takes the launcher over.
// `__BUNDLE__` is filled in by the service.
import { accent } from "./colors";
import { LAUNCHER, language } from "./language";

// The launcher's look, as in widget.css (the widget replaces this sheet with its own).
const CSS =
  ".launcher{all:initial;position:fixed;bottom:16px;z-index:2147483000;display:flex;" +
  "align-items:center;min-height:48px;padding:0 18px;border-radius:24px;cursor:pointer;" +
  "font:600 15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;" +
  "box-shadow:0 4px 14px rgba(0,0,0,.25)}.launcher:focus-visible{outline:3px solid;outline-offset:2px}";

(() => {
  const w = window as any;
  const tag = document.currentScript as HTMLScriptElement | null;
  const stub =
    w.Salesbot ||
    function (...args: unknown[]) {
      (stub.q = stub.q || []).push(args);
    };
  w.Salesbot = stub;
  if (!tag || stub.loading) return;
  stub.loading = true;
  const data = tag.dataset;
  const service = new URL(tag.src).origin;
  const config = (stub.config = {
    service: data.service || service, shopName: data.shopName, greeting: data.greeting,
    color: data.color, position: data.position, lang: data.lang, open: data.open === "true",
    ...(stub.config || {}),
  });

  const paint = () => {
    if (document.getElementById("salesbot-widget")) return;
    const host = document.createElement("div");
    host.id = "salesbot-widget";
    const shadow = host.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    const colors = accent(config.color);
    const side = config.position === "left" ? "left" : "right";
    sheet.replaceSync(`${CSS}.launcher{${side}:16px;background:${colors.accent};color:${colors.text}}`);
    shadow.adoptedStyleSheets = [sheet];
    const chosen = language(config.lang || document.documentElement.lang || navigator.language || "en");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "launcher";
    button.lang = chosen.lang;
    button.dir = chosen.rtl ? "rtl" : "ltr";
    button.textContent = LAUNCHER[chosen.lang];
    button.addEventListener("click", () => w.Salesbot("open"));
    shadow.append(button);
    document.body.append(host);
  };
  if (document.body) paint();
  else document.addEventListener("DOMContentLoaded", paint);

  const script = document.createElement("script");
  script.src = new URL("__BUNDLE__", service).toString();
  script.async = true;
  document.head.append(script);
})();
