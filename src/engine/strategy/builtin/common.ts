// Shared parameter schema pieces for the built-in strategies.
import { z } from 'zod';

export const base = { enabled: z.boolean(), weight: z.number().min(0).max(1) };
export const zLevel = z.number().finite().gt(0).max(20);
export const bars = z.number().int().min(1).max(100_000);
export const minutes = z.number().int().min(0).max(1440);
