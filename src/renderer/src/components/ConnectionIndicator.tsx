// Connection state of the engine link (dot + label + transport name).
import { useDesk } from '../store/desk-store.js';

const LABEL = { connecting: 'Connecting…', open: 'Connected', closed: 'Disconnected' } as const;

export function ConnectionIndicator() {
  const connection = useDesk((s) => s.connection);
  const transport = useDesk((s) => s.transport);
  const problem = useDesk((s) => s.problem);
  return (
    <span
      className={`conn conn-${connection}`}
      data-testid="connection-state"
      data-state={connection}
      title={problem ?? `${LABEL[connection]}${transport ? ` via ${transport}` : ''}`}
    >
      <span className="conn-dot" />
      {LABEL[connection]}
      {transport && <span className="conn-transport">{transport}</span>}
    </span>
  );
}
