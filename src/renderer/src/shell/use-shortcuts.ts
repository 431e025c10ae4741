// Listens for the renderer's keyboard shortcuts (shortcuts.ts) on the window.
import { useEffect } from 'react';
import { resetLayout, show } from '../layout/layout-store.js';
import { toggleTheme } from './prefs-store.js';
import { matchShortcut, requestKillAction, setHelpOpen, useHelp, type ShortcutId } from './shortcuts.js';

function run(id: ShortcutId): void {
  switch (id) {
    case 'halt':
    case 'kill':
    case 'flatten':
    case 'resume':
      requestKillAction(id);
      return;
    case 'help':
      setHelpOpen(!useHelp.getState().open);
      return;
    case 'theme':
      toggleTheme();
      return;
    case 'dashboard':
    case 'chart':
      show(id);
      return;
    case 'resetLayout':
      resetLayout();
      return;
  }
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      const id = matchShortcut(e);
      if (!id) return;
      e.preventDefault();
      run(id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
