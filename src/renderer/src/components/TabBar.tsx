// One row of tabs (the side panel, the bottom dock, Settings): ARIA tab roles,
// the active tab marked, an optional badge per tab, tabs disabled while busy.
import type { ReactNode } from 'react';

export interface TabSpec<T extends string> {
  id: T;
  label: string;
  testId: string;
}

export function TabBar<T extends string>({
  tabs,
  active,
  onSelect,
  label,
  className = '',
  badge,
  disabled,
}: {
  tabs: readonly TabSpec<T>[];
  active: T;
  onSelect: (id: T) => void;
  /** What the tabs switch between, for screen readers. */
  label: string;
  className?: string;
  badge?: (id: T) => ReactNode;
  disabled?: (id: T) => boolean;
}) {
  return (
    <div className={`tabs ${className}`.trim()} role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className={`tab ${t.id === active ? 'tab-active' : ''}`}
          aria-selected={t.id === active}
          data-testid={t.testId}
          disabled={disabled?.(t.id)}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
          {badge?.(t.id)}
        </button>
      ))}
    </div>
  );
}
