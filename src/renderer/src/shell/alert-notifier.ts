// Critical alerts outside the page in the served UI: a browser notification
// (when allowed and switched on) and, if the user turned it on, a short tone.
// Alerts already present when the page first syncs are not announced again.
// Inside Electron the main process shows native notifications itself
// (src/main/notifications.ts), so here only the sound plays.
import { criticalAlertNotifier } from '../../../shared/critical-alerts.js';
import type { Alert } from '../../../shared/domain.js';
import { useDesk } from '../store/desk-store.js';
import { usePrefs } from './prefs-store.js';

/** Counters the Alerts panel shows as data attributes (and the browser tests read). */
export const notifierStats = { notified: 0, sounded: 0 };

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function browserNotify(title: string, body: string): void {
  if (useDesk.getState().transport !== 'WebSocket' || !usePrefs.getState().desktopNotifications) return;
  if (notificationPermission() !== 'granted') return;
  try {
    new Notification(title, { body, tag: `${title}:${body}`.slice(0, 200) });
    notifierStats.notified++;
  } catch (e) {
    console.warn('[tradedesk] notification failed:', (e as Error).message);
  }
}

let audio: AudioContext | null = null;

/** A short two-tone beep through WebAudio (no sound file to load). */
function beep(): void {
  if (!usePrefs.getState().alertSound) return;
  notifierStats.sounded++;
  try {
    audio ??= new AudioContext();
    const t = audio.currentTime;
    for (const [i, f] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.15, t + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, t + i * 0.18 + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + i * 0.18);
      osc.stop(t + i * 0.18 + 0.17);
    }
  } catch (e) {
    console.warn('[tradedesk] alert sound failed:', (e as Error).message);
  }
}

/** Starts announcing new critical alerts; returns the stop function. */
export function startAlertNotifier(): () => void {
  let sounded = false;
  let primed = false;
  const announce = criticalAlertNotifier(
    (title, body) => {
      if (!primed) return;
      browserNotify(title, body);
      sounded = true;
    },
    (a: Alert) => `${a.id}@${a.ts}`,
  );
  return useDesk.subscribe((s, prev) => {
    if (!s.synced || s.alerts === prev.alerts) return;
    if (!primed) {
      // what the first snapshot holds is history, not news
      announce(s.alerts);
      primed = true;
      return;
    }
    sounded = false;
    announce(s.alerts);
    if (sounded) beep();
  });
}
