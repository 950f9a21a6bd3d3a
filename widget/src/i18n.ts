// The widget's words. English, German, and Arabic (right to left); pick with data-lang.
import { LAUNCHER, language } from "./language";
export interface Words {
  open: string; close: string; title: string; human: string; humanMessage: string;
  placeholder: string; send: string; stop: string; conversation: string; you: string;
  assistant: string; person: string; looking: string; writing: string; offline: string;
  reconnecting: string; queued: string; addToCart: string; added: string; outOfStock: string;
  inStock: string; preorder: string; backorder: string; from: string; was: string;
  compare: string; compareThese: string;
  helpful: string; notHelpful: string; thanks: string; handover: string; stopped: string;
  joined: string; left: string;
  chips: string[]; greeting: string; refused: string;
}

const en: Words = {
  open: LAUNCHER.en, close: "Close chat", title: "Shop assistant", human: "Talk to a person",
  humanMessage: "I would like to talk to a person.", placeholder: "Ask about our products",
  send: "Send", stop: "Stop", conversation: "Conversation", you: "You", assistant: "Assistant",
  person: "Team", looking: "Looking through the catalog…", writing: "Writing an answer…",
  offline: "You are offline. Messages you type now are sent when you are back.",
  reconnecting: "Reconnecting…", queued: "waiting to send", addToCart: "Add to cart",
  added: "Added to cart", outOfStock: "Out of stock", inStock: "In stock",
  preorder: "Pre-order", backorder: "On backorder", from: "from",
  was: "was", compare: "Compare", compareThese: "Compare {a} and {b}", helpful: "Helpful",
  notHelpful: "Not helpful", thanks: "Thanks for the feedback.",
  handover: "A person from our team will reply here.", stopped: "Stopped.",
  joined: "{name} from our team joined the chat.", left: "{name} handed you back to the assistant.",
  chips: ["What do you recommend?", "Anything on sale?", "Shipping and returns"],
  greeting: "Hi! Ask me about our products.", refused: "This page may not use the chat.",
};

const de: Words = {
  open: LAUNCHER.de, close: "Chat schließen", title: "Einkaufsassistent",
  human: "Mit einem Menschen sprechen", humanMessage: "Ich möchte mit einem Menschen sprechen.",
  placeholder: "Fragen Sie nach unseren Produkten", send: "Senden", stop: "Stopp",
  conversation: "Unterhaltung", you: "Sie", assistant: "Assistent", person: "Team",
  looking: "Ich suche im Katalog…", writing: "Ich schreibe eine Antwort…",
  offline: "Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.",
  reconnecting: "Verbindung wird wiederhergestellt…", queued: "wird gesendet",
  addToCart: "In den Warenkorb", added: "Im Warenkorb", outOfStock: "Nicht vorrätig",
  inStock: "Vorrätig", preorder: "Vorbestellbar", backorder: "Nachbestellbar", from: "ab",
  was: "statt", compare: "Vergleichen",
  compareThese: "Vergleiche {a} und {b}", helpful: "Hilfreich", notHelpful: "Nicht hilfreich",
  thanks: "Danke für Ihr Feedback.", handover: "Jemand aus unserem Team antwortet hier.",
  stopped: "Angehalten.", joined: "{name} aus unserem Team ist dem Chat beigetreten.",
  left: "{name} hat Sie an den Assistenten zurückgegeben.",
  chips: ["Was empfehlen Sie?", "Gibt es Angebote?", "Versand und Rückgabe"],
  greeting: "Hallo! Fragen Sie mich nach unseren Produkten.",
  refused: "Diese Seite darf den Chat nicht verwenden.",
};

const ar: Words = {
  open: LAUNCHER.ar, close: "إغلاق المحادثة", title: "مساعد المتجر", human: "التحدث مع شخص",
  humanMessage: "أريد التحدث مع شخص.", placeholder: "اسأل عن منتجاتنا", send: "إرسال",
  stop: "إيقاف", conversation: "المحادثة", you: "أنت", assistant: "المساعد", person: "الفريق",
  looking: "أبحث في الكتالوج…", writing: "أكتب الإجابة…",
  offline: "أنت غير متصل. ستُرسل رسائلك عند عودة الاتصال.", reconnecting: "جارٍ إعادة الاتصال…",
  queued: "بانتظار الإرسال", addToCart: "أضف إلى السلة", added: "أضيف إلى السلة",
  outOfStock: "غير متوفر", inStock: "متوفر", preorder: "طلب مسبق",
  backorder: "متاح بالطلب", from: "من", was: "بدلاً من", compare: "قارن",
  compareThese: "قارن {a} و {b}", helpful: "مفيد", notHelpful: "غير مفيد",
  thanks: "شكرًا على رأيك.", handover: "سيرد عليك أحد أعضاء فريقنا هنا.", stopped: "توقف.",
  joined: "انضم {name} من فريقنا إلى المحادثة.", left: "أعادك {name} إلى المساعد.",
  chips: ["بماذا تنصحني؟", "هل توجد عروض؟", "الشحن والإرجاع"],
  greeting: "مرحبًا! اسألني عن منتجاتنا.", refused: "لا يمكن لهذه الصفحة استخدام المحادثة.",
};

const LANGUAGES: Record<string, Words> = { en, de, ar };

export function words(lang: string): { lang: string; words: Words; rtl: boolean } {
  const chosen = language(lang);
  return { ...chosen, words: LANGUAGES[chosen.lang] };
}
