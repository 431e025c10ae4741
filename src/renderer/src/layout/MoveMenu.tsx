// "Move to…" on an area's bar: a menu button listing the other areas; choosing
// one moves the area's shown panel there. Keyboard: Enter/Space opens and
// focuses the first item, arrows move, Escape closes and returns focus.
import { useEffect, useRef, useState } from 'react';
import { AREA_LABEL, AREAS, PANEL_LABEL, type AreaId, type PanelId } from './layout-model.js';
import { moveTo } from './layout-store.js';

export function MoveMenu({ panel, area }: { panel: PanelId; area: AreaId }) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const targets = AREAS.filter((a) => a !== area);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && e.target !== buttonRef.current) setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onMenuKey = (e: React.KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  };

  return (
    <div className="move-menu">
      <button
        ref={buttonRef}
        type="button"
        className="area-btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Move ${PANEL_LABEL[panel]} to another area`}
        title={`Move ${PANEL_LABEL[panel]} to another area`}
        data-testid={`move-${panel}`}
        onClick={() => setOpen((o) => !o)}
      >
        Move to…
      </button>
      {open && (
        <div ref={menuRef} className="move-menu-list" role="menu" aria-label={`Move ${PANEL_LABEL[panel]} to`} onKeyDown={onMenuKey}>
          {targets.map((t) => (
            <button
              key={t}
              type="button"
              role="menuitem"
              className="move-menu-item"
              onClick={() => {
                moveTo(panel, t);
                setOpen(false);
              }}
            >
              {AREA_LABEL[t]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
