import type { LoginFields } from './build-login';
import { importIssue, type ImportFormat, type ImportIssue } from './types';

/** A row of a CSV export, looked up by lower-cased header name. */
export type CsvRow = (header: string) => string;

export interface CsvFormat {
  format: ImportFormat;
  /** Headers (lower case) that together identify the format. */
  requiredHeaders: readonly string[];
  /** Reads one row, or returns why it is not a login. */
  toLogin(row: CsvRow): LoginFields | ImportIssue;
}

/**
 * A legacy `enlace` as a URL: kept when it has a scheme, given `https://` when it is a bare host
 * ("www.empresa.es/acceso"), refused otherwise ("ver nota") — the row is reported, not guessed at.
 */
function legacyLink(text: string): string | ImportIssue {
  const link = text.trim();
  if (link === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(link)) return link;
  if (/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+(:\d+)?([/?#]\S*)?$/u.test(link)) return `https://${link}`;
  return importIssue('invalid_url', `The link "${link}" is not a web address.`, link);
}

/** Ordered most specific first: Chrome's headers are a subset of others'. */
export const csvFormats: readonly CsvFormat[] = [
  {
    // id,linea_de_negocio,nombre,descripcion,usuario,password,enlace,info_adicional — the legacy
    // `passwords-manager` table (seed 002) as `npm run legacy:export` writes it.
    format: 'passwords_manager',
    requiredHeaders: ['linea_de_negocio', 'nombre', 'descripcion', 'usuario', 'password', 'enlace', 'info_adicional'],
    toLogin: (row) => {
      const url = legacyLink(row('enlace'));
      if (typeof url !== 'string') return url;
      return {
        name: row('nombre'),
        url,
        username: row('usuario'),
        password: row('password'),
        // Both free-text columns go to the notes, description first, a blank line between.
        notes: [row('descripcion').trim(), row('info_adicional').trim()].filter((part) => part !== '').join('\n\n'),
        folder: row('linea_de_negocio'),
      };
    },
  },
  {
    // folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp
    // (organisation exports have `collections` instead of `folder`)
    format: 'bitwarden_csv',
    requiredHeaders: ['type', 'name', 'login_uri', 'login_username', 'login_password'],
    toLogin: (row) => {
      const type = row('type').trim().toLowerCase();
      if (type !== '' && type !== 'login') return importIssue('not_a_login', `Only logins are imported, not items of type "${type}".`, type);
      return {
        name: row('name'),
        // Several URIs of one item are exported joined by commas; the first is the login page.
        url: row('login_uri').split(',')[0],
        username: row('login_username'),
        password: row('login_password'),
        notes: row('notes'),
        folder: row('folder') || row('collections').split(',')[0],
        totp: row('login_totp'),
      };
    },
  },
  {
    // url,username,password,totp,extra,name,grouping,fav (totp only in newer exports)
    format: 'lastpass',
    requiredHeaders: ['url', 'username', 'password', 'extra', 'name', 'grouping'],
    toLogin: (row) => {
      // LastPass writes secure notes as rows whose URL is "http://sn".
      if (row('url').trim() === 'http://sn') return importIssue('secure_note', 'Secure notes are not imported.');
      return {
        name: row('name'),
        url: row('url'),
        username: row('username'),
        password: row('password'),
        notes: row('extra'),
        folder: row('grouping'),
        totp: row('totp'),
      };
    },
  },
  {
    // "Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"
    format: 'keepassxc',
    requiredHeaders: ['group', 'title', 'username', 'password', 'url', 'notes'],
    toLogin: (row) => ({
      name: row('title'),
      url: row('url'),
      username: row('username'),
      password: row('password'),
      notes: row('notes'),
      // Every KeePassXC group path starts at the database root ("Root/Email"): drop that level.
      folder: row('group').replace(/^root(\/|$)/i, ''),
      totp: row('totp'),
    }),
  },
  {
    // url,username,password,httpRealm,formActionOrigin,guid,timeCreated,timeLastUsed,timePasswordChanged
    format: 'firefox',
    requiredHeaders: ['url', 'username', 'password', 'formactionorigin'],
    toLogin: (row) => ({ url: row('url'), username: row('username'), password: row('password') }),
  },
  {
    // Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes (older exports: Website)
    format: '1password',
    requiredHeaders: ['title', 'username', 'password'],
    toLogin: (row) => ({
      name: row('title'),
      url: row('url') || row('website'),
      username: row('username'),
      password: row('password'),
      notes: row('notes'),
      // Tags are comma-separated; the first one is the closest thing to a folder.
      folder: row('tags').split(',')[0],
      totp: row('otpauth') || row('one-time password'),
    }),
  },
  {
    // name,url,username,password,note (older exports have no note)
    format: 'chrome',
    requiredHeaders: ['name', 'url', 'username', 'password'],
    toLogin: (row) => ({
      name: row('name'),
      url: row('url'),
      username: row('username'),
      password: row('password'),
      notes: row('note'),
    }),
  },
];

export function detectCsvFormat(headers: readonly string[]): CsvFormat | null {
  const present = new Set(headers.map((header) => header.trim().toLowerCase()));
  return csvFormats.find((format) => format.requiredHeaders.every((header) => present.has(header))) ?? null;
}
