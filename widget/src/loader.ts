// The one script tag a shop pastes. It is small and cached briefly; it reads the tag's data-*
// settings, keeps a queue for calls made before the widget arrives, and loads the versioned
// widget (cached for a year). `__BUNDLE__` is filled in by the service.
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
  stub.config = {
    service: data.service || service, shopName: data.shopName, greeting: data.greeting,
    color: data.color, position: data.position, lang: data.lang, open: data.open === "true",
    ...(stub.config || {}),
  };
  const script = document.createElement("script");
  script.src = new URL("__BUNDLE__", service).toString();
  script.async = true;
  document.head.append(script);
})();
