import { defineConfig } from 'wxt';

// One code base for Chrome (MV3, service worker) and Firefox (MV2 event page, WXT's default for
// Firefox). Browser-specific keys are added only where that browser understands them.
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  zip: {
    name: 'secureaccess',
    // Firefox reviewers rebuild from sources: the extension imports the shared workspace package,
    // so the sources zip is taken from the monorepo root (without the server and test suites).
    sourcesRoot: '..',
    excludeSources: ['server/**', 'migrations/**', 'tests/**', 'docs/**', 'data/**', 'test-artifacts/**', '.tools/**', '**/.output/**', '**/.wxt/**'],
  },
  manifest: ({ browser }) => ({
    // Strings come from extension/locales/<lang>.yml (@wxt-dev/i18n writes _locales/*/messages.json).
    default_locale: 'en',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    permissions: [
      'storage', // settings, encrypted vault cache; storage.session holds the unlocked key
      'alarms', // auto-lock and clipboard clearing survive the service worker being stopped
      'contextMenus', // "Fill login" on a field
      'webNavigation', // which frames a tab has, to fill the one with the login form
      'clipboardWrite',
      // The encrypted vault cache is one storage.local item: past 10 MB (about 8 000 accounts, fewer
      // with long notes) Chrome refuses it with "kQuotaBytes quota exceeded" and sync fails.
      'unlimitedStorage',
      ...(browser === 'firefox' ? [] : ['offscreen']), // Chrome: clearing the clipboard needs a DOM
    ],
    // Content scripts run in every frame of every site (login forms are anywhere), and the API's
    // address is chosen by the user at first run, so it cannot be listed in advance.
    host_permissions: ['<all_urls>'],
    commands: {
      'fill-login': {
        suggested_key: { default: 'Ctrl+Shift+L', mac: 'Command+Shift+L' },
        description: '__MSG_commandFillLogin__',
      },
    },
    web_accessible_resources: [
      // The inline menu and the save/update bar: extension pages framed inside a closed shadow
      // root, so the page can neither style nor script them.
      { resources: ['inline-ui.html'], matches: ['<all_urls>'] },
      // The messages of a language chosen in the preferences (not the browser's), read by the
      // content script for the few strings it produces (extension/utils/i18n.ts). Public text only.
      { resources: ['_locales/*/messages.json'], matches: ['<all_urls>'] },
    ],
    content_security_policy: {
      // argon2id runs as WebAssembly (hash-wasm); nothing else beyond the extension's own files.
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'secureaccess@secureaccess.dev',
              strict_min_version: '140.0',
              // Firefox's data-collection consent (Firefox 140+): the add-on sends nothing to its authors.
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
