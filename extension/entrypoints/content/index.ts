import { startContentScript } from '@/utils/content/controller';

// All frames, once the page is idle: login forms live in iframes too, and nothing here may slow
// down page load. The logic is in utils/content (glue) and utils/forms (pure DOM functions).
export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  matchAboutBlank: true,
  runAt: 'document_idle',
  main(ctx) {
    startContentScript(ctx);
  },
});
