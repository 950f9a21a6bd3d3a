// Build DOM from data: attributes set one by one, strings appended as text nodes, never HTML.
// Shared by the shopper's widget and the staff pages.
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children); // strings become text nodes: never HTML
  return node;
}
