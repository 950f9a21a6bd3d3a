// The shopper's chat widget: one global (`Salesbot`), an open shadow root, no HTML from data.
import { accent } from "./colors";
import { el } from "./dom";
import { words, type Words } from "./i18n";
import { type Frame, Link } from "./link";

declare const __CSS__: string;

type Handler = (detail: any) => void;
type Card = {
  id: string; title: string; price: string; price_from: boolean; price_max: string | null;
  regular_price: string | null; currency: string; url: string | null; image_url: string | null;
  in_stock: boolean; availability?: string | null; note?: string | null;
};
interface View {
  id: number | null;
  box: HTMLElement;
  body: HTMLElement;
  text: string;
  done: boolean;
  announced: number;
  cards: Card[];
  list?: HTMLElement;
}
interface Config {
  service: string; shopName: string; greeting: string; color?: string; position: string;
  lang: string; open: boolean;
}

const SAFE_URL = /^https?:\/\//i;
const BUBBLE = "M4 4h16v12H7l-3 3z";
const THUMB = "M2 21h4V9H2zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6V3a1.5 1.5 0 0 0-.4-1L13.2 1 6.6 7.6A2 2 0 0 0 6 9v10a2 2 0 0 0 2 2h9a2 2 0 0 0 1.8-1.2l3-7.1.2-.7z";

function icon(d: string): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}

function safeUrl(url: string | null | undefined, base: string): string | null {
  if (!url) return null;
  try {
    const full = new URL(url, base).toString();
    return SAFE_URL.test(full) ? full : null;
  } catch {
    return null;
  }
}

class Widget {
  w: Words;
  lang: string;
  root: HTMLElement;
  launcher: HTMLButtonElement;
  panel!: HTMLElement;
  banner!: HTMLElement;
  log!: HTMLElement;
  status!: HTMLElement;
  chips!: HTMLElement;
  input!: HTMLTextAreaElement;
  sendButton!: HTMLButtonElement;
  stopButton!: HTMLButtonElement;
  live!: HTMLElement;
  link!: Link;
  handlers = new Map<string, Set<Handler>>();
  answers = new Map<number, View>();
  users = new Map<string, HTMLElement>(); // client id -> the shopper's bubble
  shownUsers = new Set<number>();
  shownAgents = new Set<number>();
  state = "bot"; // "with_agent" while a person from the shop answers
  added = new Set<string>();
  context: { product_id?: string; cart?: string[] } | null = null;
  customer: Record<string, string | boolean> | null = null;
  writing: number | null = null;
  compared: Card[] = [];

