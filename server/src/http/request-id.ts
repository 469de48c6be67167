import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

const requestIdHeader = 'X-Request-Id';
// An id from a trusted load balancer is kept so logs line up end to end; anything odd is replaced.
const acceptableRequestId = /^[A-Za-z0-9._:-]{8,128}$/;
const requestIds = new WeakMap<Request, string>();

export function requestIdOf(req: Request): string {
  let id = requestIds.get(req);
  if (!id) {
    const given = req.get(requestIdHeader);
    id = given && acceptableRequestId.test(given) ? given : randomUUID();
    requestIds.set(req, id);
  }
  return id;
}

/** Every response carries X-Request-Id, error or not. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  res.setHeader(requestIdHeader, requestIdOf(req));
  next();
};
