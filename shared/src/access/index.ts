export { accessMessageKey, accessMessageKeys, decideAccess, type AccessMessageKey, type AccessSubject } from './decide-access';