  constructor(readonly config: Config) {
    const chosen = words(config.lang);
    this.w = chosen.words;
    this.lang = chosen.lang;
    // The loader painted a launcher already: take its place (and its focus) in the same host.
    const painted = document.getElementById("salesbot-widget");
    const host = painted?.shadowRoot ? painted : el("div", { id: "salesbot-widget" });
    const shadow = host.shadowRoot || host.attachShadow({ mode: "open" });
    const focused = shadow.activeElement !== null;
    shadow.replaceChildren();
    const sheet = new CSSStyleSheet();
    const colors = accent(config.color);
    sheet.replaceSync(`${__CSS__}:host{--accent:${colors.accent};--on-accent:${colors.text}}`);
    shadow.adoptedStyleSheets = [sheet];
    const w = this.w;
    const position = config.position === "left" ? "left" : "right";
    this.root = el("div", { class: `root ${position}`, lang: this.lang, dir: chosen.rtl ? "rtl" : "ltr" });
    this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "salesbot-panel" });
    this.launcher.append(icon(BUBBLE), w.open);
    this.launcher.addEventListener("click", () => this.open());
    this.root.append(this.launcher);
    shadow.append(this.root);
    if (!host.isConnected) document.body.append(host);
    if (focused) this.launcher.focus();
    // The launcher is all the page waits for; the panel and the connection come in a later
    // task, when the browser is idle (or at once when the shopper opens the chat).
    const later = window.requestIdleCallback || ((f: () => void) => setTimeout(f, 50));
    if (config.open) this.open(false);
    else later(() => this.build(), { timeout: 2000 });
  }

  built = false;

  build(): void {
    if (this.built) return;
    this.built = true;
    const { config, w } = this;
    const title = el("h2", { id: "salesbot-title" }, config.shopName || w.title);
    const human = el("button", { type: "button", class: "human" }, w.human);
    const close = el("button", { type: "button", class: "close", "aria-label": w.close }, "×");
    this.banner = el("p", { class: "banner", role: "status", hidden: "" });
    this.log = el("div", { class: "log", role: "log", "aria-live": "off", tabindex: "0", "aria-label": w.conversation });
    this.status = el("div", { class: "status", "aria-hidden": "true" });
    this.chips = el("div", { class: "chips" });
    this.input = el("textarea", { rows: "1", maxlength: "2000", "aria-label": w.placeholder, placeholder: w.placeholder });
    this.sendButton = el("button", { type: "submit", class: "send" }, w.send);
    this.stopButton = el("button", { type: "button", class: "stop", hidden: "" }, w.stop);
    const form = el("form", {}, this.input, this.stopButton, this.sendButton);
    this.live = el("div", { class: "sr", "aria-live": "polite" });
    this.panel = el(
      "section", { class: "panel", id: "salesbot-panel", role: "dialog", "aria-labelledby": "salesbot-title", hidden: "" },
      el("header", {}, title, human, close), this.banner, this.log, this.status, this.chips, form, this.live,
    );
    this.root.prepend(this.panel);
    close.addEventListener("click", () => this.close());
    human.addEventListener("click", () => this.send(w.humanMessage));
    this.stopButton.addEventListener("click", () => {
      if (this.writing !== null) this.link.raw({ type: "stop", message_id: this.writing });
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.send(this.input.value);
      }
    });
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.notice(config.greeting || w.greeting);
    this.setChips(w.chips);
    const key = `salesbot:${new URL(config.service).host}`;
    this.link = new Link(config.service, key, (f) => this.receive(f), (s) => this.connection(s));
    this.link.connect();
  }

  // --- the host page's API ----------------------------------------------------------------
  on(name: string, handler: Handler): void {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name)!.add(handler);
  }

  emit(name: string, detail: unknown): void {
    for (const handler of this.handlers.get(name) || []) {
      try {
        handler(detail);
      } catch (error) {
        console.error(error);
      }
    }
  }

  open(focus = true): void {
    this.build();
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    if (focus) this.input.focus();
    this.log.scrollTop = this.log.scrollHeight;
    this.emit("open", {});
  }

  close(): void {
    if (!this.built) return;
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
    this.emit("close", {});
  }

  toggle(): void {
    !this.built || this.panel.hidden ? this.open() : this.close();
  }

  setContext(context: { product?: string; cart?: string[] } | null): void {
    this.context = context ? { product_id: context.product, cart: context.cart } : null;
  }

  // Who the shopper is, as the shop knows them: sent to the service (staff see the name;
  // follow-up emails need marketing_consent: true), again after every reconnect.
  identify(customer: Record<string, any>): void {
    const picked: Record<string, string | boolean> = { marketing_consent: customer.marketing_consent === true };
    for (const key of ["id", "name", "email"]) if (typeof customer[key] === "string" && customer[key]) picked[key] = customer[key];
    this.customer = picked;
    if (this.link) this.link.raw({ type: "identify", customer: picked });
  }

  send(raw: string): void {
    const text = raw.trim();
    if (!text) return;
    this.build();
    this.input.value = "";
    const clientId = this.link.message(text, this.context);
    const bubble = this.bubble("user", this.w.you, text);
    this.users.set(clientId, bubble);
    if (!this.link.ws || this.link.ws.readyState !== WebSocket.OPEN) {
      bubble.append(el("span", { class: "who" }, this.w.queued));
    }
    this.status.textContent = this.state === "with_agent" ? "" : this.w.looking;
    this.emit("message", { role: "user", text });
  }

  // --- frames in --------------------------------------------------------------------------
  receive(frame: Frame): void {
    switch (frame.type) {
      case "session":
        return this.restore(frame);
      case "accepted":
        return this.accepted(frame);
      case "products":
        this.status.textContent = this.w.writing;
        return this.products(this.answer(frame.message_id), frame.products);
      case "token":
        return this.token(frame.message_id, frame.text);
      case "done":
        return this.done(frame.message_id, frame.text);
      case "agent":
        return this.agent(frame);
      case "handover":
        this.notice(this.w.handover);
        return this.emit("handover", { reason: frame.reason, message: frame.message });
      case "error":
        return this.error(frame);
    }
  }

  restore(frame: Frame): void {
    this.state = frame.state || "bot";
    if (this.customer) this.link.raw({ type: "identify", customer: this.customer });
    for (const item of frame.history || []) {
      if (item.role === "agent") {
        this.agent({ ...item, id: item.message_id }, false);
      } else if (item.role === "user") {
        if (this.shownUsers.has(item.message_id)) continue;
        const mine = item.client_id && this.users.get(item.client_id);
        if (mine) this.confirm(mine);
        else this.bubble("user", this.w.you, item.text);
        this.shownUsers.add(item.message_id);
      } else {
        const view = this.answer(item.message_id);
        if (view.done) continue;
        if (!view.cards.length && item.products?.length) this.products(view, item.products);
        this.finish(view, item.text, item.error === "taken_over" ? "cut" : item.error ? "error" : null);
      }
    }
  }

  accepted(frame: Frame): void {
    const mine = frame.client_id && this.users.get(frame.client_id);
    if (!this.shownUsers.has(frame.message_id)) {
      if (mine) this.confirm(mine);
      else this.bubble("user", this.w.you, frame.text); // sent from another tab
      this.shownUsers.add(frame.message_id);
    }
    if (!frame.duplicate && this.state !== "with_agent") this.answer(frame.message_id);
    if (this.state === "with_agent") this.status.textContent = "";
  }

  // A person from the shop: joined, wrote, or handed back to the assistant.
  agent(frame: Frame, live = true): void {
    if (this.shownAgents.has(frame.id)) return;
    this.shownAgents.add(frame.id);
    if (live) this.state = frame.kind === "left" ? "bot" : "with_agent";
    if (frame.kind === "message") {
      const box = this.bubble("agent", frame.name, frame.text);
      box.prepend(el("span", { class: "who", "aria-hidden": "true" }, frame.name));
      if (frame.products?.length) {
        this.products({ id: null, box, body: box, text: frame.text, done: true, announced: 0, cards: [] }, frame.products);
      }
      this.announce(`${frame.name}: ${frame.text}`);
    } else {
      this.notice((frame.kind === "joined" ? this.w.joined : this.w.left).replace("{name}", frame.name));
    }
    if (live) this.emit("message", { role: "agent", name: frame.name, text: frame.text });
  }

  confirm(bubble: HTMLElement): void {
    bubble.querySelector(".who")?.remove();
  }

  answer(id: number): View {
    let view = this.answers.get(id);
    if (!view) {
      const body = el("span", { class: "body" });
      const box = this.bubble("assistant", this.w.assistant, body);
      box.dataset.messageId = String(id);
      box.dataset.state = "streaming";
      view = { id, box, body, text: "", done: false, announced: 0, cards: [] };
      this.answers.set(id, view);
      this.writing = id;
      this.stopButton.hidden = false;
    }
    return view;
  }

  token(id: number, text: string): void {
    const view = this.answer(id);
    if (view.done) return;
    view.text += text;
    view.body.append(text);
    // Announce whole sentences as they complete, not every token.
    const end = Math.max(view.text.lastIndexOf(". "), view.text.lastIndexOf("! "), view.text.lastIndexOf("? "));
    if (end + 1 > view.announced) {
      this.announce(view.text.slice(view.announced, end + 1));
      view.announced = end + 1;
    }
    this.scroll();
  }

  done(id: number, text: string): void {
    const known = this.answers.get(id);
    if (!text && !known?.cards.length) {
      // A person answers this one: no assistant bubble.
      known?.box.remove();
      this.answers.delete(id);
      if (this.writing === id) this.finishWriting();
      return;
    }
    const view = this.answer(id);
    if (!view.done) this.finish(view, text, null);
    this.emit("message", { role: "assistant", text, message_id: id });
  }

  finishWriting(): void {
    this.writing = null;
    this.stopButton.hidden = true;
    this.status.textContent = "";
  }

  finish(view: View, text: string, kind: "error" | "cut" | null): void {
    view.done = true;
    view.text = text;
    view.body.textContent = text;
    if (kind) view.box.classList.add(kind);
    view.box.dataset.state = kind || "done";
    this.announce(text.slice(view.announced));
    view.announced = text.length;
    if (!kind && view.id !== null) (view.list || view.box).after(this.rating(view.id));
    if (this.writing === view.id) {
      this.writing = null;
      this.stopButton.hidden = true;
      this.status.textContent = "";
    }
    if (view.cards.length >= 2) {
      const [a, b] = view.cards;
      this.setChips([this.w.compareThese.replace("{a}", a.title).replace("{b}", b.title)]);
    }
    this.scroll();
  }

  error(frame: Frame): void {
    if (frame.message_id) {
      const view = this.answer(frame.message_id);
      if (frame.code === "taken_over") this.finish(view, view.text, "cut"); // the words so far stay
      else if (!view.done) this.finish(view, frame.code === "stopped" ? this.w.stopped : frame.message, "error");
    } else {
      const bubble = frame.client_id && this.users.get(frame.client_id);
      if (bubble) bubble.classList.add("failed");
      this.notice(frame.message, "error");
      this.status.textContent = "";
    }
    this.emit("error", { code: frame.code, message: frame.message });
  }

  connection(state: "open" | "closed" | "offline" | "refused"): void {
    const text = { open: "", closed: this.w.reconnecting, offline: this.w.offline, refused: this.w.refused }[state];
    this.banner.textContent = text;
    this.banner.hidden = !text;
    if (state === "open") this.emit("ready", {});
  }

  // --- what the shopper sees --------------------------------------------------------------
  bubble(kind: string, who: string, ...content: (Node | string)[]): HTMLElement {
    const box = el("div", { class: `msg ${kind}` }, el("span", { class: "sr" }, `${who}: `), ...content);
    this.log.append(box);
    this.scroll();
    return box;
  }

  notice(text: string, kind = ""): void {
    this.log.append(el("div", { class: `msg notice ${kind}` }, text));
    this.announce(text);
    this.scroll();
  }

  products(view: View, cards: Card[]): void {
    if (!cards.length || view.cards.length) return;
    view.cards = cards;
    const list = el("ul", { class: "cards", "aria-label": this.w.title });
    for (const card of cards) list.append(this.card(card, view.id));
    view.box.after(list); // the answer first, then the products it is about
    view.list = list;
  }

  card(card: Card, messageId: number | null): HTMLElement {
    const w = this.w;
    const item = el("li", { class: "card" });
    const image = safeUrl(card.image_url, this.config.service);
    if (image) item.append(el("img", { src: image, alt: card.title, loading: "lazy" }));
    const link = safeUrl(card.url, location.href);
    const heading = el("h3");
    heading.append(link ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, card.title) : card.title);
    const money = (value: string) => {
      try {
        return new Intl.NumberFormat(this.lang, { style: "currency", currency: card.currency }).format(Number(value));
      } catch {
        return `${value} ${card.currency}`;
      }
    };
    const price = el("p", { class: "price" }, `${card.price_from ? `${w.from} ` : ""}${money(card.price)}`);
    if (card.regular_price) price.append(" ", el("s", { "aria-label": `${w.was} ${money(card.regular_price)}` }, money(card.regular_price)));
    const ahead = card.availability === "preorder" ? w.preorder
      : card.availability === "backorder" ? w.backorder : w.inStock;
    const stock = el("p", { class: "stock" }, card.in_stock ? ahead : w.outOfStock);
    if (card.note) stock.append(` · ${card.note}`);
    const add = el("button", { type: "button", class: "add" }, w.addToCart);
    const key = `${messageId}:${card.id}`;
    add.setAttribute("aria-label", `${w.addToCart}: ${card.title}`);
    // aria-disabled, not disabled: the button keeps the keyboard focus after it is used.
    if (!card.in_stock) add.setAttribute("aria-disabled", "true");
    const mark = () => {
      add.setAttribute("aria-disabled", "true");
      add.setAttribute("aria-label", `${w.added}: ${card.title}`);
      add.textContent = w.added;
    };
    if (this.added.has(key)) mark();
    add.addEventListener("click", () => {
      if (this.added.has(key) || !card.in_stock) return; // once, however often it is clicked
      this.added.add(key);
      mark();
      this.link.raw({ type: "event", name: "added_to_cart", product_id: card.id, quantity: 1, ...(messageId ? { message_id: messageId } : {}) });
      this.emit("add_to_cart", { product: card, quantity: 1, message_id: messageId });
    });
    const compare = el("input", { type: "checkbox" });
    compare.addEventListener("change", () => {
      this.compared = compare.checked ? [...this.compared, card] : this.compared.filter((c) => c !== card);
      if (this.compared.length >= 2) {
        const [a, b] = this.compared.slice(-2);
        this.setChips([w.compareThese.replace("{a}", a.title).replace("{b}", b.title)]);
      }
    });
    item.append(heading, price, stock, add, el("label", {}, compare, w.compare));
    return item;
  }

  rating(messageId: number): HTMLElement {
    const box = el("div", { class: "rate" });
    const choices: [string, string][] = [["up", this.w.helpful], ["down", this.w.notHelpful]];
    for (const [rating, label] of choices) {
      const button = el("button", { type: "button", class: rating, "aria-pressed": "false", "aria-label": label }, icon(THUMB));
      button.addEventListener("click", () => {
        for (const other of box.querySelectorAll("button")) other.setAttribute("aria-pressed", "false");
        button.setAttribute("aria-pressed", "true");
        this.link.raw({ type: "feedback", message_id: messageId, rating });
        this.announce(this.w.thanks);
        this.emit("feedback", { message_id: messageId, rating });
      });
      box.append(button);
    }
    return box;
  }

  setChips(texts: string[]): void {
    this.chips.replaceChildren(
      ...texts.map((text) => {
        const chip = el("button", { type: "button" }, text);
        chip.addEventListener("click", () => this.send(text));
        return chip;
      }),
    );
  }

  announce(text: string): void {
    if (text.trim()) this.live.append(el("p", {}, text.trim()));
    while (this.live.childElementCount > 5) this.live.firstElementChild?.remove();
  }

  scrolling = false;

  scroll(): void {
    // Once per frame: reading scrollHeight forces a layout, so not on every token.
    if (this.scrolling) return;
    this.scrolling = true;
    requestAnimationFrame(() => {
      this.scrolling = false;
      this.log.scrollTop = this.log.scrollHeight;
    });
  }
}

