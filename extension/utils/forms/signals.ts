// Text signals used to classify form fields, forms and buttons. Keywords are given in English,
// Spanish, French and German, already normalised (lower case, no diacritics, words separated by
// single spaces) so they compare directly with `normalizeText` output.
//
// Matching rules (see `hasKeyword`):
//  - a keyword always matches as whole words ("log in" in "please log in");
//  - a keyword of at least `compactMatchMinLength` letters also matches inside a run-together
//    identifier ("login" in "loginfmt", "username" in "j_username" is already a word match).
// Short keywords ("q", "pin", "nom") only ever match whole words, so "nom" never fires on "nombre".

/** Keywords shorter than this only match as whole words, never inside run-together identifiers. */
const compactMatchMinLength = 5;

/** A parent with more child nodes than this is a layout container, not a field's label wrapper. */
const maxLabelWrapperChildren = 6;

/** Upper bound on the characters of text read from one element, so a huge label stays cheap. */
export const maxSignalTextLength = 200;

export const usernameKeywords = [
  // en
  'user', 'username', 'user name', 'userid', 'user id', 'login', 'login id', 'loginid', 'logon',
  'email', 'e mail', 'email address', 'mail', 'account', 'account name', 'identifier', 'member',
  'nickname', 'customer id', 'customer number',
  // es
  'usuario', 'nombre de usuario', 'correo', 'correo electronico', 'cuenta', 'identificador',
  // fr
  'identifiant', 'utilisateur', 'nom d utilisateur', 'courriel', 'adresse e mail',
  'adresse electronique', 'compte', 'pseudo',
  // de
  'benutzer', 'benutzername', 'nutzername', 'anmeldename', 'kennung', 'e mail adresse',
  'kundennummer', 'konto',
] as const;

export const passwordKeywords = [
  'password', 'passwd', 'pwd', 'pass', 'passcode',
  'contrasena', 'clave',
  'mot de passe', 'mdp',
  'passwort', 'kennwort',
] as const;

/** Second password field of a sign-up / change-password form. */
export const confirmPasswordKeywords = [
  'confirm', 'confirmation', 'repeat', 'retype', 're type', 're enter', 'reenter', 'again',
  'confirmar', 'repetir', 'repite', 'vuelva a',
  'confirmer', 'retaper', 'repeter', 'ressaisir',
  'bestatigen', 'bestatigung', 'wiederholen', 'wiederholung', 'erneut',
] as const;

export const newPasswordKeywords = [
  'new password', 'newpassword', 'new pass', 'create password', 'choose password',
  'nueva contrasena', 'nueva clave', 'nouveau mot de passe', 'neues passwort', 'neues kennwort',
] as const;

export const currentPasswordKeywords = [
  'current password', 'old password', 'currentpassword', 'oldpassword',
  'contrasena actual', 'mot de passe actuel', 'ancien mot de passe', 'aktuelles passwort',
  'altes passwort',
] as const;

/**
 * Words that name an account's user name, not just an address: a lone field saying one of these
 * with a "Next" button is the first step of a login, where a lone e-mail box may be a checkout's.
 */
export const accountNameKeywords = [
  'user', 'username', 'user name', 'userid', 'user id', 'login id', 'loginid', 'account name',
  'member id', 'customer id', 'customer number',
  'usuario', 'nombre de usuario', 'identifiant', 'utilisateur', 'nom d utilisateur',
  'benutzer', 'benutzername', 'nutzername', 'anmeldename', 'kennung', 'kundennummer',
] as const;

/** Wording of a change- or reset-password form (its heading, submit button or form names). */
export const changePasswordKeywords = [
  'change password', 'change your password', 'update password', 'update your password',
  'reset password', 'reset your password', 'set new password', 'set a new password',
  'choose a new password', 'new password', 'changepassword', 'password change', 'password reset',
  'cambiar contrasena', 'cambia tu contrasena', 'restablecer contrasena', 'nueva contrasena',
  'changer le mot de passe', 'changer votre mot de passe', 'modifier le mot de passe',
  'reinitialiser le mot de passe', 'nouveau mot de passe',
  'passwort andern', 'kennwort andern', 'passwort zurucksetzen', 'neues passwort',
] as const;

/** Wording of a login form, its heading or its submit button. */
export const loginKeywords = [
  'login', 'log in', 'logon', 'log on', 'signin', 'sign in', 'sign on', 'signon', 'authenticate',
  'iniciar sesion', 'inicia sesion', 'ingresar', 'acceder', 'entrar', 'identificate',
  'connexion', 'se connecter', 'connecter', 's identifier', 'identification',
  'anmelden', 'anmeldung', 'einloggen', 'login bereich',
] as const;

/** Wording of the button that ends the first step of a multi-step login. */
export const nextStepKeywords = [
  'next', 'continue', 'siguiente', 'continuar', 'suivant', 'continuer', 'weiter', 'fortfahren',
] as const;

