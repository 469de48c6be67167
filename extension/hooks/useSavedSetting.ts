import { useCallback, useEffect, useState } from 'react';
import { useAsyncAction } from './useAsyncAction';

/**
 * A setting loaded from the background once and saved at each change (the options page's
 * Preferences and Organisation sections): the change shows at once, the saved answer replaces it,
 * and `saved` says the last change reached the server. `revertOnFailure` puts the previous value
 * back when the save is refused. `load` and `store` must be stable (module-level functions).
 */
export function useSavedSetting<T>(load: () => Promise<T>, store: (next: T) => Promise<T>, options: { revertOnFailure: boolean }) {
  const [value, setValue] = useState<T | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAsyncAction();
  useEffect(() => {
    void run(async () => setValue(await load()));
  }, [run, load]);
  const { revertOnFailure } = options;
  const save = useCallback(
    async (next: T) => {
      const previous = value;
      setValue(next);
      setSaved(false);
      const answer = await run(() => store(next));
      if (answer !== undefined) {
        setValue(answer);
        setSaved(true);
      } else if (revertOnFailure) {
        setValue(previous);
      }
    },
    [value, run, store, revertOnFailure],
  );
  return { value, save, saved, busy, error };
}
