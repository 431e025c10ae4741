// The header's workstation controls: Reset layout, the theme switch and the
// shortcut help. Each says what it does to screen readers and in its tooltip.
import { resetLayout, useLayout } from '../layout/layout-store.js';
import { toggleTheme, usePrefs } from './prefs-store.js';
import { setHelpOpen } from './shortcuts.js';
import './shell.css';

export function ShellControls() {
  const theme = usePrefs((s) => s.theme);
  const problem = useLayout((s) => s.problem);
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <div className="shell-controls">
      {problem && (
        <span className="shell-problem" role="status" title={problem} data-testid="layout-problem">
          Layout repaired
        </span>
      )}
      <button type="button" className="btn btn-ghost shell-btn" data-testid="reset-layout" onClick={resetLayout} aria-label="Reset layout" title="Put every panel back in its place, at its default size">
        <span className="shell-long">Reset layout</span>
        <span className="shell-short">Layout</span>
      </button>
      <button
        type="button"
        className="btn btn-ghost shell-btn"
        data-testid="theme-toggle"
        data-theme={theme}
        aria-label={`Switch to the ${next} theme`}
        title={`Switch to the ${next} theme (Alt+Shift+T)`}
        onClick={toggleTheme}
      >
        <span className="shell-long">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
        <span className="shell-short">{theme === 'dark' ? 'Light' : 'Dark'}</span>
      </button>
      <button type="button" className="btn btn-ghost shell-btn" data-testid="help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}
