// One titled section of the decision detail drawer (anchored for the chain's links).
import type { ReactNode } from 'react';

export function Section({ id, title, extra, children }: { id: string; title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <section className="dsec" id={`decision-${id}`} data-testid={`decision-section-${id}`}>
      <h3 className="dsec-title">
        {title}
        {extra !== undefined && <span className="dsec-extra">{extra}</span>}
      </h3>
      {children}
    </section>
  );
}
