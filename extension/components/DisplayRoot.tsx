import { useEffect, useState, type ComponentType } from 'react';
import { watchDisplay } from '@/utils/display';

/**
 * Renders `App` once the display settings are applied (no flash of the wrong language), and
 * again with every change: `revision` changes, so the whole tree re-renders in the new language.
 */
export function DisplayRoot({ app: App }: { app: ComponentType<{ displayRevision: number }> }) {
  const [revision, setRevision] = useState(0);
  useEffect(() => watchDisplay(() => setRevision((n) => n + 1)), []);
  if (revision === 0) return null;
  return <App displayRevision={revision} />;
}
