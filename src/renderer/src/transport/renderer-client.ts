// The client the UI holds: the shared EngineClient plus a human-readable
// "connection problem" channel (bad token, engine unreachable). Both transports
// implement it, so the UI never knows whether it runs over IPC or WebSocket.
import type { EngineClient } from '../../../shared/api/client.js';

export interface RendererClient extends EngineClient {
  /** Emits a message a person can act on when the link is unhealthy, or null once healthy. */
  onProblem(listener: (problem: string | null) => void): () => void;
}
