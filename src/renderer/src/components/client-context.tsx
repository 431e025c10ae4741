// Makes the RendererClient available to components that send commands.
import { createContext, useContext } from 'react';
import type { RendererClient } from '../transport/renderer-client.js';

export const ClientContext = createContext<RendererClient | null>(null);

export function useClient(): RendererClient | null {
  return useContext(ClientContext);
}
