// The keyboard-shortcut help: a dialog listing every shortcut (shortcuts.ts),
// opened with "?" or the header's button; Escape, the button or a click
// outside closes it and focus goes back where it was.
import { useEffect, useRef } from 'react';
import { SHORTCUTS, setHelpOpen, useHelp } from './shortcuts.js';

export function HelpOverlay() {
  const open = useHelp((s) => s.open);
  return open ? <Help /> : null;
}

function Help() {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setHelpOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      before?.focus?.();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setHelpOpen(false)}>
      <div className="modal help-dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-overlay">
        <h3 id="help-title" className="modal-title">
          Keyboard shortcuts
        </h3>
        <table className="help-table">
          <caption className="help-caption">Alt+Shift shortcuts work anywhere in the window, also while typing in a field.</caption>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.id} data-testid="shortcut-row" data-shortcut={s.id}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help-caption">In the desktop app, HALT and KILL also have global hotkeys that work from any application (see the README).</p>
        <div className="modal-actions">
          <button ref={closeRef} type="button" className="btn btn-primary" onClick={() => setHelpOpen(false)}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
