export { mfaComponent } from './routes';
export { findEnabledMfa } from './mfa-service';
