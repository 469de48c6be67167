// Bundled into the bench page by form-detection-chromium.bench.ts: the content script's own
// detection code (detectForms, observeForms), nothing else.
import { observeForms } from '../../extension/utils/content/observe-forms';
import { detectForms } from '../../extension/utils/forms/detect';

(globalThis as unknown as { formBench: unknown }).formBench = { detectForms, observeForms };