// --- the one global -------------------------------------------------------------------------
type Call = [string, ...any[]];
interface Stub {
  (...args: Call): unknown;
  q?: Call[];
  config?: Partial<Config>;
  widget?: Widget;
}

function start(): void {
  const global = window as unknown as { Salesbot?: Stub };
  const stub = global.Salesbot;
  if (stub?.widget) return; // loaded twice: keep the first
  const given = stub?.config || {};
  const service = given.service || location.origin;
  const widget = new Widget({
    service, shopName: given.shopName || "", greeting: given.greeting || "", color: given.color,
    position: given.position || "right", lang: given.lang || document.documentElement.lang || navigator.language || "en",
    open: Boolean(given.open),
  });
  const api: Record<string, (...args: any[]) => unknown> = {
    open: () => widget.open(), close: () => widget.close(), toggle: () => widget.toggle(),
    identify: (c) => widget.identify(c), setContext: (c) => widget.setContext(c),
    sendMessage: (t) => widget.send(String(t)), on: (n, h) => widget.on(n, h),
  };
  const call: Stub = (name: string, ...args: any[]) => api[name]?.(...args);
  Object.assign(call, api, { widget, config: given });
  const queued = stub?.q || [];
  global.Salesbot = call;
  for (const [name, ...args] of queued) call(name, ...args);
}

if (document.body) start();
else document.addEventListener("DOMContentLoaded", start);
