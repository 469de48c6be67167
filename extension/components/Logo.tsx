import { t } from '@/utils/i18n';

export function Logo({ label }: { label?: string }) {
  return (
    <span className="sa-logo">
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path fill="#1f5eff" d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" />
        <path fill="#fff" d="M12 7a3 3 0 0 0-3 3v1.2h-.5a.5.5 0 0 0-.5.5V16a.5.5 0 0 0 .5.5h7a.5.5 0 0 0 .5-.5v-4.3a.5.5 0 0 0-.5-.5H15V10a3 3 0 0 0-3-3Zm-1.6 3a1.6 1.6 0 0 1 3.2 0v1.2h-3.2V10Z" />
      </svg>
      {label ?? t('extName')}
    </span>
  );
}
