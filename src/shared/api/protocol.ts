// Wire shapes and validation shared by both transports (Electron IPC, WebSocket).
// Every inbound message is validated here; a bad one gets an ApiError that names
// the problem (bad JSON, unknown command, which field has the wrong type).
import { z } from 'zod';
import {
  ApiError,
  commands,
  events,
  isCommandName,
  type CommandName,
  type CommandParsedArgs,
  type CommandResult,
  type EngineEvent,
} from './contract.js';

export const RequestMessage = z.object({
  id: z.union([z.number(), z.string()]),
  cmd: z.string(),
  args: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof RequestMessage>;

export type ResponseMessage =
  | { id: number | string | null; ok: true; result: unknown }
  | { id: number | string | null; ok: false; error: ApiError };

export type EventMessage = { event: EngineEvent['topic']; data: unknown };

export type CommandHandlers = {
  [N in CommandName]: (args: CommandParsedArgs<N>) => CommandResult<N> | Promise<CommandResult<N>>;
};

export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Human-readable list of zod issues: "field 'qty': expected number, received string". */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.length ? `field '${i.path.join('.')}'` : 'payload';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

export type ParsedCommand =
  | { ok: true; name: CommandName; args: unknown }
  | { ok: false; error: ApiError };

/** Validates a command name and its arguments against the contract. */
export function parseCommand(name: unknown, args: unknown): ParsedCommand {
  if (!isCommandName(name)) {
    return {
      ok: false,
      error: {
        code: 'UNKNOWN_COMMAND',
        message: `unknown command ${JSON.stringify(name)}; known: ${Object.keys(commands).join(', ')}`,
      },
    };
  }
  const parsed = commands[name].args.safeParse(args ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'BAD_ARGS', message: `command '${name}': ${describeZodError(parsed.error)}` },
    };
  }
  return { ok: true, name, args: parsed.data };
}

/** Parses one raw text frame into a request, or an error naming what is wrong. */
export function parseRequestText(
  text: string,
): { ok: true; req: RequestMessage } | { ok: false; id: number | string | null; error: ApiError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, id: null, error: { code: 'BAD_JSON', message: `message is not valid JSON: ${(e as Error).message}` } };
  }
  const parsed = RequestMessage.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && 'id' in raw ? ((raw as { id: unknown }).id as never) : null;
    return {
      ok: false,
      id: typeof id === 'number' || typeof id === 'string' ? id : null,
      error: { code: 'BAD_MESSAGE', message: `request must be {id, cmd, args}: ${describeZodError(parsed.error)}` },
    };
  }
  return { ok: true, req: parsed.data };
}

/**
 * Validates and runs one command. Never throws: handler errors become ApiErrors
 * so a bad request cannot take a transport (or the engine) down.
 */
export async function dispatchCommand(
  handlers: CommandHandlers,
  name: unknown,
  args: unknown,
): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError }> {
  const parsed = parseCommand(name, args);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[parsed.name] as (a: unknown) => unknown;
    const result = await handler(parsed.args);
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ApiFailure) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'INTERNAL', message: `command '${parsed.name}' failed: ${(e as Error).message}` } };
  }
}

/** Validates an event payload on arrival (UI side). */
export function parseEvent(msg: unknown): EngineEvent | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const { event, data } = msg as { event?: unknown; data?: unknown };
  if (typeof event !== 'string' || !Object.prototype.hasOwnProperty.call(events, event)) return null;
  const schema = events[event as EngineEvent['topic']];
  const parsed = schema.safeParse(data);
  if (!parsed.success) return null;
  return { topic: event, data: parsed.data } as EngineEvent;
}

/** Validates a command result on arrival (UI side). */
export function parseResult<N extends CommandName>(name: N, result: unknown): CommandResult<N> {
  const parsed = commands[name].result.safeParse(result);
  if (!parsed.success) throw new ApiFailure('BAD_RESULT', `result of '${name}': ${describeZodError(parsed.error)}`);
  return parsed.data as CommandResult<N>;
}
