import { useId, useState, type InputHTMLAttributes } from 'react';
import { t } from '@/utils/i18n';
import './account-security.css';

type PasswordFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'id'> & { label: string };

/**
 * A labelled password input with a show/hide toggle. The toggle sits outside the <label>, so the
 * input's accessible name stays the label alone; its own name says what pressing it does.
 */
export function PasswordField({ label, className, ...input }: PasswordFieldProps) {
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div className="sa-field">
      <label className="sa-field-label" htmlFor={id}>
        {label}
      </label>
      <div className="password-field">
        <input {...input} id={id} type={shown ? 'text' : 'password'} className={`sa-input ${className ?? ''}`} />
        <button
          type="button"
          className="sa-btn password-toggle"
          aria-label={shown ? t('common.hidePassword') : t('common.showPassword')}
          aria-controls={id}
          onClick={() => setShown(!shown)}
        >
          {shown ? t('common.hide') : t('common.show')}
        </button>
      </div>
    </div>
  );
}
