import { startContentScript } from '@/utils/content/controller';
import { applyLanguage } from '@/utils/i18n';
import { displayItem } from '@/utils/storage';

// All frames, once the page is idle: login forms live in iframes too, and nothing here may slow
// down page load. The logic is in utils/content (glue) and utils/forms (pure DOM functions).
export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  main(ctx) {
    // The few messages made here (fill refusals) follow a language chosen in the preferences;
    // with the default (`auto`) nothing is fetched.
    void displayItem.getValue().then((display) => applyLanguage(display.language)).catch(() => undefined);
    startContentScript(ctx);
  },
});