export const signUpKeywords = [
  'register', 'registration', 'sign up', 'signup', 'create account', 'create an account',
  'create your account', 'new account', 'join', 'join now', 'enroll', 'new customer',
  'registrarse', 'registrate', 'registro', 'crear cuenta', 'crear una cuenta', 'crea tu cuenta', 'nuevo cliente',
  'inscription', 's inscrire', 'inscrivez vous', 'creer un compte', 'creer mon compte', 'nouveau client',
  'registrieren', 'registrierung', 'konto erstellen', 'konto anlegen', 'jetzt registrieren', 'neukunde',
] as const;

export const newsletterKeywords = [
  'newsletter', 'subscribe', 'subscription', 'mailing list', 'stay updated', 'stay in touch',
  'suscribir', 'suscribete', 'suscripcion', 'boletin',
  'abonner', 's abonner', 'abonnez vous', 'abonnement', 'lettre d information',
  'abonnieren', 'abonnement',
] as const;

export const searchKeywords = [
  'search', 'q', 'query', 'keyword', 'keywords', 'find', 'lookup',
  'buscar', 'busqueda', 'busca', 'recherche', 'rechercher', 'suche', 'suchen', 'suchbegriff',
] as const;

export const captchaKeywords = [
  'captcha', 'recaptcha', 'hcaptcha', 'turnstile', 'characters shown', 'characters in the image',
  'code in the image', 'imagecode', 'verification image',
  'caracteres de la imagen', 'caracteres de l image', 'zeichen im bild',
] as const;

/**
 * Words that name a one-time code on their own. A password field (`type=password`) is excluded as
 * a code only on these: a bare "code" or "token" also names secrets that are real passwords
 * ("seller code", "access code" of a shop's partner login).
 */
export const strongOneTimeCodeKeywords = [
  'otp', 'totp', 'one time', 'onetime', 'one time code', '2fa', 'mfa', 'two factor', 'twofactor',
  'second factor', 'verification code', 'verificationcode', 'verify code', 'auth code',
  'authcode', 'authenticator', 'security code', 'sms code', 'smscode',
  'codigo de verificacion', 'code de verification', 'code de securite',
  'bestatigungscode', 'sicherheitscode', 'einmalcode', 'einmalpasswort', 'verifizierungscode',
] as const;

export const oneTimeCodeKeywords = [...strongOneTimeCodeKeywords, 'code', 'token', 'codigo'] as const;

/** A payment card's fields, sometimes typed blind (`<input type=password name=cvc>`). */
export const paymentCardKeywords = [
  'cvc', 'cvv', 'cvv2', 'csc', 'card number', 'cardnumber', 'card verification', 'credit card',
  'numero de tarjeta', 'numero de carte', 'cryptogramme', 'kartennummer', 'prufnummer',
] as const;

/** Personal-name fields: present on sign-up forms, absent from login forms. */
export const personNameKeywords = [
  'first name', 'firstname', 'last name', 'lastname', 'full name', 'fullname', 'surname',
  'given name', 'family name', 'your name',
  'nombre', 'nombres', 'apellido', 'apellidos', 'nombre completo',
  'prenom', 'nom de famille', 'nom complet',
  'vorname', 'nachname', 'vollstandiger name',
] as const;

export const forgotPasswordKeywords = [
  'forgot', 'forgotten', 'reset password', 'trouble signing in', 'olvidaste', 'olvido',
  'oublie', 'vergessen',
] as const;

export const rememberMeKeywords = [
  'remember', 'keep me signed in', 'stay signed in', 'recordar', 'recuerdame', 'mantener sesion',
  'se souvenir', 'rester connecte', 'angemeldet bleiben', 'merken',
] as const;

export const termsKeywords = [
  'terms', 'i agree', 'accept', 'privacy policy', 'terminos', 'acepto', 'conditions',
  'j accepte', 'agb', 'datenschutz', 'akzeptiere',
] as const;

/** Buttons that never submit a login: reveal toggles, recovery links, third-party sign-in. */
export const nonSubmitButtonKeywords = [
  'forgot', 'reset', 'cancel', 'back', 'show', 'hide', 'reveal', 'toggle', 'close',
  'google', 'facebook', 'apple', 'microsoft', 'github', 'twitter', 'linkedin', 'passkey', 'sso',
  'olvidaste', 'cancelar', 'mostrar', 'ocultar', 'oublie', 'annuler', 'afficher', 'masquer',
  'vergessen', 'abbrechen', 'anzeigen', 'ausblenden',
] as const;

/**
 * Lower-cases, strips diacritics, splits camelCase and snake/kebab identifiers, and collapses
 * everything that is not a letter or digit into single spaces: "j_userName" → "j user name",
 * "Contraseña" → "contrasena", "E-Mail-Adresse" → "e mail adresse".
 */
