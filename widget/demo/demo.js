// The demo shop's own code: a little cart the widget's add-to-cart fills, and "Ask about this"
// buttons that tell the widget which product the shopper is looking at.
window.Salesbot = window.Salesbot || function () { (window.Salesbot.q = window.Salesbot.q || []).push(arguments); };
const cart = [];

function render() {
  document.getElementById("cart-count").textContent = String(cart.length);
  const list = document.getElementById("cart-items");
  list.replaceChildren(...cart.map((item) => {
    const li = document.createElement("li");
    li.textContent = item.title;
    li.dataset.productId = item.id;
    return li;
  }));
}

function add(product) {
  cart.push(product);
  render();
  Salesbot("setContext", { product: product.id, cart: cart.map((p) => p.id) });
}

Salesbot("on", "add_to_cart", (detail) => add({ id: detail.product.id, title: detail.product.title }));

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-product-id]");
  if (!button) return;
  const product = { id: button.dataset.productId, title: button.dataset.title };
  if (button.dataset.action === "ask") {
    Salesbot("setContext", { product: product.id, cart: cart.map((p) => p.id) });
    Salesbot("open");
  } else {
    add(product);
  }
});
