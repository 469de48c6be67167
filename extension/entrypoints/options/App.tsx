import { useEffect, useState } from 'react';
import { Logo } from '@/components/Logo';
import { t } from '@/utils/i18n';
import { askBackground } from '@/utils/messaging';
import type { StatusView } from '@/utils/protocol';
import { visibleSections } from './sections';

/** The options page: a section list (keyboard-reachable links, `#<id>` in the URL) and the section. */
export default function App() {
  const [status, setStatus] = useState<StatusView | null>(null);
  const [current, setCurrent] = useState(location.hash.slice(1));
  useEffect(() => {
    void askBackground('status', {}).then(setStatus);
    const onHash = () => setCurrent(location.hash.slice(1));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (!status) return <span className="sa-spinner" role="status" aria-label={t('common.loading')} />;
  if (status.phase !== 'unlocked') {
    return (
      <main className="options-main">
        <Logo />
        <p className="sa-alert sa-alert-warn" role="status">{t('options.signInFirst')}</p>
      </main>
    );
  }
  const sections = visibleSections(status.user?.role ?? null);
  const section = sections.find((s) => s.id === current) ?? sections[0]!;
  const Section = section.component;
  return (
    <div className="options">
      <nav className="options-nav" aria-label={t('options.sectionsLabel')}>
        <Logo />
        <ul>
          {sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`} aria-current={s.id === section.id ? 'page' : undefined}>
                {t(s.title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="options-main" aria-labelledby="section-title">
        <h1 id="section-title">{t(section.title)}</h1>
        <Section />
      </main>
    </div>
  );
}
