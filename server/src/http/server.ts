// The HTTP server around the Express app (main.ts and the test helper both use it), so requests
// Node refuses before Express sees them still get the API's JSON error shape.
import { randomUUID } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, type ErrorBody } from '@secureaccess/shared/contract';

/** Request line plus headers; larger requests get 431 (Node's default, stated here on purpose). */
export const maxHeaderBytes = 16 * 1024;

interface ParserError extends Error {
  code?: string;
}

/** Status and code for what llhttp (Node's HTTP parser) refused. */
function answerFor(error: ParserError): { status: number; reason: string; code: string; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, reason: 'Request Header Fields Too Large', code: ErrorCode.headersTooLarge, message: `The request line and headers exceed ${maxHeaderBytes} bytes` };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request took too long to arrive' };
    default:
      // Bad chunking, duplicate or conflicting Content-Length / Transfer-Encoding, control bytes
      // in a header, a malformed request line…
      return { status: 400, reason: 'Bad Request', code: ErrorCode.badRequest, message: 'The request is not valid HTTP/1.1' };
  }
}

/**
 * Node's default answer to a parse error is a bare status line; this one writes the error shape
 * when nothing of a response has been written on the socket yet, then closes it.
 */
function answerClientError(error: ParserError, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, reason, code, message } = answerFor(error);
  const requestId = randomUUID();
  const body: ErrorBody = { error: { code, message, requestId } };
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      json,
  );
  // A peer that never reads must not keep the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

export function createHttpServer(app: RequestListener): Server {
  const server = createServer(
    {
      maxHeaderSize: maxHeaderBytes,
      // The app answers a missing Host itself, in the error shape (app.ts requireHost).
      requireHostHeader: false,
    },
    app,
  );
  server.on('clientError', answerClientError);
  return server;
}
