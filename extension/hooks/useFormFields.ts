import { useCallback, useState } from 'react';

/** A form's text fields in one state object; `set('name')` is the onChange of that field's input. */
export function useFormFields<T extends Record<string, string>>(initial: T) {
  const [form, setForm] = useState(initial);
  const set = useCallback(
    (key: keyof T) => (event: React.ChangeEvent<HTMLInputElement>) => setForm((current) => ({ ...current, [key]: event.target.value })),
    [],
  );
  return { form, setForm, set };
}
