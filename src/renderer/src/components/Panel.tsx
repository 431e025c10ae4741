// Panel chrome shared by every area of the workspace: a title bar with an
// optional right-hand slot, and a scrolling body (focusable, so a keyboard
// user can scroll it).
import type { ReactNode } from 'react';

interface PanelProps {
  title: ReactNode;
  extra?: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}

export function Panel({ title, extra, className, testId, children }: PanelProps) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      <header className="panel-head">
        <h2 className="panel-title">{title}</h2>
        {extra !== undefined && <div className="panel-extra">{extra}</div>}
      </header>
      <div className="panel-body" tabIndex={0}>
        {children}
      </div>
    </section>
  );
}
