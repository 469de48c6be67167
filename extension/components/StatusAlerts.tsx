/** A failure (role="alert") and a success (role="status") message under a form; either may be absent. */
export function StatusAlerts({ error, ok, okTestId }: { error: string | null; ok?: string | null; okTestId?: string }) {
  return (
    <>
      {error && (
        <div className="sa-alert sa-alert-error" role="alert">
          {error}
        </div>
      )}
      {ok && (
        <div className="sa-alert sa-alert-ok" role="status" data-testid={okTestId}>
          {ok}
        </div>
      )}
    </>
  );
}
