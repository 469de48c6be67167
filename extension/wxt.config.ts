import { defineConfig } from 'wxt';

// One code base for Chrome (MV3) and Firefox (MV2 by WXT's default for Firefox).
export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: {
    name: 'SecureAccess',
    description: 'Zero-knowledge password manager: autofill and save logins.',
    permissions: ['storage'],
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    browser_specific_settings: {
      gecko: {
        id: 'secureaccess@secureaccess.dev',
        strict_min_version: '128.0',
        // Firefox's data-collection consent: the add-on sends nothing to its authors.
        data_collection_permissions: { required: ['none'] },
      },
    },
  },
});
