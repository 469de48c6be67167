export { sessionsComponent } from './routes';
export {
  invalidateAllSessions,
  revokeSessions,
  sessionPolicy,
  type RevocationReason,
  type SessionAuditActor,
  type SessionPolicy,
} from './session-service';
