/** Options that cannot produce a password (the UI shows `message` next to `field`). */
export class GeneratorOptionsError extends Error {
  readonly code = 'invalid_generator_options';
  override readonly name = 'GeneratorOptionsError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
