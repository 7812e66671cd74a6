import { alertsToFire, type AlertCondition, type AlertInsight, type StreamAlert } from '../core/alerts/conditions';
import { seriesId, type SeriesKey } from '../core/candles/series-key';
import { oneLine } from '../core/util/errors';
import { AlertStore } from '../store/alert-store';
import { CandlecastConnection } from '../store/connection';
import type { AlertLogRecord } from '../store/schema';

/** What the alerts panel shows. */
export interface AlertsView {
  alerts: StreamAlert[];
  log: AlertLogRecord[];
  /** Notification permission: 'granted', 'denied', 'default', or 'unsupported'. */
  permission: string;
  problem: string | null;
}

const LOG_SHOWN = 30;

function permissionNow(): string {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * The shell around src/core/alerts: keeps the alerts and the log in IndexedDB, asks the notification permission
 * only when the user adds an alert, evaluates each insight of the stream on screen with alertsToFire, and for
 * every firing writes the log and shows a system notification through the service worker registration
 * (registration.showNotification). Alerts fire only while a page of the app is open.
 */
export class AlertsController {
  private readonly store: AlertStore;
  private alerts: StreamAlert[] = [];
  private log: AlertLogRecord[] = [];
  private problem: string | null = null;
  private readonly firedAt = new Map<number, number>();
  private previous: AlertInsight | null = null;
  private current: AlertInsight | null = null;
  private previousKey = '';

  constructor(private readonly onView: (view: AlertsView) => void) {
    this.store = new AlertStore(new CandlecastConnection());
  }

  async load(): Promise<void> {
    try {
      [this.alerts, this.log] = await Promise.all([this.store.list(), this.store.recent(LOG_SHOWN)]);
    } catch (err) {
      this.problem = `alerts unavailable: ${oneLine(err)}`;
    }
    this.emit();
  }

  /** Adds an alert for `stream`; asks for the notification permission now (and only here). */
  async add(stream: SeriesKey, condition: AlertCondition): Promise<void> {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      await Notification.requestPermission();
    }
    try {
      const id = await this.store.add(stream, condition);
      this.alerts = [...this.alerts, { id, ...stream, condition }];
    } catch (err) {
      this.problem = `could not save the alert: ${oneLine(err)}`;
    }
    this.emit();
  }

  async remove(id: number): Promise<void> {
    await this.store.remove(id);
    this.alerts = this.alerts.filter((a) => a.id !== id);
    this.emit();
  }

  /** Call with every insight of the stream on screen; `stream` is what the user picked (not the replay key). */
  onInsight(stream: SeriesKey, insight: AlertInsight): void {
    const key = seriesId(stream);
    if (key !== this.previousKey) {
      this.previousKey = key;
      this.previous = null;
      this.current = null;
    }
    if (this.current && insight.time < this.current.time) {
      this.previous = null; // a seek backwards: start over
    } else if (this.current && insight.time > this.current.time) {
      this.previous = this.current;
    }
    this.current = insight;
    const firings = alertsToFire(this.alerts, { current: insight, previous: this.previous }, this.firedAt, stream);
    for (const f of firings) {
      this.firedAt.set(f.alertId, f.time);
      const entry: Omit<AlertLogRecord, 'id'> = {
        ...stream,
        alertId: f.alertId,
        time: f.time,
        message: `${f.title} — ${f.message}`,
        firedAt: Date.now(),
      };
      void this.notify(f.title, f.message, `candlecast-${f.alertId}-${f.time}`);
      void this.store
        .log(entry)
        .then((id) => {
          this.log = [{ ...entry, id }, ...this.log].slice(0, LOG_SHOWN);
          this.emit();
        })
        .catch((err: unknown) => {
          this.problem = `could not log an alert: ${oneLine(err)}`;
          this.emit();
        });
    }
  }

  private async notify(title: string, body: string, tag: string): Promise<void> {
    if (permissionNow() !== 'granted' || !('serviceWorker' in navigator)) return;
    try {
      const registration = await navigator.serviceWorker.ready;
      await registration.showNotification(title, { body, tag, icon: '/icons/icon-192.png' });
    } catch (err) {
      this.problem = `notification failed: ${oneLine(err)}`;
      this.emit();
    }
  }

  private emit(): void {
    this.onView({ alerts: this.alerts, log: this.log, permission: permissionNow(), problem: this.problem });
  }
}
