/**
 * Typed in-process event bus. Listeners are keyed by owner so a module's stop() removes all of
 * its listeners with one call (bus.offOwner(this)).
 */
import type { DomainEvents } from './protocol.js';

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => void;

export class EventBus {
  private listeners = new Map<keyof DomainEvents, Array<{ owner: object; fn: Listener<never> }>>();

  constructor(private readonly onError: (event: string, err: unknown) => void = () => {}) {}

  on<K extends keyof DomainEvents>(owner: object, event: K, fn: Listener<K>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, fn: fn as Listener<never> });
    this.listeners.set(event, list);
  }

  offOwner(owner: object): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((l) => l.owner !== owner),
      );
    }
  }

  /** Synchronous delivery; one failing listener is logged and does not stop the others. */
  emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l.fn as Listener<K>)(payload);
      } catch (err) {
        this.onError(String(event), err);
      }
    }
  }
}