export function normalizeText(raw: string | null | undefined): string {
  if (!raw) return '';
  return raw
    .slice(0, maxSignalTextLength)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

interface CompiledKeywords {
  /** Every keyword as whole words: ` k1 | k2 |…` tested against the text padded with spaces. */
  words: RegExp;
  /** The long keywords with their spaces removed, tested against the text with its spaces removed. */
  compact: RegExp | null;
}

/** Keyword lists are module constants: compile each once, on first use (not on every call). */
const compiledKeywords = new WeakMap<readonly string[], CompiledKeywords>();

function compileKeywords(keywords: readonly string[]): CompiledKeywords {
  // Keywords are normalised already: letters, digits and single spaces, nothing to escape.
  const words = new RegExp(` (?:${keywords.join('|')}) `);
  const long = [...new Set(keywords.map((k) => k.replace(/ /g, '')).filter((k) => k.length >= compactMatchMinLength))];
  const compiled = { words, compact: long.length > 0 ? new RegExp(long.join('|')) : null };
  compiledKeywords.set(keywords, compiled);
  return compiled;
}

/** Whether normalised `text` contains one of `keywords` (see the matching rules above). */
export function hasKeyword(text: string, keywords: readonly string[]): boolean {
  if (!text) return false;
  const { words, compact } = compiledKeywords.get(keywords) ?? compileKeywords(keywords);
  if (words.test(` ${text} `)) return true;
  return compact !== null && compact.test(text.replace(/ /g, ''));
}

/** The space-separated tokens of an `autocomplete` attribute, lower-cased. */
export function autocompleteTokens(el: Element): string[] {
  const value = el.getAttribute('autocomplete');
  return value ? value.toLowerCase().trim().split(/\s+/) : [];
}

/** Text content of an element, bounded so a huge subtree costs little to read. */
export function boundedText(el: Element | null | undefined): string {
  if (!el) return '';
  const text = el.textContent ?? '';
  return text.length > maxSignalTextLength * 4 ? text.slice(0, maxSignalTextLength * 4) : text;
}

/**
 * Everything a person or a page author wrote about a field: its name, id, class, placeholder,
 * aria-label, title, the text of its <label>s and aria-labelledby targets, and — when it has no
 * label at all — the short text of its parent (`<div><span>Usuario</span><input></div>`).
 * Read with getAttribute, never through properties a page could clobber.
 */
export function describeField(el: Element, labelsOf?: LabelLookup): string {
  const parts: string[] = [];
  for (const attribute of ['name', 'id', 'placeholder', 'aria-label']) {
    parts.push(normalizeText(el.getAttribute(attribute)));
  }
  for (const text of labelTexts(el, labelsOf)) parts.push(normalizeText(text));
  for (const attribute of ['title', 'data-testid', 'class']) {
    parts.push(normalizeText(el.getAttribute(attribute)));
  }
  return parts.filter(Boolean).join(' ');
}

/** The <label>s of a field, in tree order, as `el.labels` gives them. */
export type LabelLookup = (el: Element) => ArrayLike<Element> | null;

/**
 * `el.labels` for many fields at once. Each `labels` read walks the field's whole tree looking
 * for labels that point at it (O(inputs × elements) over a page); this reads every <label> of a
 * tree once, on first use, and maps each to its `control`. Same answer as `el.labels` (label
 * elements of the field's tree, in tree order, whose labeled control is the field) as long as the
 * DOM does not change: make one per scan.
 */
export function createLabelLookup(): LabelLookup {
  const byRoot = new Map<Node, Map<Element, Element[]>>();
  const none: Element[] = [];
  return (el) => {
    const root = el.getRootNode();
    let byControl = byRoot.get(root);
    if (!byControl) {
      byControl = new Map();
      byRoot.set(root, byControl);
      // A detached subtree's root is an element, itself part of the tree `el.labels` searches.
      const labels: Element[] = root.nodeType === 1 && (root as Element).localName === 'label' ? [root as Element] : [];
      if (typeof (root as ParentNode).querySelectorAll === 'function') {
        labels.push(...Array.from((root as ParentNode).querySelectorAll('label')));
      }
      for (let i = 0; i < labels.length; i++) {
        const control = (labels[i] as HTMLLabelElement).control;
        if (!control) continue;
        const list = byControl.get(control);
        if (list) list.push(labels[i]!);
        else byControl.set(control, [labels[i]!]);
      }
    }
    return byControl.get(el) ?? none;
  };
}

/** Text of the field's <label>s and aria-labelledby targets; the parent's text when unlabelled. */
export function labelTexts(el: Element, labelsOf?: LabelLookup): string[] {
  const texts: string[] = [];
  const labels = labelsOf ? labelsOf(el) : (el as HTMLInputElement).labels;
  if (labels) {
    for (let i = 0; i < labels.length; i++) texts.push(boundedText(labels[i]));
  }
  const labelledBy = el.getAttribute('aria-labelledby');
  if (labelledBy) {
    const root = el.getRootNode() as Document | ShadowRoot;
    for (const id of labelledBy.split(/\s+/)) {
      const target = typeof root.getElementById === 'function' ? root.getElementById(id) : null;
      if (target) texts.push(boundedText(target));
    }
  }
  const parent = el.parentElement;
  // Only a small wrapper's text is a label; reading a big container's text would be slow and noise.
  if (texts.length === 0 && !el.getAttribute('aria-label') && parent && parent.childNodes.length <= maxLabelWrapperChildren) {
    const parentText = boundedText(parent).trim();
    // A short parent text is a visual label; a long one is the surrounding page.
    if (parentText.length > 0 && parentText.length <= 60) texts.push(parentText);
  }
  return texts;
}
