// JSON that is already text. The vault list is the API's largest answer and is mostly envelope
// text read from the database as it was stored: parsing each envelope only for the answer to
// stringify it again was the largest part of its CPU (docs/performance.md, session 6). A value
// built with `toJsonText` splices such text in as it is; mountRoute sends it without
// re-serialising it (and, when responses are validated, parses it to check it against the contract).

/** JSON text known to encode a `T` (the type is the producer's promise; tests validate it). */
export class JsonText<T> {
  declare private readonly encodes: T;
  constructor(readonly text: string) {}

  parse(): T {
    return JSON.parse(this.text) as T;
  }
}

/** `T` where any part may already be JSON text. */
export type WithJsonText<T> =
  | T
  | JsonText<T>
  | (T extends readonly (infer E)[] ? WithJsonText<E>[] : T extends object ? { [K in keyof T]: WithJsonText<T[K]> } : never);

function write(value: unknown): string | undefined {
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      const text = write(member);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value); // primitives, Dates (toJSON); undefined as JSON.stringify leaves it out
}

/** JSON.stringify for plain data in which some parts are already JsonText (spliced in as they are). */
export function toJsonText<T>(value: WithJsonText<T>): JsonText<T> {
  return new JsonText<T>(write(value) ?? 'null');
}
