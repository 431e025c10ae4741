// The ETF proxy set shared by the ETF strategies (stand-ins for index, bond and
// commodity futures).
import { z } from 'zod';

export const ETF_PROXIES = ['SPY', 'QQQ', 'IWM', 'TLT', 'IEF', 'GLD', 'USO', 'DBC'] as const;
export const etfList = z.array(z.string().min(1)).min(1).max(50);
