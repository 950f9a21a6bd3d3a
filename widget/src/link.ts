// The websocket to the service: resume after the last frame seen, reconnect with backoff and
// jitter, and deliver each message once (client ids; the server ignores one it already has).
export type Frame = { type: string; seq?: number | null; [key: string]: any };

export interface Stored {
  session_id?: string;
  resume_token?: string;
  outbox: { client_id: string; text: string }[];
}

export class Link {
  ws: WebSocket | null = null;
  stream = "";
  lastSeq = 0;
  attempt = 0;
  timer: number | undefined;
  stored: Stored;

  constructor(
    readonly service: string,
    readonly key: string,
    readonly onFrame: (frame: Frame) => void,
    readonly onState: (state: "open" | "closed" | "offline" | "refused") => void,
  ) {
    this.stored = this.load();
    addEventListener("online", () => this.connect());
    addEventListener("offline", () => {
      const ws = this.ws;
      this.ws = null; // the network is gone: stop waiting on this socket
      ws?.close();
      this.onState("offline");
    });
    // Another tab of this shop started or resumed the conversation: keep the same one.
    addEventListener("storage", (event) => {
      if (event.key === this.key) this.stored = this.load();
    });
  }

  load(): Stored {
    try {
      const value = JSON.parse(localStorage.getItem(this.key) || "{}");
      return { ...value, outbox: Array.isArray(value.outbox) ? value.outbox : [] };
    } catch {
      return { outbox: [] };
    }
  }

  save(): void {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.stored));
    } catch {
      // Storage may be full or blocked; the conversation goes on for this page.
    }
  }

  url(): string {
    const u = new URL("/ws/chat", this.service);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    const q = u.searchParams;
    q.set("v", "2");
    if (this.stored.session_id && this.stored.resume_token) {
      q.set("session_id", this.stored.session_id);
      q.set("token", this.stored.resume_token);
    }
    if (this.stream) {
      q.set("stream", this.stream);
      q.set("last_seq", String(this.lastSeq));
    }
    return u.toString();
  }

  connect(): void {
    clearTimeout(this.timer);
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
    if (!navigator.onLine) return this.onState("offline");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (event.code === 1008) return this.onState("refused");
      this.onState(navigator.onLine ? "closed" : "offline");
      const wait = Math.min(30_000, 500 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.timer = setTimeout(() => this.connect(), wait) as unknown as number;
    };
  }

  receive(frame: Frame): void {
    if (frame.type === "session") {
      if (frame.stream !== this.stream) this.lastSeq = 0;
      this.stream = frame.stream;
      this.attempt = 0;
      this.stored = { ...this.load(), session_id: frame.session_id, resume_token: frame.resume_token };
      this.save();
      this.onState("open");
      this.onFrame(frame);
      this.flush(frame.history || []);
      return;
    }
    if (typeof frame.seq === "number") {
      if (frame.seq <= this.lastSeq) return; // seen before the reconnect
      this.lastSeq = frame.seq;
    }
    if (frame.type === "accepted" || (frame.type === "error" && frame.client_id)) {
      this.stored.outbox = this.stored.outbox.filter((m) => m.client_id !== frame.client_id);
      this.save();
    }
    this.onFrame(frame);
  }

  /** Send what waits in the outbox and is not in the history yet. */
  flush(history: { client_id?: string | null }[]): void {
    const known = new Set(history.map((h) => h.client_id).filter(Boolean));
    this.stored.outbox = this.stored.outbox.filter((m) => !known.has(m.client_id));
    this.save();
    for (const m of this.stored.outbox) this.raw({ type: "message", ...m });
  }

  message(text: string, context: object | null): string {
    const client_id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const entry = { client_id, text, ...(context ? { context } : {}) };
    this.stored.outbox.push(entry);
    this.save();
    this.raw({ type: "message", ...entry });
    return client_id;
  }

  raw(frame: object): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}
