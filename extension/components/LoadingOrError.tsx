import { t } from '@/utils/i18n';

/** What a section shows until its data arrives: a spinner, or why it could not be loaded. */
export function LoadingOrError({ error }: { error: string | null }) {
  return error ? (
    <div className="sa-alert sa-alert-error" role="alert">
      {error}
    </div>
  ) : (
    <span className="sa-spinner" role="status" aria-label={t('common.loading')} />
  );
}
