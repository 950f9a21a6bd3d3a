// The staff pages' one script: each page names itself in <body data-page>.
import { analytics } from "./analytics";
import { desk } from "./desk";
import { review } from "./review";

const pages: Record<string, () => Promise<void>> = { desk, review, analytics };
pages[document.body.dataset.page || "desk"]?.();
