// The options page's sections, in menu order. Adding one is one line here: an id (the URL hash),
// its title's message key, the component, and which roles see it (absent: everyone signed in).
// Admin sections live in ./admin/ and list their roles, e.g. `roles: ['admin']`.
import type { ComponentType } from 'react';
import type { Role } from '@secureaccess/shared/contract';
import type { GeneratedI18nStructure } from '#i18n';
import { PreferencesSection } from './sections/PreferencesSection';
import { ActivitySection } from './sections/ActivitySection';
import { AuditSection } from './sections/admin/AuditSection';
import { OrganisationSettingsSection } from './sections/admin/OrganisationSettingsSection';
import { UsersSection } from './sections/admin/UsersSection';
import { CatalogueSection } from './sections/admin/CatalogueSection';
import { SecurityOverviewSection } from './sections/SecurityOverviewSection';
import { SessionsSection } from './sections/SessionsSection';
import { TwoFactorSection } from './sections/TwoFactorSection';
import { MasterPasswordSection } from './sections/MasterPasswordSection';
import { RecoveryCodeSection } from './sections/RecoveryCodeSection';
import { ImportExportSection } from './sections/ImportExportSection';

export interface OptionsSection {
  id: string;
  /** A message key (the i18n layer's typed keys: an unknown key does not compile). */
  title: keyof GeneratedI18nStructure & `${string}.sections.${string}`;
  component: ComponentType;
  roles?: readonly Role[];
}

export const optionsSections: readonly OptionsSection[] = [
  { id: 'preferences', title: 'options.sections.preferences', component: PreferencesSection },
  { id: 'security-overview', title: 'options.sections.securityOverview', component: SecurityOverviewSection },
  { id: 'sessions', title: 'options.sections.sessions', component: SessionsSection },
  { id: 'two-factor', title: 'options.sections.twoFactor', component: TwoFactorSection },
  { id: 'master-password', title: 'options.sections.masterPassword', component: MasterPasswordSection },
  { id: 'recovery-code', title: 'options.sections.recoveryCode', component: RecoveryCodeSection },
  { id: 'import-export', title: 'options.sections.importExport', component: ImportExportSection },
  { id: 'activity', title: 'people.sections.activity', component: ActivitySection },
  { id: 'users', title: 'people.sections.users', component: UsersSection, roles: ['admin'] },
  { id: 'audit', title: 'people.sections.audit', component: AuditSection, roles: ['admin'] },
  { id: 'organisation', title: 'people.sections.settings', component: OrganisationSettingsSection, roles: ['admin'] },
  { id: 'catalogue', title: 'options.sections.catalogue', component: CatalogueSection, roles: ['admin'] },
];

export function visibleSections(role: Role | null): OptionsSection[] {
  return optionsSections.filter((section) => !section.roles || (role !== null && section.roles.includes(role)));
}
