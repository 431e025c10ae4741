// Typed engine errors: a stable code plus a message a person can act on.
export class TradedeskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TradedeskError';
  }
}

/** A configuration value outside its schema; the message names the field and the allowed values. */
export class ConfigError extends TradedeskError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

/** An order-state transition the state machine does not allow. */
export class IllegalTransitionError extends TradedeskError {
  constructor(clientOrderId: string, from: string, to: string) {
    super('ILLEGAL_TRANSITION', `order ${clientOrderId}: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}
