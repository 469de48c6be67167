import { useEffect, useState } from 'react';
import { serverUrlItem } from '@/utils/storage';
import type { ServerStatus } from '../background';

export default function App() {
  const [serverUrl, setServerUrl] = useState('');
  const [status, setStatus] = useState<ServerStatus | null>(null);

  useEffect(() => {
    void serverUrlItem.getValue().then(setServerUrl);
  }, []);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    await serverUrlItem.setValue(serverUrl.trim());
    setStatus(await browser.runtime.sendMessage({ type: 'checkServer' }));
  }

  return (
    <main style={{ width: 320, padding: 12, fontFamily: 'system-ui, sans-serif' }}>
      <h1 style={{ fontSize: 16 }}>SecureAccess</h1>
      <form onSubmit={save}>
        <label>
          Server URL
          <input value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} style={{ width: '100%' }} />
        </label>
        <button type="submit">Save and check</button>
      </form>
      {status && <p role="status">{status.ok ? 'Server is ready.' : status.reason}</p>}
    </main>
  );
}
